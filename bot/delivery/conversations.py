"""Conversations the bot has heard from, so scheduled messages can reach them later.

Slack needs only a channel id to post, but Teams needs the service URL and tenant that arrive
with an activity: a proactive send to a conversation the bot never heard from cannot work, and
the moderator setting up such a subscription is told so.
"""

from __future__ import annotations

from contextlib import suppress
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from bot.db.engine import Database
from bot.db.models import KnownConversation
from bot.messages import ConversationRef


class KnownConversations:
    """Remembers the latest reference of every conversation that talked to the bot."""

    def __init__(self, *, database: Database) -> None:
        self._database = database
        self._stored: dict[tuple[str, str], dict[str, str]] = {}
        """References this process stored: a conversation's every message need not write."""

    async def remember(self, ref: ConversationRef, *, now: datetime) -> None:
        """Store or refresh a conversation's reference (thread ids are not kept: a scheduled
        message starts its own thread); nothing is written when it has not changed."""
        reference = ref.conversation_only().to_dict()
        key = (ref.platform, ref.conversation_id)
        if self._stored.get(key) == reference:
            return
        with suppress(IntegrityError):  # another process stored it first: theirs is as fresh
            await self._store(ref.platform, ref.conversation_id, reference, now=now)
        self._stored[key] = reference

    async def _store(
        self, platform: str, conversation_id: str, reference: dict[str, str], *, now: datetime
    ) -> None:
        async with self._database.transaction() as session:
            row = await session.scalar(
                select(KnownConversation).where(
                    KnownConversation.platform == platform,
                    KnownConversation.conversation_id == conversation_id,
                )
            )
            if row is None:
                session.add(
                    KnownConversation(
                        platform=platform,
                        conversation_id=conversation_id,
                        reference=reference,
                        first_seen=now,
                        last_seen=now,
                    )
                )
                return
            row.reference = reference
            row.last_seen = now

    async def find(self, platform: str, conversation_id: str) -> ConversationRef | None:
        """The stored reference, or None when the conversation never talked to the bot."""
        async with self._database.sessions() as session:
            reference = await session.scalar(
                select(KnownConversation.reference).where(
                    KnownConversation.platform == platform,
                    KnownConversation.conversation_id == conversation_id,
                )
            )
        return None if reference is None else ConversationRef.from_dict(reference)
