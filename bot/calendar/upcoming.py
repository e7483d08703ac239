"""A country's engagements in the coming months, as chat text (`/huribot calendar KEN`)."""

from __future__ import annotations

from datetime import date, timedelta

from bot.calendar.countries import UnknownCountryError, country_code, country_name
from bot.calendar.dates import describe_dates
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
        """The next twelve months of a country's events, or a friendly correction."""
        if not query.strip():
            return "Name a country, e.g. `/huribot calendar KEN` or `/huribot calendar Kenya`."
        try:
            code = country_code(query)
        except UnknownCountryError:
            return f"I don't know the country “{query.strip()}”: try its ISO code, e.g. KEN."
        today = self._clock().date()
        async with self._database.sessions() as session:
            events = await events_for(session, code)
        coming = [e for e in events if is_upcoming(e, today)]
        name = country_name(code)
        if not coming:
            return (
                f"No engagement of {name} with the mechanisms is recorded for the next 12 months."
            )
        lines = [f"*{name}: the next 12 months*"]
        for event in coming:
            when = describe_dates(event.start_date, event.end_date, event.date_precision)
            lines.append(f"• {when} — {event_title(event)} ({event.status})")
        return "\n".join(lines)
