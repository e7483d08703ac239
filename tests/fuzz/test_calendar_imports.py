"""`huribot calendar import` on any file: CSV in either delimiter, iCalendar (HuriBot's own and
other calendars'), Excel sheets, OHCHR's pages and the UPR calendar in Word, with hostile
values in every field, then cut short or overwritten.

Each file either yields rows, which the calendar stores on SQLite and PostgreSQL alike, or
fails with CalendarImportError listing its problems; never another exception.
"""

from __future__ import annotations

import io
import re
from collections.abc import AsyncIterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl  # type: ignore[import-untyped]
import pytest
import pytest_asyncio
from hypothesis import given
from hypothesis import strategies as st

from adapters.cli.calendar import sample_calendar_text
from bot.calendar.export import EXTRA_FIELDS
from bot.calendar.importing import ImportFormat, read_rows
from bot.calendar.limits import CalendarLimits
from bot.calendar.rows import (
    COLUMNS,
    EVENT_TYPES,
    MECHANISMS,
    PRECISIONS,
    STATUSES,
    CalendarImportError,
)
from bot.calendar.store import store_calendar
from bot.db.engine import Database
from tests.bot.calendar.helpers import upr_calendar_docx
from tests.fuzz.tally import counted
from tests.fuzz.text import hostile_text, long_text

SOURCE = "https://www.ohchr.org/fuzz"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "calendar"
PAGES = {
    ImportFormat.TB_SESSION: "tb_session.html",
    ImportFormat.TB_CALENDAR: "tb_master_calendar.html",
    ImportFormat.SP_VISITS: "sp_country_visits.html",
}
dates = st.dates().map(str) | st.sampled_from(
    ["2026-02-30", "2026-13", "2026-03", "unknown", "", "30 Feb 2026", "2026-03-05/2026-03-01"]
)
VALUES: dict[str, st.SearchStrategy[str]] = {
    "event_id": st.sampled_from(["upr-ken-4", "tb:cedaw.89", "x" * 121]) | hostile_text,
    "mechanism": st.sampled_from(MECHANISMS),
    "body": st.sampled_from(["CEDAW", "UPR Working Group"]) | long_text(400),
    "cycle_or_session": st.sampled_from(["4", "89th"]) | long_text(200),
    "country_iso3": st.sampled_from(["KEN", "FRA", "XXX", "ken", ""]),
    "country_name": st.sampled_from(["Kenya", "Côte d'Ivoire", "Narnia", ""]) | hostile_text,
    "event_type": st.sampled_from(EVENT_TYPES),
    "start_date": dates,
    "end_date": dates,
    "date_precision": st.sampled_from(PRECISIONS),
    "deadline_for": st.sampled_from(["", "review"]) | long_text(300),
    "status": st.sampled_from(STATUSES),
    "source_url": st.just("https://www.ohchr.org/") | long_text(1200),
    "source_retrieved": dates,
    "notes": long_text(25000),
}
"""Each column's published values, and others: too long, not dates, not countries."""
published = st.fixed_dictionaries(
    {
        "event_id": st.sampled_from(["upr-ken-4", "tb:cedaw.89", "sp-visit-2026"]),
        "mechanism": st.sampled_from(MECHANISMS),
        "body": st.sampled_from(["CEDAW", "UPR Working Group"]) | long_text(400),
        "cycle_or_session": st.sampled_from(["4", "89th", ""]) | long_text(200),
        "country_iso3": st.sampled_from(["KEN", "FRA", "CIV"]),
        "country_name": st.just(""),
        "event_type": st.sampled_from(EVENT_TYPES),
        "start_date": st.dates(date(2000, 1, 1), date(2100, 1, 1)).map(str),
        "end_date": st.sampled_from(["", "unknown"]),
        "date_precision": st.just("day"),
        "deadline_for": st.sampled_from(["", "review"]) | long_text(300),
        "status": st.sampled_from(STATUSES),
        "source_url": st.just("https://www.ohchr.org/") | long_text(1200),
        "source_retrieved": st.sampled_from(["", "2026-01-15"]),
        "notes": long_text(25000),
    }
)
"""Rows as the mechanisms publish them, some of their texts past any column."""
records = (
    published
    | st.tuples(published, st.sampled_from(COLUMNS), hostile_text).map(
        lambda change: {**change[0], change[1]: change[2]}
    )
    | st.fixed_dictionaries(VALUES)
)
"""Published rows, the same with one field hostile, and rows of any values."""
columns = st.lists(st.sampled_from(COLUMNS), min_size=1, unique=True) | st.just(list(COLUMNS))


