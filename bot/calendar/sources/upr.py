"""UPR reviews from the "calendar of reviews" of a cycle, the Word (DOCX) table OHCHR posts on
its UPR pages: each Working Group session, its dates, and the States under review in order.

Why: the calendar fixes, years ahead, in which session each State is reviewed. The rows carry
the session's window (the day of each State's review is set only in the session's timetable).
Only DOCX is read: the PDF edition's extracted text loses the table's cells (names that wrap
over lines, columns run together), so a PDF is refused with a request for the DOCX instead.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date

import docx

from bot.calendar.sources._common import (
    Imported,
    Span,
    clean,
    country_fields,
    published_status,
    read_dates,
    record,
    refuse,
    settle,
    split_names,
)

_SESSION = re.compile(r"session|\bWG\b|working group", re.I)
_STATES = re.compile(r"state|countr|under review", re.I)
_DATES = re.compile(r"date|period", re.I)
_NUMBER = re.compile(r"(?<!\d)(\d{1,2})(?:st|nd|rd|th)?(?!\d)")
_NOT_FOUND = "this does not look like an OHCHR UPR calendar of reviews"
NOTES = "Working Group session window; the day of the country's own review is not recorded here."


def _grid(data: bytes) -> list[list[list[str]]]:
    if data.startswith(b"%PDF"):
        raise refuse(
            "a PDF calendar of reviews cannot be read reliably (its text loses the table): "
            "use the Word (.docx) edition OHCHR publishes alongside it"
        )
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise refuse(f"{_NOT_FOUND}: not a Word (.docx) file")
    try:
        document = docx.Document(io.BytesIO(data))
    except (KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise refuse(f"{_NOT_FOUND}: not a Word (.docx) file ({exc})") from exc
    return [[[cell.text for cell in row.cells] for row in table.rows] for table in document.tables]


def _columns(rows: list[list[str]]) -> tuple[int, int, int, int | None] | None:
    for index, row in enumerate(rows[:3]):
        session = next((i for i, c in enumerate(row) if _SESSION.search(c)), None)
        states = next((i for i, c in enumerate(row) if i != session and _STATES.search(c)), None)
        if session is None or states is None:
            continue
        dates = next(
            (i for i, c in enumerate(row) if i not in {session, states} and _DATES.search(c)),
            None,
        )
        return index, session, states, dates
    return None


def read_upr_calendar(data: bytes, *, source_url: str, retrieved: date) -> Imported:
    """One `review` row per State under review, in the calendar's order, with the session's
    dates (day precision, or month precision where the calendar gives only months)."""
    tables = _grid(data)
    found = next(((t, c) for t in tables if (c := _columns(t))), None)
    if found is None:
        raise refuse(f"{_NOT_FOUND}: no table with session and States under review columns")
    rows, (top, session_col, states_col, dates_col) = found
    records: list[dict[str, str]] = []
    seen: set[tuple[str, str]] = set()
    number: str | None = None
    span: Span | None = None
    status = "confirmed"
    for offset, row in enumerate(rows[top + 1 :], start=top + 2):
        session_text = row[session_col] if session_col < len(row) else ""
        dates_text = row[dates_col] if dates_col is not None and dates_col < len(row) else ""
        found_number = _NUMBER.search(session_text)
        if found_number and found_number[1] != number:
            number = found_number[1]
            try:
                span = read_dates(dates_text) or read_dates(session_text)
            except ValueError as exc:
                raise refuse(f"table row {offset}: dates {clean(dates_text)!r}: {exc}") from exc
            if span is None:
                raise refuse(f"table row {offset}: no dates for session {number}")
            status = published_status(session_text + " " + dates_text) or "confirmed"
        names = split_names(row[states_col]) if states_col < len(row) else []
        if names and number is None:
            raise refuse(f"table row {offset}: States listed before any session number")
        for name in names:
            if number is None or (number, name) in seen:
                continue
            seen.add((number, name))
            iso3, shown, key = country_fields(name)
            records.append(
                record(
                    event_id=f"upr-{number}-{key}-review",
                    mechanism="UPR",
                    body="UPR Working Group",
                    cycle_or_session=number,
                    country_iso3=iso3,
                    country_name=shown,
                    event_type="review",
                    status=settle(status, span, retrieved),
                    source_url=source_url,
                    source_retrieved=retrieved.isoformat(),
                    notes=NOTES,
                    **(span.fields() if span else {}),
                )
            )
    if not records:
        raise refuse(f"{_NOT_FOUND}: the table lists no State under review")
    return Imported(records, first_line=1)
