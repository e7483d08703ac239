"""Calendar rows from CSV: checked field by field, every problem reported with its line."""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from bot.calendar.countries import UnknownCountryError, country_code

MECHANISMS = ("UPR", "TB", "SP", "HRC")
EVENT_TYPES = (
    "review",
    "submission_deadline",
    "list_of_issues",
    "outcome_adoption",
    "visit",
    "midterm_report",
    "session",
    "other",
)
STATUSES = ("tentative", "confirmed", "postponed", "held", "closed", "cancelled", "unknown")
WITHDRAWN = frozenset({"cancelled", "postponed"})
"""Statuses under which an event leaves subscribers' calendars (STATUS:CANCELLED): a
postponed engagement has no date until a new one is published."""
PRECISIONS = ("day", "month", "unknown")
COLUMNS = (
    "event_id",
    "mechanism",
    "body",
    "cycle_or_session",
    "country_iso3",
    "country_name",
    "event_type",
    "start_date",
    "end_date",
    "date_precision",
    "deadline_for",
    "status",
    "source_url",
    "source_retrieved",
    "notes",
)
REQUIRED = ("event_id", "mechanism", "body", "event_type", "date_precision", "status")
_CHOICES = (
    ("mechanism", MECHANISMS),
    ("event_type", EVENT_TYPES),
    ("status", STATUSES),
    ("date_precision", PRECISIONS),
)
MAX_CHARS = {"body": 200, "cycle_or_session": 60, "deadline_for": 120, "source_url": 1000}
"""The longest text the calendar table keeps in these columns (an event id is limited by
its pattern, notes are free)."""
_EVENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,119}$")
UNKNOWN = {"", "unknown"}


