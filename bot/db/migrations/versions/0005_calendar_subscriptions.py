"""calendar subscriptions

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27 15:15:03.623609
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "known_conversation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("conversation_id", sa.String(length=255), nullable=False),
        sa.Column("reference", sa.JSON(), nullable=False),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_known_conversation")),
        sa.UniqueConstraint(
            "platform", "conversation_id", name=op.f("uq_known_conversation_platform")
        ),
    )
    op.create_table(
        "unct",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("countries", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unct")),
        sa.UniqueConstraint("name", name=op.f("uq_unct_name")),
    )
    op.create_table(
        "subscription",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("conversation_id", sa.String(length=255), nullable=False),
        sa.Column("conversation", sa.JSON(), nullable=False),
        sa.Column("unct_id", sa.Integer(), nullable=True),
        sa.Column("countries", sa.JSON(), nullable=False),
        sa.Column("cadence", sa.String(length=100), nullable=False),
        sa.Column("reminder_time", sa.String(length=5), nullable=False),
        sa.Column("lead_days", sa.JSON(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("created_by", sa.String(length=160), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("next_digest_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_digest_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("digest_snapshot", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["unct_id"], ["unct.id"], name=op.f("fk_subscription_unct_id_unct"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subscription")),
        sa.UniqueConstraint("platform", "conversation_id", name=op.f("uq_subscription_platform")),
    )
    with op.batch_alter_table("subscription", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_subscription_next_digest_at"), ["next_digest_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_subscription_unct_id"), ["unct_id"], unique=False)

    op.create_table(
        "calendar_reminder",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subscription_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.String(length=120), nullable=False),
        sa.Column("lead_days", sa.Integer(), nullable=False),
        sa.Column("event_date", sa.Date(), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.Column("queued_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["subscription_id"],
            ["subscription.id"],
            name=op.f("fk_calendar_reminder_subscription_id_subscription"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_reminder")),
        sa.UniqueConstraint(
            "subscription_id",
            "event_id",
            "lead_days",
            name=op.f("uq_calendar_reminder_subscription_id"),
        ),
    )
    with op.batch_alter_table("calendar_reminder", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_calendar_reminder_due_at"), ["due_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_calendar_reminder_status"), ["status"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_calendar_reminder_subscription_id"), ["subscription_id"], unique=False
        )


def downgrade() -> None:

    with op.batch_alter_table("calendar_reminder", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_calendar_reminder_subscription_id"))
        batch_op.drop_index(batch_op.f("ix_calendar_reminder_status"))
        batch_op.drop_index(batch_op.f("ix_calendar_reminder_due_at"))

    op.drop_table("calendar_reminder")
    with op.batch_alter_table("subscription", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_subscription_unct_id"))
        batch_op.drop_index(batch_op.f("ix_subscription_next_digest_at"))

    op.drop_table("subscription")
    op.drop_table("unct")
    op.drop_table("known_conversation")