def csv_text(header: list[str], rows: list[dict[str, str]], delimiter: str) -> str:
    def cell(text: str) -> str:
        return '"' + text.replace('"', '""') + '"'

    lines = [delimiter.join(header)]
    lines += [delimiter.join(cell(row[name]) for name in header) for row in rows]
    return "\n".join(lines)


csv_files = st.builds(csv_text, columns, st.lists(records, max_size=4), st.sampled_from(",;"))


EXPORTED_AS = {"session": "cycle_or_session", "country": "country_iso3"}
"""The CSV column each of HuriBot's X-HURIBOT fields carries."""


def ics_text(events: list[tuple[dict[str, str], bool]]) -> str:
    """An iCalendar file of HuriBot's own events (X-HURIBOT fields) or other calendars'."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//fuzz//EN"]
    for record, own in events:
        start = re.sub(r"\W", "", record["start_date"]) or "20260301"
        lines += ["BEGIN:VEVENT", f"UID:{_folded(record['event_id'])}"]
        lines += [f"DTSTART;VALUE=DATE:{start}", f"STATUS:{record['status'].upper()}"]
        lines += [f"SUMMARY:{_folded(record['body'])} - {_folded(record['country_name'])}"]
        lines += [f"DESCRIPTION:{_folded(record['notes'])}"]
        if own:
            lines += [
                f"X-HURIBOT-{name.upper().replace('_', '-')}:"
                + _folded(record[EXPORTED_AS.get(name, name)])
                for name in EXTRA_FIELDS
            ]
        lines.append("END:VEVENT")
    return "\r\n".join([*lines, "END:VCALENDAR"])


def _folded(text: str) -> str:
    """A value on one content line, as iCalendar writes text (line ends escaped)."""
    return text.replace("\\", "\\\\").replace("\r", "").replace("\n", "\\n").replace(",", "\\,")


ics_files = st.lists(st.tuples(records, st.booleans()), max_size=3).map(ics_text)
cell_values = st.one_of(
    hostile_text, st.integers(), st.floats(allow_nan=False), st.dates(), st.datetimes(), st.none()
)


def workbook(header: list[str], rows: list[list[Any]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append([_in_xml(v) if isinstance(v, str) else v for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _in_xml(text: str) -> str:
    return "".join(c for c in text if c in "\t\n\r" or (c >= " " and c not in "\ufffe\uffff"))


xlsx_files = st.builds(
    workbook,
    columns,
    st.lists(st.lists(cell_values, max_size=len(COLUMNS)), max_size=4)
    | st.lists(records.map(lambda r: list(r.values())), max_size=4),
)


upr_rows = st.tuples(
    st.sampled_from(["47th session", "48", ""]) | hostile_text,
    st.sampled_from(["4 – 15 November 2024", "30 Feb 2025", "2025-01-20"]) | hostile_text,
    st.sampled_from(["Kenya\nFrance", "Côte d'Ivoire; Narnia"]) | hostile_text,
)
docx_files = st.lists(upr_rows.map(lambda row: tuple(map(_in_xml, row))), max_size=4).map(
    upr_calendar_docx
)


def page(name: str) -> st.SearchStrategy[str]:
    """One of OHCHR's pages (as the fixtures reproduce them) with any of its texts replaced."""
    parts = re.split(r"(<[^>]*>)", (FIXTURES / name).read_text(encoding="utf-8"))
    texts = [i for i, part in enumerate(parts) if part.strip() and not part.startswith("<")]

    def replaced(changes: dict[int, str]) -> str:
        return "".join(changes.get(i, part) for i, part in enumerate(parts))

    return st.dictionaries(st.sampled_from(texts), hostile_text | dates, max_size=8).map(replaced)


