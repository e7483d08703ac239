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
from dataclasses import dataclass
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
        return [[[c.text for c in row.cells] for row in table.rows] for table in document.tables]
    except Exception as exc:  # python-docx, zlib or lxml failing on a corrupt file
        raise refuse(f"{_NOT_FOUND}: not a Word (.docx) file ({_reason(exc)})") from exc


def _reason(exc: Exception) -> str:
    """A short reason a library gave up on a file (its message, else its error's name)."""
    return str(exc).strip()[:200] or type(exc).__name__


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


@dataclass(frozen=True, slots=True)
class _Session:
    """The Working Group session the rows below its number belong to."""

    number: str
    span: Span
    status: str


def read_upr_calendar(data: bytes, *, source_url: str, retrieved: date) -> Imported:
    """One `review` row per State under review, in the calendar's order, with the session's
    dates (day precision, or month precision where the calendar gives only months)."""
    rows, (top, session_col, states_col, dates_col) = _reviews_table(data)
    records: list[dict[str, str]] = []
    seen: set[tuple[str, str]] = set()
    session: _Session | None = None
    for offset, row in enumerate(rows[top + 1 :], start=top + 2):
        session_text = row[session_col] if session_col < len(row) else ""
        dates_text = row[dates_col] if dates_col is not None and dates_col < len(row) else ""
        session = _next_session(offset, session_text, dates_text, current=session)
        names = split_names(row[states_col]) if states_col < len(row) else []
        if names and session is None:
            raise refuse(f"table row {offset}: States listed before any session number")
        for name in names:
            if session is None or (session.number, name) in seen:
                continue
            seen.add((session.number, name))
            records.append(_review(session, name, source_url=source_url, retrieved=retrieved))
    if not records:
        raise refuse(f"{_NOT_FOUND}: the table lists no State under review")
    return Imported(records, first_line=1)


def _reviews_table(data: bytes) -> tuple[list[list[str]], tuple[int, int, int, int | None]]:
    """The document's calendar table and its (header row, session, States, dates) columns."""
    found = next(((t, c) for t in _grid(data) if (c := _columns(t))), None)
    if found is None:
        raise refuse(f"{_NOT_FOUND}: no table with session and States under review columns")
    return found


def _next_session(
    offset: int, session_text: str, dates_text: str, *, current: _Session | None
) -> _Session | None:
    """The session a row starts when its session cell gives a new number, else `current`."""
    found = _NUMBER.search(session_text)
    if not found or (current is not None and found[1] == current.number):
        return current
    try:
        span = read_dates(dates_text) or read_dates(session_text)
    except ValueError as exc:
        raise refuse(f"table row {offset}: dates {clean(dates_text)!r}: {exc}") from exc
    if span is None:
        raise refuse(f"table row {offset}: no dates for session {found[1]}")
    status = published_status(session_text + " " + dates_text) or "confirmed"
    return _Session(number=found[1], span=span, status=status)


def _review(session: _Session, name: str, *, source_url: str, retrieved: date) -> dict[str, str]:
    """The review of one State under review in the session."""
    iso3, shown, key = country_fields(name)
    return record(
        event_id=f"upr-{session.number}-{key}-review",
        mechanism="UPR",
        body="UPR Working Group",
        cycle_or_session=session.number,
        country_iso3=iso3,
        country_name=shown,
        event_type="review",
        status=settle(session.status, session.span, retrieved),
        source_url=source_url,
        source_retrieved=retrieved.isoformat(),
        notes=NOTES,
        **session.span.fields(),
    )
