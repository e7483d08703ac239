"""What waits, read from the database: the gauges of `/metrics` (`bot.metrics`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot import metrics
from bot.calendar.reminders import ReminderStatus
from bot.db.models import CalendarReminder, OutboxMessage, QuestionGroup, Subscription
from bot.delivery.outbox import OutboxStatus
from bot.moderation.queue import ACTIVE


@dataclass(frozen=True, slots=True)
class Backlog:
    """What waits, as the database says at one moment."""

    open_groups: int
    outbox_pending: int
    scheduler_lag_seconds: float


async def read_backlog(session: AsyncSession, *, now: datetime) -> Backlog:
    """What waits now, in four aggregate queries."""
    open_groups = await session.scalar(
        select(func.count()).select_from(QuestionGroup).where(QuestionGroup.status.in_(ACTIVE))
    )
    pending = await session.scalar(
        select(func.count())
        .select_from(OutboxMessage)
        .where(OutboxMessage.status.in_((OutboxStatus.PENDING, OutboxStatus.SENDING)))
    )
    oldest_digest = await session.scalar(
        select(func.min(Subscription.next_digest_at)).where(Subscription.next_digest_at <= now)
    )
    oldest_reminder = await session.scalar(
        select(func.min(CalendarReminder.due_at)).where(
            CalendarReminder.due_at <= now, CalendarReminder.status == ReminderStatus.PENDING
        )
    )
    due = [moment for moment in (oldest_digest, oldest_reminder) if moment is not None]
    lag = (now - min(due)).total_seconds() if due else 0.0
    return Backlog(
        open_groups=int(open_groups or 0),
        outbox_pending=int(pending or 0),
        scheduler_lag_seconds=max(lag, 0.0),
    )


def show_backlog(backlog: Backlog) -> None:
    """Set the backlog gauges before a scrape is rendered."""
    metrics.OPEN_GROUPS.set(backlog.open_groups)
    metrics.OUTBOX_PENDING.set(backlog.outbox_pending)
    metrics.SCHEDULER_LAG.set(backlog.scheduler_lag_seconds)
