"""Calendar rows from an .ics file: one HuriBot exported (its X-HURIBOT fields bring every
field back exactly) or a plain one from another calendar, whose events are read from their
title and description (which body, which kind of engagement, which country)."""

from __future__ import annotations

import hashlib
import re
from datetime import date, datetime, timedelta
from typing import Any

from icalendar import Calendar

from bot.calendar.countries import UnknownCountryError, country_code
from bot.calendar.export import EXTRA_FIELDS, UID_DOMAIN
from bot.calendar.rows import COLUMNS, CalendarImportError, CalendarRow, parse_rows

COMMITTEES = {
    "CEDAW": ("cedaw", "discrimination against women"),
    "CRC": ("crc", "rights of the child"),
    "CESCR": ("cescr", "economic, social and cultural rights"),
    "CCPR": ("ccpr", "human rights committee"),
    "CAT": ("committee against torture",),
    "CERD": ("cerd", "racial discrimination"),
    "CRPD": ("crpd", "persons with disabilities"),
    "CMW": ("cmw", "migrant workers"),
    "CED": ("enforced disappearance",),
}
"""How a treaty body is named in other calendars' titles."""
MANDATE = re.compile(
    r"(special rapporteur|independent expert|working group) on [^,.;:()]+", re.IGNORECASE
)
KINDS = (
    ("submission_deadline", ("deadline", "submission", "date limite", "plazo")),
    ("list_of_issues", ("list of issues",)),
    ("visit", ("visit", "visite", "visita")),
    ("review", ("review", "dialogue", "examen", "consideration")),
    ("session", ("session",)),
)
_EVENT_ID = re.compile(r"[^A-Za-z0-9._:-]+")


def _as_date(value: Any) -> date:
    """An all-day value as it is; a timed one by its calendar day."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raise CalendarImportError([f"DTSTART/DTEND {value!r} is not a date"])


def parse_calendar_ics(data: bytes, *, country: str | None = None) -> list[CalendarRow]:
    """All events of an .ics file as rows (checked like CSV rows, numbered by event), or
    CalendarImportError. `country` is the one a plain calendar's events are about when
    their titles do not say."""
    try:
        calendar = Calendar.from_ical(data)
    except ValueError as exc:
        raise CalendarImportError([f"not an iCalendar file: {exc}"]) from exc
    records = [
        _exported(entry) if entry.get("x-huribot-mechanism") else _plain(entry, country)
        for entry in calendar.walk("VEVENT")
    ]
    if not records:
        raise CalendarImportError(["the file holds no event (VEVENT)"])
    return parse_rows(({k: v for k, v in r.items() if k in COLUMNS} for r in records), first_line=1)


def _dates(entry: Any) -> tuple[date, date]:
    start = _as_date(_decoded(entry, "dtstart"))
    end = _as_date(_decoded(entry, "dtend")) - timedelta(days=1) if entry.get("dtend") else start
    return start, max(start, end)


def _decoded(entry: Any, name: str) -> Any:
    """A date property's value; CalendarImportError naming the event when it has none, or
    one that is no date (an event without DTSTART raised a KeyError)."""
    try:
        return entry.decoded(name)
    except (KeyError, ValueError) as exc:
        event = str(entry.get("uid") or entry.get("summary") or "without a UID")[:80]
        raise CalendarImportError([f"event {event!r}: no readable {name.upper()}"]) from exc


def _exported(entry: Any) -> dict[str, str]:
    """An event HuriBot wrote: its X-HURIBOT fields hold every field as it was."""
    fields = {
        name: str(entry.get(f"x-huribot-{name.replace('_', '-')}", "")) for name in EXTRA_FIELDS
    }
    if not fields["start_date"]:  # written before the dates were carried as published
        start, end = _dates(entry)
        fields["start_date"], fields["end_date"] = start.isoformat(), end.isoformat()
    return {
        "event_id": str(entry.get("uid", "")).removesuffix(f"@{UID_DOMAIN}"),
        "cycle_or_session": fields.pop("session"),
        "country_iso3": fields.pop("country"),
        "source_url": str(entry.get("url", "")),
        **fields,
    }


def _plain(entry: Any, default_country: str | None) -> dict[str, str]:
    """An event of another calendar, read from its title and description."""
    summary = str(entry.get("summary", ""))
    text = f"{summary} {entry.get('description', '')}"
    start, end = _dates(entry)
    mechanism, body = _mechanism(text)
    status = str(entry.get("status", "")).upper()
    return {
        "event_id": _event_id(str(entry.get("uid", "")) or summary),
        "mechanism": mechanism,
        "body": body,
        "country_iso3": _country(summary, default_country),
        "event_type": next(
            (k for k, words in KINDS if any(w in text.lower() for w in words)), "other"
        ),
        "start_date": start.isoformat(),
        "end_date": end.isoformat(),
        "date_precision": "day",
        "status": "cancelled"
        if status == "CANCELLED"
        else "confirmed"
        if status == "CONFIRMED"
        else "tentative",
        "source_url": str(entry.get("url", "")),
        "notes": summary,
    }


def _mechanism(text: str) -> tuple[str, str]:
    """Which mechanism and body an event's words name ("" when none: the row is refused)."""
    lowered = text.lower()
    for acronym, names in COMMITTEES.items():
        if any(re.search(rf"\b{re.escape(name)}\b", lowered) for name in names):
            return "TB", acronym
    mandate = MANDATE.search(text)
    if mandate:
        return "SP", mandate.group(0).strip()[:200]
    if re.search(r"\b(upr|universal periodic review|examen périodique universel|epu)\b", lowered):
        return "UPR", "UPR Working Group"
    if "human rights council" in lowered:
        return "HRC", "Human Rights Council"
    return "", ""


def _country(summary: str, default: str | None) -> str:
    """The country a title names ("Kenya — CEDAW review", "Review of Kenya"), else the
    default given; "" when neither (the row is then refused with its line)."""
    parts = re.split(r"\s+[—–-]\s+|:|\bof\b|\bfor\b|,|\(|\)", summary)
    for part in filter(None, (p.strip() for p in parts)):
        try:
            return country_code(part)
        except UnknownCountryError:
            continue
    return default or ""


def _event_id(uid: str) -> str:
    """A usable event id from any UID (spaces, symbols and great length removed)."""
    cleaned = _EVENT_ID.sub("-", uid).strip("-.:") or "event"
    if len(cleaned) <= 100:
        return cleaned
    return f"{cleaned[:80]}-{hashlib.sha1(uid.encode()).hexdigest()[:12]}"
