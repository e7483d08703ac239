"""A country's engagements in the coming months, as chat text (`/huribot calendar KEN`)."""

from __future__ import annotations

import re
from datetime import date, timedelta

from bot.calendar.countries import UnknownCountryError, country_code, country_name
from bot.calendar.dates import describe_dates
from bot.calendar.freshness import calendar_freshness
from bot.calendar.store import events_for
from bot.calendar.titles import event_title
from bot.clock import Clock, system_clock
from bot.db.engine import Database
from bot.db.models import CalendarEvent

HORIZON = timedelta(days=365)
"""How far ahead chat lists and digests look."""


def is_upcoming(event: CalendarEvent, today: date) -> bool:
    """Dated, not over yet, and starting within the horizon."""
    if event.start_date is None:
        return False
    return (event.end_date or event.start_date) >= today and event.start_date <= today + HORIZON


class CalendarLookup:
    """Answers "what is coming up for this country?" from the stored calendar."""

    def __init__(self, *, database: Database, clock: Clock = system_clock) -> None:
        self._database = database
        self._clock = clock

    async def upcoming_text(self, query: str) -> str:
        """The next twelve months of a country's events (from today, or from the date the
        query ends with: `KEN 2025-03-01`, `Kenya as of 2025-03-01`), or a friendly
        correction; when none is recorded, whether the calendar is current enough to say so."""
        query, as_of = split_as_of(query)
        if not query.strip():
            return "Name a country, e.g. `calendar KEN` or `calendar Kenya 2025-03-01`."
        try:
            code = country_code(query)
        except UnknownCountryError:
            return f"I don't know the country “{query.strip()}”: try its ISO code, e.g. KEN."
        today = as_of or self._clock().date()
        async with self._database.sessions() as session:
            coming = [e for e in await events_for(session, code) if is_upcoming(e, today)]
            freshness = None if coming else await calendar_freshness(session)
        name = country_name(code)
        start = describe_dates(today, None, "day")
        if freshness is not None:  # nothing coming: is that a fact, or missing data?
            missing = f"No engagement of {name} is recorded for the 12 months from {start}."
            return f"{missing} {freshness.note('en')}" if freshness.is_stale(today) else missing
        lines = [f"*{name}: the 12 months from {start}*"]
        for event in coming:
            when = describe_dates(event.start_date, event.end_date, event.date_precision)
            lines.append(f"• {when} — {event_title(event)} ({event.status})")
        return "\n".join(lines)


_AS_OF = re.compile(r"\s+(?:as of\s+|au\s+|al\s+)?(\d{4}-\d{2}-\d{2})\s*$", re.IGNORECASE)


def split_as_of(query: str) -> tuple[str, date | None]:
    """A query and the "as of" date it ends with, if any (`Kenya as of 2025-03-01`)."""
    match = _AS_OF.search(query)
    if match is None:
        return query, None
    try:
        return query[: match.start()], date.fromisoformat(match.group(1))
    except ValueError:
        return query, None
