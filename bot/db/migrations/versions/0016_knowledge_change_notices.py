"""on PostgreSQL, a notice to every listening bot process when the change log grows

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03 11:30:00
"""

from __future__ import annotations

from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

CHANNEL = "huribot_knowledge"  # bot.db.notices.KNOWLEDGE_CHANNEL, as it was when written


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        f"""
        CREATE FUNCTION knowledge_change_notify() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify('{CHANNEL}', TG_TABLE_SCHEMA);
            RETURN NULL;
        END $$
        """
    )
    op.execute(
        "CREATE TRIGGER knowledge_change_notify AFTER INSERT ON knowledge_change "
        "FOR EACH STATEMENT EXECUTE FUNCTION knowledge_change_notify()"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER knowledge_change_notify ON knowledge_change")
    op.execute("DROP FUNCTION knowledge_change_notify()")