def corrupted(files: st.SearchStrategy[bytes]) -> st.SearchStrategy[bytes]:
    """A file cut short, or with a stretch of its bytes overwritten."""

    def damage(data: bytes, at: float, junk: bytes, cut: bool) -> bytes:
        where = int(at * len(data))
        return data[:where] if cut else data[:where] + junk + data[where + len(junk) :]

    junk = st.binary(min_size=1, max_size=64)
    return st.builds(damage, files, st.floats(0, 1), junk, st.booleans())


def formats() -> st.SearchStrategy[tuple[ImportFormat, bytes]]:
    text_files = {
        ImportFormat.CSV: csv_files | st.just(sample_calendar_text()) | long_text(5000),
        ImportFormat.ICS: ics_files,
        **{fmt: page(name) for fmt, name in PAGES.items()},
    }
    binary_files = {ImportFormat.XLSX: xlsx_files, ImportFormat.UPR_CALENDAR: docx_files}
    encoded = {fmt: text.map(str.encode) for fmt, text in text_files.items()}
    return st.one_of(
        *(
            st.tuples(st.just(fmt), files | corrupted(files))
            for fmt, files in (encoded | binary_files).items()
        ),
        st.tuples(st.sampled_from(list(ImportFormat)[1:]), st.binary(max_size=400)),
    )


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def database(module_database_url: str) -> AsyncIterator[Database]:
    """The calendar's database, on SQLite or PostgreSQL."""
    db = Database(url=module_database_url)
    await db.upgrade()
    yield db
    await db.dispose()


@pytest.mark.asyncio(loop_scope="module")
@given(file=formats(), country=st.sampled_from([None, "KEN"]))
@counted
async def test_any_calendar_file_imports_or_fails_with_its_problems(
    database: Database, file: tuple[ImportFormat, bytes], country: str | None
) -> None:
    fmt, data = file
    try:
        rows = read_rows(data, fmt, source_url=SOURCE, country=country, limits=CalendarLimits())
    except CalendarImportError as exc:
        assert exc.problems and all(isinstance(p, str) and p.strip() for p in exc.problems)
        return
    async with database.transaction() as session:
        await store_calendar(session, rows)


def test_files_made_for_the_fuzz_are_read_as_real_ones() -> None:
    """The generators make files the importers take, so the fuzz exercises reading."""
    record = {key: "" for key in COLUMNS} | {
        "event_id": "upr-ken-4", "mechanism": "UPR", "body": "UPR Working Group",
        "country_iso3": "KEN", "event_type": "review", "start_date": "2026-03-05",
        "date_precision": "day", "status": "confirmed",
    }  # fmt: skip
    for fmt, data in (
        (ImportFormat.CSV, csv_text(list(COLUMNS), [record], ";").encode()),
        (ImportFormat.ICS, ics_text([(record, True)]).encode()),
        (ImportFormat.XLSX, workbook(list(COLUMNS), [list(record.values())])),
    ):
        [row] = read_rows(data, fmt, source_url="", country=None, limits=CalendarLimits())
        assert (row.event_id, row.start_date) == ("upr-ken-4", date(2026, 3, 5)), fmt
    sheet = workbook(["event_id"], [[datetime(2026, 1, 1)]])
    with pytest.raises(CalendarImportError):
        read_rows(sheet, ImportFormat.XLSX, source_url="", country=None, limits=CalendarLimits())
