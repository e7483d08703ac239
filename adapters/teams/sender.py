"""Proactive Teams messages from the outbox: answers to askers, cards and digests to
moderators, calendar digests and reminders to subscribed conversations.

Every send replays a stored `ConversationRef` (service URL, conversation, tenant), so it works
after a restart, exactly as a reply within a turn would.
"""

from __future__ import annotations

from typing import Any

from adapters.teams.app import send_replies
from adapters.teams.cards import card_activity, text_activity
from adapters.teams.connector import TeamsConnector
from adapters.teams.digest_card import digest_card
from adapters.teams.moderation import TeamsModeration
from adapters.teams.translate import PLATFORM
from bot.calendar.digest import Digest
from bot.kb.review import digest_text
from bot.messages import ConversationRef, reply_from_dict


class TeamsSender:
    """Implements the dispatcher's `Sender` for Teams."""

    platform = PLATFORM

    def __init__(self, *, connector: TeamsConnector, moderation: TeamsModeration) -> None:
        self._connector = connector
        self._moderation = moderation

    async def send(self, ref: ConversationRef, payload: dict[str, Any]) -> None:
        """Deliver one outbox payload; raise on failure (the dispatcher retries)."""
        kind = payload["kind"]
        if kind == "reply":
            await send_replies(self._connector, ref, [reply_from_dict(payload["reply"])])
        elif kind == "group_card":
            await self._moderation.post_card(
                ref, int(payload["group_id"]), reminder=bool(payload.get("reminder"))
            )
        elif kind == "group_card_refresh":
            await self._moderation.refresh_card(int(payload["group_id"]))
        elif kind in {"calendar_digest", "calendar_reminder"}:
            digest = Digest.from_dict(payload["digest"])
            activity = card_activity(digest_card(digest), summary=digest.title)
            await self._connector.send(ref, activity)
        elif kind == "review_digest":
            await self._connector.send(ref, text_activity(digest_text(payload["replies"])))
        else:
            raise ValueError(f"unknown outbox payload kind {kind!r}")
