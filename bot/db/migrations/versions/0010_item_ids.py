"""one name for a knowledge-base item's id

The knowledge-base item that answered a question was `answer_id`, and the reply that answered
a group `reply_slug`; they are now `item_id` and `reply_id`, the names the code uses.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 15:00:00
"""

from __future__ import annotations

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("question") as batch:
        batch.alter_column("answer_id", new_column_name="item_id")
    with op.batch_alter_table("question_group") as batch:
        batch.alter_column("reply_slug", new_column_name="reply_id")


def downgrade() -> None:
    with op.batch_alter_table("question_group") as batch:
        batch.alter_column("reply_id", new_column_name="reply_slug")
    with op.batch_alter_table("question") as batch:
        batch.alter_column("item_id", new_column_name="answer_id")
