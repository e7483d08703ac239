"""Calendar rows from an .ics file exported by HuriBot (or written with its X-HURIBOT fields)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from icalendar import Calendar

from bot.calendar.export import EXTRA_FIELDS, UID_DOMAIN
from bot.calendar.rows import COLUMNS, CalendarImportError, CalendarRow, parse_rows


def _as_date(value: Any) -> date:
    """An all-day value as it is; a timed one by its calendar day."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raise CalendarImportError([f"DTSTART/DTEND {value!r} is not a date"])


def parse_calendar_ics(data: bytes) -> list[CalendarRow]:
    """All events of an .ics file as rows (checked like CSV rows), or CalendarImportError."""
    try:
        calendar = Calendar.from_ical(data)
    except ValueError as exc:
        raise CalendarImportError([f"not an iCalendar file: {exc}"]) from exc
    records: list[dict[str, str]] = []
    for entry in calendar.walk("VEVENT"):
        uid = str(entry.get("uid", ""))
        start = _as_date(entry.decoded("dtstart"))
        end = _as_date(entry.decoded("dtend")) - timedelta(days=1) if entry.get("dtend") else start
        fields = {
            name: str(entry.get(f"x-huribot-{name.replace('_', '-')}", "")) for name in EXTRA_FIELDS
        }
        precision = fields["date_precision"] or "day"
        shown = "%Y-%m" if precision == "month" else "%Y-%m-%d"
        records.append(
            {
                "event_id": uid.removesuffix(f"@{UID_DOMAIN}"),
                "cycle_or_session": fields.pop("session"),
                "country_iso3": fields.pop("country"),
                "start_date": start.strftime(shown),
                "end_date": end.strftime(shown),
                "source_url": str(entry.get("url", "")),
                **fields,
            }
        )
    return parse_rows(({k: v for k, v in r.items() if k in COLUMNS} for r in records), first_line=1)
