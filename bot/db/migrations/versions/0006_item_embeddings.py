"""item embeddings

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 08:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "item_embedding",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.String(length=300), nullable=False),
        sa.Column("model", sa.String(length=120), nullable=False),
        sa.Column("text_hash", sa.String(length=64), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_item_embedding")),
        sa.UniqueConstraint("item_id", "model", name=op.f("uq_item_embedding_item_id")),
    )


def downgrade() -> None:
    op.drop_table("item_embedding")
