"""The calendar says when it is out of date instead of saying nothing is scheduled, and the
moderators are reminded, once a month, to import newer dates."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from adapters.cli.calendar import sample_calendar_text
from bot.calendar.freshness import ImportReminder, calendar_freshness
from bot.calendar.rows import parse_calendar_csv
from bot.calendar.store import store_calendar
from bot.db.engine import Database
from bot.db.models import OutboxMessage
from bot.messages import ConversationRef

MODERATORS = ConversationRef(platform="slack", conversation_id="CMODS")


async def test_an_empty_or_past_calendar_is_stale_and_a_current_one_is_not(
    database: Database,
) -> None:
    async with database.sessions() as session:
        empty = await calendar_freshness(session)
    assert empty.is_stale(date(2026, 12, 1))
    assert "No calendar has been imported yet" in empty.note("en")
    async with database.transaction() as session:
        await store_calendar(session, parse_calendar_csv(sample_calendar_text()))
    async with database.sessions() as session:
        sample = await calendar_freshness(session)
    assert sample.reaches is not None and sample.reaches.year == 2026
    assert sample.data_as_of == date(2026, 12, 1)
    assert not sample.is_stale(date(2025, 6, 1))  # engagements ahead, imported recently
    assert sample.is_stale(date(2026, 12, 1))  # nothing after spring 2026
    assert "ne contient rien après mars 2026" in sample.note("fr")
    assert "no contiene nada después de marzo de 2026" in sample.note("es")


async def test_the_moderators_are_reminded_once_a_month_while_the_calendar_is_stale(
    database: Database,
) -> None:
    async with database.transaction() as session:
        await store_calendar(session, parse_calendar_csv(sample_calendar_text()))
    now = datetime(2026, 12, 1, 9, tzinfo=UTC)
    reminder = ImportReminder(
        database=database, moderators_conversation=MODERATORS, clock=lambda: now
    )
    assert await reminder.queue_if_stale()
    assert not await reminder.queue_if_stale()  # once this month
    async with database.sessions() as session:
        [queued] = (await session.scalars(select(OutboxMessage))).all()
    assert queued.idempotency_key == "calendar-stale:2026-12"
    assert "huribot calendar import" in queued.payload["reply"]["text"]
    fresh = ImportReminder(
        database=database,
        moderators_conversation=MODERATORS,
        clock=lambda: datetime(2025, 6, 1, tzinfo=UTC),
    )
    assert not await fresh.queue_if_stale()
