"""Forgotten identities: a one-way hash per platform identity of a deleted user, so they get no second welcome grant.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 19:45:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "forgotten_identity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("identity_hash", sa.String(length=64), nullable=False),
        sa.Column("forgotten_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_forgotten_identity")),
        sa.UniqueConstraint("identity_hash", name=op.f("uq_forgotten_identity_identity_hash")),
    )


def downgrade() -> None:
    op.drop_table("forgotten_identity")
