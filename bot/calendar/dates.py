"""Dates as people read them, never more precise than what was published."""

from __future__ import annotations

from datetime import date

UNPUBLISHED = "date not yet published"


def describe_dates(start: date | None, end: date | None, precision: str) -> str:
    """ "28 April – 9 May 2025", "November 2026", or "date not yet published"."""
    if start is None or precision == "unknown":
        return UNPUBLISHED
    last = end or start
    if precision == "month":
        if (last.year, last.month) == (start.year, start.month):
            return start.strftime("%B %Y")
        return f"{start:%B %Y} – {last:%B %Y}"
    return _day_range(start, last)


def _day_range(start: date, last: date) -> str:
    if last == start:
        return f"{start.day} {start:%B %Y}"
    if (start.year, start.month) == (last.year, last.month):
        return f"{start.day}–{last.day} {last:%B %Y}"
    if start.year == last.year:
        return f"{start.day} {start:%B} – {last.day} {last:%B %Y}"
    return f"{start.day} {start:%B %Y} – {last.day} {last:%B %Y}"
