"""Dates as people read them, in their language, never more precise than what was published."""

from __future__ import annotations

from datetime import date

from babel.dates import format_date

from bot.calendar.wording import phrase
from bot.db.models import CalendarEvent

WINDOW_TYPES = frozenset({"submission_deadline"})
"""Engagements that are a window (a submission portal open, then closed): what matters is
when it closes."""


def countdown_date(event: CalendarEvent) -> date | None:
    """The day a reminder counts down to: a window's close (its end date; its only date when
    just one is published), else the engagement's first day."""
    if event.event_type in WINDOW_TYPES:
        return event.end_date or event.start_date
    return event.start_date


def describe_dates(
    start: date | None, end: date | None, precision: str, language: str = "en"
) -> str:
    """ "28 April – 9 May 2025", "November 2026", or "date not yet published"."""
    if start is None or precision == "unknown":
        return phrase("unpublished", language)
    last = end or start
    if precision == "month":
        first = format_date(start, "LLLL y", locale=language)
        if (last.year, last.month) == (start.year, start.month):
            return first
        return f"{first} – {format_date(last, 'LLLL y', locale=language)}"
    return _day_range(start, last, language)


def _day_range(start: date, last: date, language: str) -> str:
    full = format_date(last, "d MMMM y", locale=language)
    if last == start:
        return full
    if (start.year, start.month) == (last.year, last.month):
        return f"{start.day}–{full}"
    if start.year == last.year:
        return f"{format_date(start, 'd MMMM', locale=language)} – {full}"
    return f"{format_date(start, 'd MMMM y', locale=language)} – {full}"
