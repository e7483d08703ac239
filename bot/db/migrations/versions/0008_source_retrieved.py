"""calendar source retrieved

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("calendar_event") as batch:
        batch.add_column(sa.Column("source_retrieved", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("calendar_event") as batch:
        batch.drop_column("source_retrieved")