class CalendarImportError(ValueError):
    """A calendar file that cannot be imported; `problems` say where and why."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True, slots=True)
class CalendarRow:
    """One published, dated event."""

    event_id: str
    mechanism: str
    body: str
    session: str
    country: str
    event_type: str
    start_date: date | None
    end_date: date | None
    date_precision: str
    deadline_for: str
    status: str
    source_url: str
    notes: str
    source_retrieved: date | None = None
    """When the source was read (a fact's age, shown as "data as of")."""


def _date(text: str, precision: str) -> date:
    if precision == "month" and re.fullmatch(r"\d{4}-\d{2}", text):
        return date.fromisoformat(f"{text}-01")
    return date.fromisoformat(text)


def _retrieved(line: int, text: str, problems: list[str]) -> date | None:
    """When the source was read, if given."""
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        problems.append(f"line {line}: source_retrieved {text!r} is not a date (YYYY-MM-DD)")
        return None


def _row(line: int, fields: dict[str, str], problems: list[str]) -> CalendarRow | None:
    """The record as a row, or None after adding its problems to `problems`."""
    before = len(problems)
    get = {key: (fields.get(key) or "").strip() for key in COLUMNS}
    _check_fields(line, get, problems)
    country = _country(line, get, problems)
    start, end = _dates(line, get, problems)
    retrieved = _retrieved(line, get["source_retrieved"], problems)
    _check_span(line, start, end, get["date_precision"], problems)
    if len(problems) > before:
        return None
    return CalendarRow(
        event_id=get["event_id"],
        mechanism=get["mechanism"],
        body=get["body"],
        session=get["cycle_or_session"],
        country=country,
        event_type=get["event_type"],
        start_date=start,
        end_date=end,
        date_precision=get["date_precision"],
        deadline_for=get["deadline_for"],
        status=get["status"],
        source_url=get["source_url"],
        notes=get["notes"],
        source_retrieved=retrieved,
    )


def _check_fields(line: int, get: dict[str, str], problems: list[str]) -> None:
    """Required fields present, closed lists respected, a usable event id."""
    for key in REQUIRED:
        if not get[key]:
            problems.append(f"line {line}: {key} is empty")
    for key, allowed in _CHOICES:
        if get[key] and get[key] not in allowed:
            problems.append(f"line {line}: {key} {get[key]!r} is not one of {', '.join(allowed)}")
    if get["event_id"] and not _EVENT_ID.match(get["event_id"]):
        problems.append(f"line {line}: event_id {get['event_id']!r} has spaces or symbols")
    for key, limit in MAX_CHARS.items():
        if len(get[key]) > limit:
            problems.append(f"line {line}: {key} is {len(get[key]):,} characters; at most {limit}")


def _country(line: int, get: dict[str, str], problems: list[str]) -> str:
    """The country's ISO code from its code or name ("" when unknown)."""
    try:
        return country_code(get["country_iso3"] or get["country_name"])
    except UnknownCountryError as exc:
        problems.append(f"line {line}: {exc}")
        return ""


def _dates(line: int, get: dict[str, str], problems: list[str]) -> tuple[date | None, date | None]:
    """Start and end dates; None for an unknown or unreadable one."""
    dates: list[date | None] = []
    for key in ("start_date", "end_date"):
        if get[key].casefold() in UNKNOWN:
            dates.append(None)
            continue
        try:
            dates.append(_date(get[key], get["date_precision"]))
        except ValueError:
            problems.append(f"line {line}: {key} {get[key]!r} is not a date (YYYY-MM-DD)")
            dates.append(None)
    start, end = dates
    return start, end


def _check_span(
    line: int, start: date | None, end: date | None, precision: str, problems: list[str]
) -> None:
    """The end not before the start, and a start for a day or month precision."""
    if start and end and end < start:
        problems.append(f"line {line}: end_date is before start_date")
    if start is None and precision in {"day", "month"}:
        problems.append(f"line {line}: a {precision} precision needs a start_date")


def parse_calendar_csv(text: str) -> list[CalendarRow]:
    """All rows of a calendar CSV, or CalendarImportError listing every problem by line.

    Commas or semicolons (what Excel writes in French and Spanish) separate the fields; a line
    starting with `#` outside quotes is a comment, a quoted field may hold several lines (a
    `#` at the start of one of them is text), and line numbers are the file's own."""
    text = text.removeprefix("\ufeff")  # the byte-order mark Excel writes
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    header: list[str] | None = None
    records: list[dict[str, str]] = []
    lines: list[int] = []
    problems: list[str] = []
    next_line = 1
    for cells in reader:
        line, next_line = next_line, reader.line_num + 1
        if not any(cell.strip() for cell in cells) or cells[0].lstrip().startswith("#"):
            continue
        if header is None:
            header = [cell.strip() for cell in cells]
            unknown = [c for c in header if c not in COLUMNS]
            if unknown:
                raise CalendarImportError(
                    [f"line {line}: unknown columns {unknown} (expected {', '.join(COLUMNS)})"]
                )
            continue
        if len(cells) > len(header):
            problems.append(f"line {line}: {len(cells)} fields where the header has {len(header)}")
        records.append(dict(zip(header, cells, strict=False)))
        lines.append(line)
    if header is None:
        raise CalendarImportError([f"line 1: no header (expected {', '.join(COLUMNS)})"])
    if problems:
        raise CalendarImportError(problems)
    return parse_rows(records, first_line=1, lines=lines)


def _delimiter(text: str) -> str:
    """`;` when the header line has more semicolons than commas, else `,`."""
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            return ";" if line.count(";") > line.count(",") else ","
    return ","


def parse_rows(
    records: Iterable[dict[str, str]], *, first_line: int, lines: Sequence[int] = ()
) -> list[CalendarRow]:
    """Rows from field mappings, numbered from `first_line` or by `lines` (each record's own
    line in its file), or CalendarImportError."""
    rows: list[CalendarRow] = []
    problems: list[str] = []
    seen: set[str] = set()
    numbers = iter(lines) if lines else itertools.count(first_line)
    for number, fields in zip(numbers, records, strict=False):
        row = _row(number, fields, problems)
        if row is not None and row.event_id in seen:
            problems.append(f"line {number}: event_id {row.event_id!r} appears twice")
        elif row is not None:
            seen.add(row.event_id)
            rows.append(row)
    if problems:
        raise CalendarImportError(problems)
    return rows
