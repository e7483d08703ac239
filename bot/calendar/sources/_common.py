"""What the importers share: the result they hand to parse_rows, and dates read as published."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date

from bot.calendar.countries import UnknownCountryError, country_code
from bot.calendar.rows import COLUMNS, CalendarImportError, CalendarRow, parse_rows


@dataclass(frozen=True, slots=True)
class Imported:
    """Field mappings in the CSV's columns, numbered from `first_line` in parse_rows' errors.

    For a spreadsheet the number is the sheet's row; for a page or a Word table, where one row
    can list several States, it is the record's place in the import (1 = the first one found).
    """

    records: list[dict[str, str]] = field(default_factory=list)
    first_line: int = 1

    def rows(self) -> list[CalendarRow]:
        """The records checked as CSV rows are (CalendarImportError lists every problem)."""
        return parse_rows(self.records, first_line=self.first_line)


def record(**fields: str) -> dict[str, str]:
    """A mapping with every CSV column, empty where not given."""
    unknown = set(fields) - set(COLUMNS)
    if unknown:
        raise ValueError(f"not calendar columns: {sorted(unknown)}")
    return {name: fields.get(name, "") for name in COLUMNS}


def refuse(message: str) -> CalendarImportError:
    """The error for a file that is not of the shape an importer reads."""
    return CalendarImportError([message])


def decode(data: bytes | str) -> str:
    """Text of a downloaded page: UTF-8 as OHCHR serves it, Latin-1 if that fails."""
    if isinstance(data, str):
        return data
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def clean(text: str) -> str:
    """One line, single spaces, no-break spaces as spaces."""
    return " ".join(text.replace("\xa0", " ").split())


def slug(text: str, limit: int = 60) -> str:
    """Lower-case letters and digits joined by hyphens, for event ids."""
    return re.sub(r"[^a-z0-9]+", "-", clean(text).casefold()).strip("-")[:limit].strip("-")


def country_fields(name: str) -> tuple[str, str, str]:
    """(ISO3 or "", the name as published, the id key); an unknown name is left for parse_rows
    to report with its line, so the importer does not hide it."""
    name = clean(name)
    try:
        code = country_code(name)
    except UnknownCountryError:
        return "", name, slug(name, 40) or "unknown"
    return code, name, code


def split_names(cell: str) -> list[str]:
    """Country names from one cell: one a line, or separated by semicolons or commas.

    Numbering such as "1." or "3)" is dropped; "and" is never a separator (Trinidad and Tobago).
    """
    lines = [line for line in cell.splitlines() if line.strip()]
    parts = lines if len(lines) > 1 else re.split(r"[;,]", cell)
    names = [re.sub(r"^\s*\d{1,2}\s*[.)]\s*", "", clean(part)) for part in parts]
    seen: list[str] = []
    for name in names:
        if name and name not in seen:
            seen.append(name)
    return seen


_STATUS_WORDS = (
    ("cancelled", re.compile(r"\bcancel", re.I)),
    ("postponed", re.compile(r"\bpostpone", re.I)),
    ("tentative", re.compile(r"\b(tentative|provisional|to be confirmed|tbc|tbd)\b", re.I)),
    ("confirmed", re.compile(r"\bconfirmed\b", re.I)),
)


def published_status(text: str) -> str | None:
    """The status a text states (cancelled, postponed, tentative, confirmed), if any."""
    for status, pattern in _STATUS_WORDS:
        if pattern.search(text):
            return status
    return None


@dataclass(frozen=True, slots=True)
class Span:
    """Dates as published: day precision, or month precision when no day was given."""

    start: date
    end: date
    precision: str

    def fields(self) -> dict[str, str]:
        shown = "%Y-%m" if self.precision == "month" else "%Y-%m-%d"
        return {
            "start_date": self.start.strftime(shown),
            "end_date": self.end.strftime(shown),
            "date_precision": self.precision,
        }

    def last_day(self) -> date:
        if self.precision == "month":
            days = calendar.monthrange(self.end.year, self.end.month)[1]
            return self.end.replace(day=days)
        return self.end


def settle(status: str, span: Span | None, retrieved: date) -> str:
    """A tentative or confirmed event whose dates are over on the day retrieved was held."""
    if span is not None and status in {"tentative", "confirmed"} and span.last_day() < retrieved:
        return "held"
    return status


_MONTHS: dict[str, int] = {}
for _number in range(1, 13):
    _MONTHS[calendar.month_name[_number].casefold()] = _number
    _MONTHS[calendar.month_abbr[_number].casefold()] = _number
_MONTHS["sept"] = 9
_M = r"(?:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_SEP = r"\s*(?:-|–|—|to|until|/)\s*"
_D = r"(?<![\d:])(?P<{}>\d{{1,2}})(?![\d:])"
_ISO = re.compile(
    r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?:\s*(?:-|–|—|to|/)\s*(\d{4})-(\d{2})-(\d{2}))?(?!\d)"
)
_DAY_RANGE = re.compile(
    _D.format("d1")
    + rf"(?:\s+(?P<m1>{_M}))?(?:,?\s+(?P<y1>\d{{4}}))?{_SEP}"
    + _D.format("d2")
    + rf"\s+(?P<m2>{_M})(?:,?\s+(?P<y2>\d{{4}}))?\b",
    re.I,
)
_DAY = re.compile(_D.format("d") + rf"\s+(?P<m>{_M})(?:,?\s+(?P<y>\d{{4}}))?\b", re.I)
_MONTH_RANGE = re.compile(
    rf"\b(?P<m1>{_M})(?:\s+(?P<y1>\d{{4}}))?{_SEP}(?P<m2>{_M})\s+(?P<y2>\d{{4}})\b", re.I
)
_MONTH = re.compile(rf"\b(?P<m>{_M})\s+(?P<y>\d{{4}})\b", re.I)
_AND_DAYS = re.compile(rf"(?<!\d)(\d{{1,2}})\s*(?:and|&|,)\s*(?=\d{{1,2}}\s+{_M})", re.I)


def _month(name: str) -> int:
    return _MONTHS[name.rstrip(".").casefold()]


def _year(text: str | None, month: int, day: int, within: Span | None) -> int | None:
    """A year as written, or the one that puts a year-less day inside the window given."""
    if text:
        return int(text)
    if within is None:
        return None
    for year in sorted({within.start.year, within.end.year}):
        try:
            when = date(year, month, day)
        except ValueError:
            continue
        if within.start <= when <= within.last_day():
            return year
    return None


def read_dates(text: str, within: Span | None = None) -> Span | None:
    """The dates a text publishes ("7 – 18 November 2022", "30 Nov - 11 Dec 2015",
    "5 and 6 March 2024", "January – February 2024", "2024-03-05"), or None.

    A day written without its year takes the year of `within` (the session it belongs to);
    nothing else is inferred. ValueError for dates that do not exist or run backwards.
    """
    text = _AND_DAYS.sub(r"\1-", clean(text))
    iso = _ISO.search(text)
    if iso:
        start = date(int(iso[1]), int(iso[2]), int(iso[3]))
        end = date(int(iso[4]), int(iso[5]), int(iso[6])) if iso[4] else start
        return _checked(Span(start, end, "day"))
    found = _DAY_RANGE.search(text)
    if found:
        return _day_range(found, within)
    days: list[date] = []
    for single in _DAY.finditer(text):
        month, day = _month(single["m"]), int(single["d"])
        year = _year(single["y"], month, day, within)
        if year is None:
            return None
        days.append(date(year, month, day))
    if days:
        return Span(min(days), max(days), "day")
    return _months(text)


def _day_range(found: re.Match[str], within: Span | None) -> Span | None:
    m2 = _month(found["m2"])
    m1 = _month(found["m1"]) if found["m1"] else m2
    y2 = _year(found["y2"], m2, int(found["d2"]), within)
    if y2 is None:
        return None
    y1 = int(found["y1"]) if found["y1"] else (y2 - 1 if m1 > m2 else y2)
    return _checked(Span(date(y1, m1, int(found["d1"])), date(y2, m2, int(found["d2"])), "day"))


def _months(text: str) -> Span | None:
    found = _MONTH_RANGE.search(text)
    if found:
        m1, m2, y2 = _month(found["m1"]), _month(found["m2"]), int(found["y2"])
        y1 = int(found["y1"]) if found["y1"] else (y2 - 1 if m1 > m2 else y2)
        return _checked(Span(date(y1, m1, 1), date(y2, m2, 1), "month"))
    found = _MONTH.search(text)
    if found:
        when = date(int(found["y"]), _month(found["m"]), 1)
        return Span(when, when, "month")
    return None


def _checked(span: Span) -> Span:
    if span.end < span.start:
        raise ValueError(f"{span.start} – {span.end} runs backwards")
    return span
