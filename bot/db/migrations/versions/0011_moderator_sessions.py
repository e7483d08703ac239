"""moderator sessions of the web dashboard, and used set-up tokens

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "moderator_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("user_id", sa.String(length=128), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("method", sa.String(length=24), nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_moderator_session")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_moderator_session_token_hash")),
    )
    with op.batch_alter_table("moderator_session") as batch:
        batch.create_index(batch.f("ix_moderator_session_expires_at"), ["expires_at"])
    op.create_table(
        "setup_token_use",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_setup_token_use")),
        sa.UniqueConstraint("fingerprint", name=op.f("uq_setup_token_use_fingerprint")),
    )


def downgrade() -> None:
    op.drop_table("setup_token_use")
    with op.batch_alter_table("moderator_session") as batch:
        batch.drop_index(batch.f("ix_moderator_session_expires_at"))
    op.drop_table("moderator_session")
