"""every version of each consolidated reply, the replies stored so far as their first

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 21:30:00
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

FIELDS = ("question", "alt_questions", "answer_md", "tags", "language", "sources", "status")
DATES = ("last_reviewed", "review_by")
replies = sa.table(
    "consolidated_reply",
    *(sa.column(name) for name in ("slug", "question", "answer_md", "language", "status")),
    *(sa.column(name, sa.JSON) for name in ("alt_questions", "tags", "sources")),
    *(sa.column(name, sa.Date) for name in DATES),
    sa.column("owner"),
)


def upgrade() -> None:
    versions = op.create_table(
        "reply_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reply_slug", sa.String(length=120), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=160), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reply_version")),
        sa.UniqueConstraint("reply_slug", "number", name=op.f("uq_reply_version_reply_slug")),
    )
    with op.batch_alter_table("reply_version") as batch:
        batch.create_index(batch.f("ix_reply_version_reply_slug"), ["reply_slug"])
    now = datetime.now(UTC)
    rows = [
        {
            "reply_slug": row.slug,
            "number": 1,
            "at": now,
            "actor": "migration",
            "action": "create",
            "content": {
                **{name: getattr(row, name) for name in (*FIELDS, "owner")},
                **{name: _iso(getattr(row, name)) for name in DATES},
            },
        }
        for row in op.get_bind().execute(sa.select(replies))
    ]
    if rows:
        op.bulk_insert(versions, rows)


def _iso(value: object) -> str | None:
    return value.isoformat() if value is not None and hasattr(value, "isoformat") else None


def downgrade() -> None:
    with op.batch_alter_table("reply_version") as batch:
        batch.drop_index(batch.f("ix_reply_version_reply_slug"))
    op.drop_table("reply_version")
