"""Periodic notices to the moderators' conversation (overdue replies, a stale calendar), each
queued through the outbox at most once per period: the period is in its idempotency key, so
running the check often, late or in two processes sends it once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock, system_clock
from bot.db.engine import Database
from bot.delivery.outbox import enqueue
from bot.delivery.payloads import Payload
from bot.messages import ConversationRef


class ModeratorNotice:
    """Queues what `compose` finds, if anything, to the moderators' conversation."""

    def __init__(
        self,
        *,
        database: Database,
        moderators_conversation: ConversationRef | None,
        clock: Clock = system_clock,
    ) -> None:
        self._database = database
        self._conversation = moderators_conversation
        self._clock = clock

    async def queue(self) -> bool:
        """Queue the notice if there is one to give; True when newly queued."""
        if self._conversation is None:
            return False
        now = self._clock()
        async with self._database.transaction() as session:
            notice = await self.compose(session, now)
            if notice is None:
                return False
            key, payload = notice
            return await enqueue(session, key=key, ref=self._conversation, payload=payload, now=now)

    async def compose(self, session: AsyncSession, now: datetime) -> tuple[str, Payload] | None:
        """The notice's idempotency key and payload, or None when there is nothing to say."""
        raise NotImplementedError
