"""Clips remember the prompt the model was given, so an edit keeps the background the engine chose.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 16:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("clip") as batch:
        batch.add_column(sa.Column("model_prompt", sa.String(length=4000), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("clip") as batch:
        batch.drop_column("model_prompt")
