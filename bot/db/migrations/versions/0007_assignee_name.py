"""assignee name

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 11:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("question_group") as batch:
        batch.add_column(sa.Column("assignee_name", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("question_group") as batch:
        batch.drop_column("assignee_name")
