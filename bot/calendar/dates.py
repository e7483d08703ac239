"""Dates as people read them, in their language, never more precise than what was published."""

from __future__ import annotations

from datetime import date

from babel import Locale
from babel.dates import format_date, format_skeleton

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


LOCALES = {"en": "en_GB", "fr": "fr", "es": "es"}
"""Babel locales of the languages the bot writes in: the UN writes English dates the British
way ("1 May 2025")."""


def plural_form(count: int, language: str) -> str:
    """The CLDR plural category of a count ("one", "other"…): French says "1 jour" and
    "0 jour", English "1 day" but "0 days"."""
    return str(Locale.parse(LOCALES.get(language, "en_GB")).plural_form(count))


def describe_dates(
    start: date | None, end: date | None, precision: str, language: str = "en"
) -> str:
    """ "28 April – 9 May 2025", "1 de mayo de 2025", "novembre 2026", or "date not yet
    published", with each language's own date formats (Babel)."""
    if start is None or precision == "unknown":
        return phrase("unpublished", language)
    locale = LOCALES.get(language, "en_GB")
    last = end or start
    if precision == "month":
        first = format_skeleton("yMMMM", start, locale=locale)
        if (last.year, last.month) == (start.year, start.month):
            return first
        return f"{first} – {format_skeleton('yMMMM', last, locale=locale)}"
    return _day_range(start, last, locale)


def _day_range(start: date, last: date, locale: str) -> str:
    full = format_date(last, "long", locale=locale)
    if last == start:
        return full
    if (start.year, start.month) == (last.year, last.month):
        return f"{start.day}–{full}"
    if start.year == last.year:
        return f"{format_skeleton('MMMMd', start, locale=locale)} – {full}"
    return f"{format_date(start, 'long', locale=locale)} – {full}"
