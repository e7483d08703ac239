"""files uploaded to the dashboard's imports, kept between preview and confirmation

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 21:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "staged_upload",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("staged_by", sa.String(length=160), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staged_upload")),
    )
    with op.batch_alter_table("staged_upload") as batch:
        batch.create_index(batch.f("ix_staged_upload_created_at"), ["created_at"])


def downgrade() -> None:
    with op.batch_alter_table("staged_upload") as batch:
        batch.drop_index(batch.f("ix_staged_upload_created_at"))
    op.drop_table("staged_upload")
