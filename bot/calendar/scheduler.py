"""The calendar's scheduled work: digests and deadline reminders, each delivered exactly once.

Scheduled work is rows: `subscription.next_digest_at` and `calendar_reminder.due_at`. One loop
in `huribot serve` calls `run_once`, which plans reminder rows from the calendar (what to
remind of is `bot.calendar.reminders`), then turns due rows into outbox messages. A row is
taken with a conditional update (and SKIP LOCKED on PostgreSQL), so of several bot processes
exactly one queues it, and the outbox's idempotency key (subscription, event, reminder kind)
makes a second queueing a no-op. Work found overdue (the bot was down) is still done once,
marked late.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

import structlog
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.calendar.dates import countdown_date
from bot.calendar.digest import Digest
from bot.calendar.digest_builder import DigestBuilder
from bot.calendar.freshness import Freshness, calendar_freshness
from bot.calendar.payloads import CalendarDigestPayload, CalendarPayload, CalendarReminderPayload
from bot.calendar.reminders import (
    claim_reminders,
    due_reminders,
    events_by_id,
    events_in,
    planned_reminders,
    reminder_key,
    subscriptions_by_id,
    sync_reminder_rows,
)
from bot.calendar.schedule import local_date, next_run
from bot.calendar.subscriptions import UnknownSubscriptionError, covered_countries, schedule_of
from bot.clock import Clock, system_clock
from bot.db.claims import won
from bot.db.engine import Database
from bot.db.models import CalendarEvent, CalendarReminder, Subscription
from bot.delivery import keys as delivery_keys
from bot.delivery.outbox import Outgoing, enqueue, queue_messages
from bot.messages import ConversationRef

logger = structlog.get_logger(__name__)

LATE_AFTER = timedelta(minutes=15)
"""Work done later than this after its due time is marked late."""
BATCH = 100


class CalendarScheduler:
    """Plans reminders and queues due digests and reminders into the outbox."""

    def __init__(
        self,
        *,
        database: Database,
        builder: DigestBuilder,
        clock: Clock = system_clock,
        skip_empty: bool = False,
    ) -> None:
        self._database = database
        self._builder = builder
        self._clock = clock
        self._skip_empty = skip_empty
        self._planned: dict[int, tuple[object, ...]] = {}
        """What each subscription was last planned from (calendar state, countries, schedule)."""

    async def run_once(self) -> int:
        """Do what is due now; returns how many messages were queued."""
        now = self._clock()
        await self.plan(now)
        queued = 0
        for step in (self._queue_reminders, self._queue_digests):
            full = True
            while full:  # a backlog (after a downtime) drains in batches, one transaction each
                found, added = await step(now)
                queued += added
                full = found == BATCH
        return queued

    async def preview(self, subscription_id: int, *, as_of: date) -> list[Digest]:
        """What the subscription would get on `as_of` (its local date): the digest, then the
        reminders due that day. Nothing is changed or sent."""
        async with self._database.sessions() as session:
            subscription = await session.get(Subscription, subscription_id)
            if subscription is None:
                raise UnknownSubscriptionError(f"No subscription has the id {subscription_id}.")
            events = await events_in(session, covered_countries(subscription))
            freshness = await calendar_freshness(session)
        language = subscription.language
        digest, _ = self._digest(subscription, events, today=as_of, freshness=freshness)
        by_id = {event.event_id: event for event in events}
        schedule = schedule_of(subscription)
        reminders = [
            self._builder.reminder(by_id[p.event_id], days=p.lead_days, language=language)
            for p in planned_reminders(events, schedule)
            if local_date(p.due_at, schedule.timezone) == as_of
        ]
        return [digest, *reminders]

    async def plan(self, now: datetime) -> None:
        """Bring every subscription's reminder rows in line with the calendar. A subscription
        is re-planned only when it or the calendar changed since this process last did."""
        async with self._database.sessions() as session:
            calendar = tuple(
                (
                    await session.execute(
                        select(func.count(CalendarEvent.id), func.max(CalendarEvent.updated_at))
                    )
                ).one()
            )
            subscriptions = (await session.scalars(select(Subscription))).all()
        for subscription in subscriptions:
            inputs = (calendar, tuple(covered_countries(subscription)), schedule_of(subscription))
            if self._planned.get(subscription.id) == inputs:
                continue
            try:
                async with self._database.transaction() as session:
                    if await self._plan_one(session, subscription.id, now):
                        self._planned[subscription.id] = inputs
            except IntegrityError:  # another process planned the same rows at the same time
                logger.info("calendar.plan_raced", subscription=subscription.id)

    async def _plan_one(self, session: AsyncSession, subscription_id: int, now: datetime) -> bool:
        """Plan one subscription's reminders; False when another process holds it."""
        subscription = await session.scalar(
            select(Subscription)
            .where(Subscription.id == subscription_id)
            .with_for_update(skip_locked=True)
        )
        if subscription is None:  # removed, or another process is planning it right now
            return False
        events = await events_in(session, covered_countries(subscription))
        planned = planned_reminders(events, schedule_of(subscription))
        await sync_reminder_rows(session, subscription_id, planned, now)
        return True

    async def _queue_reminders(self, now: datetime) -> tuple[int, int]:
        """Queue a batch of due reminders: (rows found due, messages queued). The batch is
        claimed, read and queued in a few statements whatever its size (a month's downtime
        leaves hundreds due)."""
        late_before = now - LATE_AFTER
        async with self._database.transaction() as session:
            due = await due_reminders(session, now, limit=BATCH)
            if not due:
                return 0, 0
            taken = await claim_reminders(session, due, now=now, late_before=late_before)
            events = await events_by_id(session, {reminder.event_id for reminder in taken})
            subscriptions = await subscriptions_by_id(
                session, {reminder.subscription_id for reminder in taken}
            )
            messages = []
            for reminder in taken:
                late = reminder.due_at < late_before  # as the claim marked it
                message = self._reminder(
                    reminder,
                    events.get(reminder.event_id),
                    subscriptions.get(reminder.subscription_id),
                    late=late,
                    now=now,
                )
                if message is None:
                    continue
                messages.append(message)
                logger.info(
                    "calendar.reminder_queued",
                    subscription=reminder.subscription_id,
                    event_id=reminder.event_id,
                    lead_days=reminder.lead_days,
                    late=late,
                )
            queued = await session.run_sync(queue_messages, messages, now=now)
        return len(due), len(queued)

    def _reminder(
        self,
        reminder: CalendarReminder,
        event: CalendarEvent | None,
        subscription: Subscription | None,
        *,
        late: bool,
        now: datetime,
    ) -> Outgoing | None:
        """The message of a claimed reminder; None when its subscription or event is gone
        (or the event has no date to count down to)."""
        day = countdown_date(event) if event is not None else None
        if subscription is None or event is None or day is None:
            return None
        days = (day - local_date(now, subscription.timezone)).days
        message = self._builder.reminder(
            event, days=max(days, 0), language=subscription.language, late=late
        )
        return outgoing(subscription, reminder_key(reminder), CalendarReminderPayload, message)

    async def _queue_digests(self, now: datetime) -> tuple[int, int]:
        """Queue a batch of due digests: (rows found due, messages queued)."""
        async with self._database.transaction() as session:
            due = (
                await session.scalars(
                    select(Subscription)
                    .where(Subscription.next_digest_at <= now)
                    .order_by(Subscription.next_digest_at, Subscription.id)
                    .limit(BATCH)
                    .with_for_update(skip_locked=True)
                )
            ).all()
            if not due:
                return 0, 0
            queued = 0
            freshness = await calendar_freshness(session)  # once a batch, not once a digest
            for subscription in due:
                scheduled_for = subscription.next_digest_at
                following = next_run(subscription.cadence, subscription.timezone, after=now)
                claim = (
                    update(Subscription)
                    .where(
                        Subscription.id == subscription.id,
                        Subscription.next_digest_at == scheduled_for,
                    )
                    .values(next_digest_at=following)
                )
                if not await won(session, claim):
                    continue
                queued += await self._queue_digest(
                    session, subscription, scheduled_for=scheduled_for, now=now, freshness=freshness
                )
        return len(due), queued

    async def _queue_digest(
        self,
        session: AsyncSession,
        subscription: Subscription,
        *,
        scheduled_for: datetime,
        now: datetime,
        freshness: Freshness,
    ) -> int:
        digest, shown = self._digest(
            subscription,
            await events_in(session, covered_countries(subscription)),
            today=local_date(now, subscription.timezone),
            late=now - scheduled_for > LATE_AFTER,
            freshness=freshness,
        )
        subscription.digest_snapshot = shown
        subscription.last_digest_at = now
        if digest.is_empty and self._skip_empty:
            logger.info("calendar.digest_skipped_empty", subscription=subscription.id)
            return 0
        key = delivery_keys.calendar_digest(subscription.id, scheduled_for)
        message = outgoing(subscription, key, CalendarDigestPayload, digest)
        queued = await enqueue(session, key=key, ref=message.ref, payload=message.payload, now=now)
        return int(queued)

    def _digest(
        self,
        subscription: Subscription,
        events: Sequence[CalendarEvent],
        *,
        today: date,
        freshness: Freshness,
        late: bool = False,
    ) -> tuple[Digest, dict[str, Any]]:
        """The subscription's digest as of `today`, marked against its last one."""
        return self._builder.digest(
            events,
            countries=covered_countries(subscription),
            language=subscription.language,
            today=today,
            previous=subscription.digest_snapshot,
            late=late,
            freshness=freshness,
        )


def outgoing(
    subscription: Subscription, key: str, payload_type: type[CalendarPayload], digest: Digest
) -> Outgoing:
    """A digest or reminder for the subscription's conversation."""
    ref = ConversationRef.from_dict(subscription.conversation)
    return Outgoing(key, ref, payload_type(digest=digest, subscription_id=subscription.id))
