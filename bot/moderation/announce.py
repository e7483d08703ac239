"""Telling the moderators: a new group's card, a reminder of an untouched one, a new status
shown on the cards already posted. Everything goes through the outbox, once per platform."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from bot.db.models import QuestionGroup
from bot.delivery import keys as delivery_keys
from bot.delivery.outbox import queue_message
from bot.delivery.payloads import Payload
from bot.messages import ConversationRef
from bot.moderation.payloads import GroupCardPayload, GroupCardRefreshPayload


class ModeratorChannels:
    """The moderators' conversations (a Slack and a Teams channel may both be configured)."""

    def __init__(self, conversations: Sequence[ConversationRef]) -> None:
        self.conversations = tuple(conversations)

    @property
    def first(self) -> ConversationRef | None:
        """The first moderators' conversation (digests go there), if any is configured."""
        return self.conversations[0] if self.conversations else None

    def announce(self, session: Session, group_id: int, *, now: datetime) -> None:
        """Post a new group's card."""
        self._queue(
            session, delivery_keys.group_card(group_id), GroupCardPayload(group_id), now=now
        )

    async def remind(self, session: AsyncSession, group: QuestionGroup, *, now: datetime) -> None:
        """Post an untouched group's card again (once a day at most)."""
        key = delivery_keys.group_reminder(group.id, now.date())
        await session.run_sync(self._queue, key, GroupCardPayload(group.id, reminder=True), now=now)

    async def refresh(
        self, session: AsyncSession, group: QuestionGroup, *, acted_on: str, now: datetime
    ) -> None:
        """Have every platform show the group's new status on its card. The platform the
        actor pressed a button on (`acted_on`) updates its own card in that interaction (the
        moderator sees it at once), so it is left out here: its card would be updated twice."""
        if group.card:
            key = delivery_keys.group_refresh(group.id, now)
            await session.run_sync(
                self._queue, key, GroupCardRefreshPayload(group.id), now=now, besides=acted_on
            )

    def _queue(
        self,
        session: Session,
        key: str,
        payload: Payload,
        *,
        now: datetime,
        besides: str | None = None,
    ) -> None:
        """Queue to every moderators' conversation but those on the platform `besides`, one
        idempotency key per platform."""
        for ref in self.conversations:
            if ref.platform != besides:
                queue_message(
                    session, key=f"{key}:{ref.platform}", ref=ref, payload=payload, now=now
                )
