"""Progress messages: which platform message shows a job's progress (edited in place across restarts).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 17:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "progress_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("progress_key", sa.String(length=64), nullable=False),
        sa.Column("chat_external_id", sa.String(length=64), nullable=False),
        sa.Column("message_id", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_progress_message")),
        sa.UniqueConstraint("platform", "progress_key", name="uq_progress_message_platform_key"),
    )


def downgrade() -> None:
    op.drop_table("progress_message")
