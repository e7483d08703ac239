"""each question's conversation id in a column of its own, indexed for the flood check

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 11:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

INDEX = "ix_question_conversation_received"
questions = sa.table(
    "question", sa.column("conversation", sa.JSON), sa.column("conversation_id", sa.String)
)


def upgrade() -> None:
    with op.batch_alter_table("question") as batch:
        batch.add_column(sa.Column("conversation_id", sa.String(length=255), nullable=True))
        batch.create_index(INDEX, ["platform", "conversation_id", "received_at"])
    stored = questions.c.conversation["conversation_id"].as_string()
    op.execute(questions.update().values(conversation_id=sa.func.substr(stored, 1, 255)))


def downgrade() -> None:
    with op.batch_alter_table("question") as batch:
        batch.drop_index(INDEX)
        batch.drop_column("conversation_id")
