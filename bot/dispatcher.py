"""Delivers the outbox through the adapters: one loop in `huribot serve` calls `run_once`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

import structlog

from bot.clock import Clock, system_clock
from bot.db.engine import Database
from bot.db.models import OutboxMessage
from bot.messages import ConversationRef
from bot.outbox import claim_due, mark_failed, mark_sent

logger = structlog.get_logger(__name__)


class Sender(Protocol):
    """What an adapter exposes for proactive messages on its platform."""

    platform: str

    async def send(self, ref: ConversationRef, payload: dict[str, Any]) -> None:
        """Deliver one outbox payload to a conversation; raise on failure."""


class Dispatcher:
    """Claims due messages and hands each to its platform's sender."""

    def __init__(
        self, *, database: Database, senders: Sequence[Sender], clock: Clock = system_clock
    ) -> None:
        self._database = database
        self._senders = {sender.platform: sender for sender in senders}
        self._clock = clock

    async def run_once(self) -> int:
        """Deliver what is due now; returns how many were delivered."""
        if not self._senders:
            return 0
        async with self._database.transaction() as session:
            claimed = await claim_due(session, platforms=list(self._senders), now=self._clock())
            await session.flush()
            session.expunge_all()
        delivered = 0
        for message in claimed:
            delivered += await self._deliver(message)
        return delivered

    async def _deliver(self, message: OutboxMessage) -> int:
        ref = ConversationRef.from_dict(message.conversation)
        error: str | None = None
        try:
            await self._senders[message.platform].send(ref, message.payload)
        except Exception as exc:  # any platform failure is retried later
            error = f"{type(exc).__name__}: {exc}"
            logger.warning("dispatcher.send_failed", key=message.idempotency_key, error=error)
        async with self._database.transaction() as session:
            row = await session.get(OutboxMessage, message.id)
            if row is None:
                return 0
            if error is None:
                mark_sent(row, now=self._clock())
                return 1
            mark_failed(row, error=error, now=self._clock())
            return 0
