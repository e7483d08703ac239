"""Calendar exports: iCalendar for Outlook and Google Calendar subscriptions, and CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date, timedelta

from icalendar import Calendar, Event

from bot.calendar.countries import country_name
from bot.calendar.rows import COLUMNS
from bot.calendar.wording import EVENT_KINDS, named
from bot.db.models import CalendarEvent

UID_DOMAIN = "huribot.calendar"


def title(event: CalendarEvent) -> str:
    """A short human title, e.g. "Kenya — UPR review (session 48)"."""
    kind = named(EVENT_KINDS, event.event_type, "en")
    session = f" (session {event.session})" if event.session else ""
    return f"{country_name(event.country)} — {event.mechanism} {kind}{session}"


def to_ics(events: Sequence[CalendarEvent], *, name: str) -> bytes:
    """All-day iCalendar events with stable UIDs; SEQUENCE grows when a date moves. Events
    without a known date are left out (an .ics entry needs one)."""
    calendar = Calendar()
    calendar.add("prodid", "-//HuriBot//Mechanism calendar//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    for event in events:
        if event.start_date is None:
            continue
        entry = Event()
        entry.add("uid", f"{event.event_id}@{UID_DOMAIN}")
        entry.add("summary", title(event))
        entry.add("dtstart", event.start_date)
        entry.add("dtend", (event.end_date or event.start_date) + timedelta(days=1))
        entry.add("dtstamp", event.updated_at)
        entry.add("sequence", event.sequence)
        entry.add("status", "CONFIRMED" if event.status in {"confirmed", "held"} else "TENTATIVE")
        precision = "" if event.date_precision == "day" else " Dates known to the month only."
        entry.add("description", f"{event.notes}{precision}\nSource: {event.source_url}".strip())
        if event.source_url.startswith("http"):
            entry.add("url", event.source_url)
        for prop, value in extra_properties(event).items():
            entry.add(prop, value)
        calendar.add_component(entry)
    ical: bytes = calendar.to_ical()
    return ical


EXTRA_FIELDS = (
    "mechanism",
    "body",
    "session",
    "country",
    "event_type",
    "date_precision",
    "deadline_for",
    "status",
    "notes",
)
"""Fields iCalendar has no place for, carried as X-HURIBOT-* properties so an exported file
imports back exactly."""


def extra_properties(event: CalendarEvent) -> dict[str, str]:
    """`X-HURIBOT-<FIELD>` properties of an event."""
    return {
        f"x-huribot-{name.replace('_', '-')}": str(getattr(event, name) or "")
        for name in EXTRA_FIELDS
    }


def _shown(value: date | None, precision: str) -> str:
    if value is None:
        return "unknown"
    return value.strftime("%Y-%m") if precision == "month" else value.isoformat()


def to_csv(events: Sequence[CalendarEvent]) -> str:
    """The import format, so an export can be edited and imported back."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for e in events:
        writer.writerow(
            [
                e.event_id,
                e.mechanism,
                e.body,
                e.session,
                e.country,
                country_name(e.country),
                e.event_type,
                _shown(e.start_date, e.date_precision),
                _shown(e.end_date, e.date_precision),
                e.date_precision,
                e.deadline_for,
                e.status,
                e.source_url,
                "",
                e.notes,
            ]
        )
    return out.getvalue()
