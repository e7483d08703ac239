"""Calendar exports: iCalendar for Outlook and Google Calendar subscriptions, and CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date, timedelta

from icalendar import Calendar, Event, vText

from bot.calendar.countries import country_name
from bot.calendar.dates import describe_dates
from bot.calendar.rows import COLUMNS, WITHDRAWN
from bot.calendar.titles import event_title
from bot.db.models import CalendarEvent

UID_DOMAIN = "huribot.calendar"


REFRESH_INTERVAL = timedelta(hours=12)
"""How often subscribed calendar applications are asked to fetch the feed again."""


def to_ics(events: Sequence[CalendarEvent], *, name: str) -> bytes:
    """All-day iCalendar events with stable UIDs; SEQUENCE grows when a date moves or an
    event is withdrawn, so subscribers' copies follow. A month-precision engagement is a
    transparent event spanning the month, titled as such: no day is shown that is not
    published. Events without a known date are left out (an .ics entry needs one)."""
    calendar = Calendar()
    calendar.add("prodid", "-//HuriBot//Mechanism calendar//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("refresh-interval", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", REFRESH_INTERVAL)
    for event in events:
        if event.start_date is not None:
            calendar.add_component(_entry(event, event.start_date))
    ical: bytes = calendar.to_ical()
    return ical


def _entry(event: CalendarEvent, start: date) -> Event:
    entry = Event()
    entry.add("uid", f"{event.event_id}@{UID_DOMAIN}")
    summary = event_title(event)
    last = event.end_date or start
    if event.date_precision == "month":
        start, last = start.replace(day=1), _month_end(last)
        month = describe_dates(start, last, "month")
        summary = f"{summary} · {month}, day not yet published"
    if event.status in WITHDRAWN:
        summary = f"{event.status.capitalize()}: {summary}"
    entry.add("summary", summary)
    entry.add("dtstart", start)
    entry.add("dtend", last + timedelta(days=1))
    entry.add("dtstamp", event.updated_at)
    entry.add("sequence", event.sequence)
    entry.add("status", _ics_status(event.status))
    entry.add("transp", "TRANSPARENT")  # engagements to know of, not meetings that block time
    description = [event.notes, f"Source: {event.source_url}" if event.source_url else ""]
    entry.add("description", "\n".join(line for line in description if line))
    if event.source_url.startswith("http"):
        entry.add("url", event.source_url)
    for prop, value in extra_properties(event).items():
        # typed as TEXT so that parsers unescape newlines, commas and semicolons again
        entry.add(prop, vText(value), parameters={"VALUE": "TEXT"})
    return entry


def _ics_status(status: str) -> str:
    if status in WITHDRAWN:
        return "CANCELLED"
    return "CONFIRMED" if status in {"confirmed", "held", "closed"} else "TENTATIVE"


def _month_end(day: date) -> date:
    following = day.replace(day=28) + timedelta(days=4)
    return following - timedelta(days=following.day)


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
    "source_retrieved",
    "start_date",
    "end_date",
)
"""Fields iCalendar has no place for, carried as X-HURIBOT-* properties so an exported file
imports back exactly (the dates too: as published, where DTSTART/DTEND must give a day)."""


def extra_properties(event: CalendarEvent) -> dict[str, str]:
    """`X-HURIBOT-<FIELD>` properties of an event."""
    return {
        f"x-huribot-{name.replace('_', '-')}": _text(getattr(event, name)) for name in EXTRA_FIELDS
    }


def _text(value: object) -> str:
    if isinstance(value, date):
        return value.isoformat()
    return str(value or "")


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
                _text(e.source_retrieved),
                e.notes,
            ]
        )
    return out.getvalue()
