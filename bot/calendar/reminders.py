"""Deadline reminders as the calendar calls for them: which events get a countdown, when each
reminder is due, and the `calendar_reminder` rows that hold them, which follow the calendar
when an event moves or is withdrawn.

Why apart from `bot.calendar.scheduler`: what to remind of, and when, is calendar logic that
the preview uses too; the scheduler only takes due rows and queues them into the outbox.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.calendar.dates import countdown_date
from bot.calendar.schedule import Schedule, reminder_due
from bot.db.models import CalendarEvent, CalendarReminder, Subscription
from bot.delivery import keys as delivery_keys

REMINDED_TYPES = frozenset(
    {"review", "submission_deadline", "list_of_issues", "visit", "midterm_report"}
)
"""Events worth a countdown; an outcome adoption or a session is news for the digest."""
LIVE_STATUSES = frozenset({"tentative", "confirmed", "unknown"})


class ReminderStatus:
    """States of a reminder row."""

    PENDING = "pending"
    QUEUED = "queued"
    SKIPPED = "skipped"
    """Its time had already passed when it was planned (the event was added or moved late)."""
    CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True)
class PlannedReminder:
    """A reminder the calendar calls for."""

    event_id: str
    lead_days: int
    event_date: date
    due_at: datetime


def planned_reminders(events: Sequence[CalendarEvent], schedule: Schedule) -> list[PlannedReminder]:
    """Reminders for events with a published day (a month-precision date has no day to
    count down to), that are still going ahead."""
    planned = []
    for event in events:
        day = countdown_date(event)
        if (
            day is None
            or event.date_precision != "day"
            or event.event_type not in REMINDED_TYPES
            or event.status not in LIVE_STATUSES
        ):
            continue
        planned += [
            PlannedReminder(
                event_id=event.event_id,
                lead_days=lead,
                event_date=day,
                due_at=reminder_due(day, lead, schedule),
            )
            for lead in schedule.lead_days
        ]
    return planned


async def events_in(session: AsyncSession, countries: Sequence[str]) -> Sequence[CalendarEvent]:
    """The events of these countries, by date."""
    return (
        await session.scalars(
            select(CalendarEvent)
            .where(CalendarEvent.country.in_(countries))
            .order_by(CalendarEvent.start_date, CalendarEvent.event_id)
        )
    ).all()


async def events_by_id(session: AsyncSession, ids: set[str]) -> dict[str, CalendarEvent]:
    """The events with these ids, in one query."""
    found = await session.scalars(select(CalendarEvent).where(CalendarEvent.event_id.in_(ids)))
    return {event.event_id: event for event in found}


async def sync_reminder_rows(
    session: AsyncSession,
    subscription_id: int,
    planned: Sequence[PlannedReminder],
    now: datetime,
) -> None:
    """Bring a subscription's reminder rows in line with the reminders `planned` for it: each
    row follows its event (see `_replan`), and a planned reminder without a row gets one
    (all in one batched INSERT: a subscription's first plan holds hundreds)."""
    wanted = {(p.event_id, p.lead_days): p for p in planned}
    rows = (
        await session.scalars(
            select(CalendarReminder).where(CalendarReminder.subscription_id == subscription_id)
        )
    ).all()
    for row in rows:
        _replan(row, wanted.pop((row.event_id, row.lead_days), None), now)
    if wanted:
        await session.execute(
            insert(CalendarReminder),
            [
                {
                    "subscription_id": subscription_id,
                    "event_id": reminder.event_id,
                    "lead_days": reminder.lead_days,
                    "event_date": reminder.event_date,
                    "due_at": reminder.due_at,
                    "status": _fresh_status(reminder, now),
                    "late": False,
                }
                for reminder in wanted.values()
            ],
        )


async def due_reminders(
    session: AsyncSession, now: datetime, *, limit: int
) -> Sequence[CalendarReminder]:
    """Up to `limit` pending reminders due by `now`, oldest first, locked for this transaction
    (rows another process holds are skipped)."""
    return (
        await session.scalars(
            select(CalendarReminder)
            .where(
                CalendarReminder.status == ReminderStatus.PENDING,
                CalendarReminder.due_at <= now,
            )
            .order_by(CalendarReminder.due_at, CalendarReminder.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    ).all()


async def claim_reminders(
    session: AsyncSession, due: Sequence[CalendarReminder], *, now: datetime, late_before: datetime
) -> list[CalendarReminder]:
    """Mark `due` queued, in one UPDATE whose WHERE still holds only for the rows nobody took
    first (late: due before `late_before`); the rows this call took, in order."""
    claim = (
        update(CalendarReminder)
        .where(
            CalendarReminder.id.in_([reminder.id for reminder in due]),
            CalendarReminder.status == ReminderStatus.PENDING,
        )
        .values(
            status=ReminderStatus.QUEUED,
            queued_at=now,
            late=CalendarReminder.due_at < late_before,
        )
        .returning(CalendarReminder.id)
        .execution_options(synchronize_session=False)
    )
    taken = set(await session.scalars(claim))
    return [reminder for reminder in due if reminder.id in taken]


async def subscriptions_by_id(session: AsyncSession, ids: set[int]) -> dict[int, Subscription]:
    """The subscriptions with these ids, in one query."""
    found = await session.scalars(select(Subscription).where(Subscription.id.in_(ids)))
    return {subscription.id: subscription for subscription in found}


def reminder_key(reminder: CalendarReminder) -> str:
    """The outbox key of a planned reminder (see `delivery_keys.calendar_reminder`)."""
    return delivery_keys.calendar_reminder(
        reminder.subscription_id, reminder.event_id, reminder.lead_days, reminder.event_date
    )


def _fresh_status(planned: PlannedReminder, now: datetime) -> str:
    """A new row's status: pending, or skipped when its time has already passed."""
    return ReminderStatus.PENDING if planned.due_at > now else ReminderStatus.SKIPPED


def _replan(row: CalendarReminder, planned: PlannedReminder | None, now: datetime) -> None:
    """Follow the calendar: a withdrawn event cancels what has not been sent; a moved one
    re-arms its reminders for the new date."""
    if planned is None:
        if row.status == ReminderStatus.PENDING:
            row.status = ReminderStatus.CANCELLED
        return
    if row.event_date == planned.event_date and row.due_at == planned.due_at:
        if row.status == ReminderStatus.CANCELLED:  # the event is back on
            row.status = _fresh_status(planned, now)
        return
    row.event_date = planned.event_date
    row.due_at = planned.due_at
    row.late = False
    row.queued_at = None
    row.status = _fresh_status(planned, now)
