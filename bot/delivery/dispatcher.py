"""Delivers the outbox through the adapters: one loop in `huribot serve` calls `run_once`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Protocol

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from bot import metrics
from bot.clock import Clock, system_clock
from bot.db.claims import LEASE
from bot.db.engine import Database
from bot.db.models import OutboxMessage
from bot.db.outage import retry_while_unreachable
from bot.delivery import keys as delivery_keys
from bot.delivery.outbox import OutboxStatus, claim_due, enqueue, mark_failed, mark_sent
from bot.delivery.payloads import Payload, PayloadCodec, ReplyPayload
from bot.messages import ConversationRef, Reply, ReplyKind

logger = structlog.get_logger(__name__)


class Sender(Protocol):
    """What an adapter exposes for proactive messages on its platform."""

    platform: str

    async def send(self, ref: ConversationRef, payload: Payload) -> None:
        """Deliver one outbox payload to a conversation; raise on failure."""


class Dispatcher:
    """Claims due messages and hands each to its platform's sender."""

    def __init__(
        self,
        *,
        database: Database,
        senders: Sequence[Sender],
        codec: PayloadCodec,
        clock: Clock = system_clock,
        report_to: ConversationRef | None = None,
        lease: timedelta = LEASE,
    ) -> None:
        """`report_to` (the moderators' conversation) hears of messages given up on; a
        message claimed more than `lease` ago and not confirmed is claimed again."""
        self._database = database
        self._senders = {sender.platform: sender for sender in senders}
        self._codec = codec
        self._clock = clock
        self._report_to = report_to
        self._lease = lease

    async def run_once(self) -> int:
        """Deliver what is due now; returns how many were delivered."""
        if not self._senders:
            return 0
        async with self._database.transaction() as session:
            claimed = await claim_due(
                session, platforms=list(self._senders), now=self._clock(), lease=self._lease
            )
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
            payload = self._codec.load(message.payload)
            await self._senders[message.platform].send(ref, payload)
        except Exception as exc:  # any platform failure is retried later
            error = f"{type(exc).__name__}: {exc}"
            logger.warning("dispatcher.send_failed", key=message.idempotency_key, error=error)
        return await retry_while_unreachable(
            lambda: self._record(message.id, error), patience=self._lease, what="outbox"
        )

    async def _record(self, message_id: int, error: str | None) -> int:
        """Note how a send went (a database outage meanwhile is waited out: a message sent and
        not noted as such would be sent again once its claim expires); 1 when it was sent."""
        async with self._database.transaction() as session:
            row = await session.get(OutboxMessage, message_id)
            if row is None:
                return 0
            if error is None:
                mark_sent(row, now=self._clock())
                metrics.DELIVERIES.labels(row.platform, "sent").inc()
                return 1
            mark_failed(row, error=error, now=self._clock())
            given_up = row.status == OutboxStatus.FAILED
            metrics.DELIVERIES.labels(row.platform, "given_up" if given_up else "retried").inc()
            if given_up and self._report_to is not None:
                await self._report(session, row, to=self._report_to)
            return 0

    async def _report(
        self, session: AsyncSession, message: OutboxMessage, *, to: ConversationRef
    ) -> None:
        """Tell the moderators what could not be delivered, so a lost digest is noticed."""
        if message.conversation.get("conversation_id") == to.conversation_id:
            return  # the moderators' own channel is unreachable: the log has it
        what = str(message.payload.get("kind", "message")).replace("_", " ")
        where = f"{message.platform} conversation {message.conversation.get('conversation_id')}"
        text = (
            f"I could not deliver a {what} to {where} after {message.attempts} attempts "
            f"(last error: {message.last_error}). Check that HuriBot is still a member there."
        )
        notice = Reply(kind=ReplyKind.ERROR, text=text)
        await enqueue(
            session,
            key=delivery_keys.delivery_failed(message.id),
            ref=to,
            payload=ReplyPayload(notice),
            now=self._clock(),
        )
