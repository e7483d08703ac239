"""Messages waiting to be delivered, kept in the database so none is lost across restarts.

Enqueueing is idempotent by key; `claim_due` hands each due message to exactly one dispatcher
even when several bot processes share one PostgreSQL (row locks with SKIP LOCKED); failures
are retried with exponential back-off and given up after `MAX_ATTEMPTS`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import structlog
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from bot.db.claims import LEASE, won
from bot.db.inserts import insert_unless_present
from bot.db.models import OutboxMessage
from bot.delivery.payloads import Payload, stored
from bot.messages import ConversationRef

logger = structlog.get_logger(__name__)

MAX_ATTEMPTS = 6
FIRST_RETRY = timedelta(seconds=30)


class OutboxStatus:
    """Delivery states."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


async def enqueue(
    session: AsyncSession,
    *,
    key: str,
    ref: ConversationRef,
    payload: Payload,
    now: datetime,
) -> bool:
    """`queue_message` in an async session."""
    return await session.run_sync(queue_message, key=key, ref=ref, payload=payload, now=now)


@dataclass(frozen=True)
class Outgoing:
    """A message to queue: its idempotency key, where it goes and what it says."""

    key: str
    ref: ConversationRef
    payload: Payload


def queue_message(
    session: Session,
    *,
    key: str,
    ref: ConversationRef,
    payload: Payload,
    now: datetime,
) -> bool:
    """Queue a message in the caller's transaction; False when the key was queued before,
    by this process or another one at the same moment (on PostgreSQL the second insert
    waits for the first's transaction, then does nothing, instead of failing the caller's)."""
    return key in queue_messages(session, [Outgoing(key, ref, payload)], now=now)


def queue_messages(session: Session, messages: Sequence[Outgoing], *, now: datetime) -> set[str]:
    """`queue_message` for many at once, in one statement (a due batch of reminders): the
    keys queued, without those queued before."""
    if not messages:
        return set()
    table = OutboxMessage.__table__
    statement = insert_unless_present(
        session.get_bind().dialect.name, table, table.c.idempotency_key
    ).returning(table.c.idempotency_key)
    rows = [
        {
            "idempotency_key": message.key,
            "platform": message.ref.platform,
            "conversation": message.ref.to_dict(),
            "payload": stored(message.payload),
            "status": OutboxStatus.PENDING,
            "attempts": 0,
            "next_attempt_at": now,
            "created_at": now,
        }
        for message in messages
    ]
    return set(session.scalars(statement, rows))


async def claim_due(
    session: AsyncSession,
    *,
    platforms: Sequence[str],
    now: datetime,
    limit: int = 50,
    lease: timedelta = LEASE,
) -> list[OutboxMessage]:
    """Mark as sending the due messages for these platforms. Each row is claimed with a
    conditional update, so of several dispatchers exactly one wins it; on PostgreSQL the rows
    are also locked with SKIP LOCKED so dispatchers do not even wait for each other."""
    query = (
        select(OutboxMessage)
        .where(
            OutboxMessage.status.in_((OutboxStatus.PENDING, OutboxStatus.SENDING)),
            OutboxMessage.next_attempt_at <= now,
            OutboxMessage.platform.in_(platforms),
        )
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    claimed = []
    for message in (await session.scalars(query)).all():
        claim = (
            update(OutboxMessage)
            .where(
                OutboxMessage.id == message.id,
                OutboxMessage.status == message.status,
                OutboxMessage.next_attempt_at == message.next_attempt_at,
            )
            .values(
                status=OutboxStatus.SENDING,
                attempts=OutboxMessage.attempts + 1,
                next_attempt_at=now + lease,
            )
        )
        if await won(session, claim):
            await session.refresh(message)
            claimed.append(message)
    return claimed


def mark_sent(message: OutboxMessage, *, now: datetime) -> None:
    """Delivered."""
    message.status = OutboxStatus.SENT
    message.sent_at = now
    message.last_error = None


def mark_failed(message: OutboxMessage, *, error: str, now: datetime) -> None:
    """Retry later with back-off, or give up after MAX_ATTEMPTS (logged for operators)."""
    message.last_error = error[:2000]
    if message.attempts >= MAX_ATTEMPTS:
        message.status = OutboxStatus.FAILED
        logger.error(
            "outbox.gave_up",
            key=message.idempotency_key,
            attempts=message.attempts,
            error=message.last_error,
        )
        return
    message.status = OutboxStatus.PENDING
    message.next_attempt_at = now + FIRST_RETRY * (2 ** (message.attempts - 1))
