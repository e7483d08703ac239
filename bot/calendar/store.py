"""Calendar rows into the database: all or nothing, updated by event id, moves recorded."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.calendar.rows import WITHDRAWN, CalendarRow
from bot.db.models import CalendarEvent


@dataclass(slots=True)
class CalendarImport:
    """What an import changed."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    moved: list[str] = field(default_factory=list)
    """Updated events whose dates changed (their SEQUENCE was bumped)."""
    withdrawn: list[str] = field(default_factory=list)
    """Updated events cancelled or postponed, or back from it (SEQUENCE bumped too)."""
    unchanged: list[str] = field(default_factory=list)


def row_values(row: CalendarRow) -> dict[str, object]:
    return {f.name: getattr(row, f.name) for f in dataclasses.fields(row)}


async def store_calendar(session: AsyncSession, rows: Sequence[CalendarRow]) -> CalendarImport:
    """Upsert rows by event id in the caller's transaction."""
    report = CalendarImport()
    existing = {
        event.event_id: event
        for event in (
            await session.scalars(
                select(CalendarEvent).where(CalendarEvent.event_id.in_([r.event_id for r in rows]))
            )
        ).all()
    }
    for row in rows:
        event = existing.get(row.event_id)
        values = row_values(row)
        if event is None:
            session.add(CalendarEvent(**values, sequence=0))
            report.added.append(row.event_id)
            continue
        if all(getattr(event, name) == value for name, value in values.items()):
            report.unchanged.append(row.event_id)
            continue
        if (event.start_date, event.end_date) != (row.start_date, row.end_date):
            event.previous_start = event.start_date
            event.sequence += 1
            report.moved.append(row.event_id)
        elif (event.status in WITHDRAWN) != (row.status in WITHDRAWN):
            event.sequence += 1  # withdrawn or back: subscribers' calendars must follow
            report.withdrawn.append(row.event_id)
        for name, value in values.items():
            setattr(event, name, value)
        report.updated.append(row.event_id)
    return report


async def events_for(session: AsyncSession, country: str | None) -> Sequence[CalendarEvent]:
    """Events of one country (or all), by date (unknown dates last)."""
    query = select(CalendarEvent).order_by(
        CalendarEvent.start_date.is_(None), CalendarEvent.start_date, CalendarEvent.event_id
    )
    if country is not None:
        query = query.where(CalendarEvent.country == country)
    return (await session.scalars(query)).all()
