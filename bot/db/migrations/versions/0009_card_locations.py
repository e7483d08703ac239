"""card locations by platform

A group's card column held one flat object whose keys told the platforms apart (`channel` and
`ts` for Slack, `teams_*` for Teams); it now holds one entry per platform, each in that
platform's own terms, so no adapter reads another's keys.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 14:30:00
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

SLACK_KEYS = ("channel", "ts")
TEAMS_KEYS = {
    "teams_conversation": "conversation_id",
    "teams_activity": "activity_id",
    "teams_service_url": "service_url",
}
_groups = sa.table("question_group", sa.column("id", sa.Integer), sa.column("card", sa.JSON))


def _by_platform(flat: dict[str, Any]) -> dict[str, dict[str, str]]:
    nested: dict[str, dict[str, str]] = {}
    if all(key in flat for key in SLACK_KEYS):
        nested["slack"] = {key: str(flat[key]) for key in SLACK_KEYS}
    if "teams_activity" in flat:
        nested["teams"] = {new: str(flat.get(old) or "") for old, new in TEAMS_KEYS.items()}
    return nested


def _flat(nested: dict[str, Any]) -> dict[str, str]:
    flat = {key: str(value) for key, value in nested.get("slack", {}).items()}
    for old, new in TEAMS_KEYS.items():
        if new in nested.get("teams", {}):
            flat[old] = str(nested["teams"][new])
    return flat


def _rewrite(convert: Any) -> None:
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(_groups.c.id, _groups.c.card).where(_groups.c.card.isnot(None))
    )
    for group_id, card in rows.all():
        if card:
            connection.execute(
                _groups.update().where(_groups.c.id == group_id).values(card=convert(card))
            )


def upgrade() -> None:
    _rewrite(_by_platform)


def downgrade() -> None:
    _rewrite(_flat)
