"""The OHCHR importers on fixtures laid out like the published pages and files."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from pathlib import Path

import docx
import openpyxl  # type: ignore[import-untyped]
import pytest

from bot.calendar.rows import COLUMNS, CalendarImportError, parse_rows
from bot.calendar.sources import (
    read_calendar_xlsx,
    read_sp_visits,
    read_tb_master_calendar,
    read_tb_session,
    read_upr_calendar,
)
from bot.calendar.sources._common import read_dates
from tests.bot.calendar.helpers import upr_calendar_docx

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "calendar"
TB_URL = "https://tbinternet.ohchr.org/_layouts/15/TreatyBodyExternal/SessionDetails1.aspx?SessionID=2682&Lang=en"
SP_URL = "https://spinternet.ohchr.org/ViewCountryVisits.aspx?Lang=en"
UPR_URL = "https://www.ohchr.org/sites/default/files/documents/hrbodies/upr/4cycle/calendar.docx"


def by_country(records: list[dict[str, str]]) -> dict[str, dict[str, str]]:
    return {r["country_iso3"]: r for r in records}


# --- treaty bodies -------------------------------------------------------------------------


def test_tb_session_page_gives_one_review_per_state_with_dialogue_dates() -> None:
    data = (FIXTURES / "tb_session.html").read_bytes()
    imported = read_tb_session(data, source_url=TB_URL, retrieved=date(2024, 3, 10))
    records = imported.records
    assert [r["country_iso3"] for r in records] == ["CHL", "NAM", "SOM", "IDN", "GBR", "SRB", "GUY"]
    assert all(set(r) == set(COLUMNS) for r in records)
    chile = by_country(records)["CHL"]
    assert chile["event_id"] == "tb-ccpr-140-CHL-review"
    assert (chile["mechanism"], chile["body"], chile["cycle_or_session"]) == ("TB", "CCPR", "140")
    assert (chile["start_date"], chile["end_date"], chile["date_precision"]) == (
        "2024-03-05",
        "2024-03-06",
        "day",
    )
    assert chile["event_type"] == "review"
    assert chile["source_url"] == TB_URL
    assert chile["source_retrieved"] == "2024-03-10"
    assert chile["status"] == "held"  # its dialogue was over on the day the page was read
    somalia = by_country(records)["SOM"]
    assert (somalia["start_date"], somalia["end_date"]) == ("2024-03-07", "2024-03-08")
    indonesia = by_country(records)["IDN"]  # "11 - 12 March": the year is the session's
    assert (indonesia["start_date"], indonesia["end_date"]) == ("2024-03-11", "2024-03-12")
    assert indonesia["status"] == "confirmed"
    guyana = by_country(records)["GUY"]  # no dialogue date: the session window, said so
    assert (guyana["start_date"], guyana["end_date"]) == ("2024-03-04", "2024-03-28")
    assert "not recorded" in guyana["notes"]


def test_tb_session_rows_pass_parse_rows() -> None:
    data = (FIXTURES / "tb_session.html").read_text(encoding="utf-8")
    rows = read_tb_session(data, source_url=TB_URL, retrieved=date(2024, 3, 1)).rows()
    assert len(rows) == 7
    assert {row.status for row in rows} == {"confirmed"}
    assert rows[4].country == "GBR"
    assert rows[4].start_date == date(2024, 3, 12)


def test_tb_master_calendar_lists_each_state_of_each_session() -> None:
    data = (FIXTURES / "tb_master_calendar.html").read_bytes()
    imported = read_tb_master_calendar(
        data, source_url="https://x.test/cal", retrieved=date(2025, 1, 6)
    )
    records = imported.records
    assert len(records) == 8 + 7 + 3  # the CED session lists no State, so gives no row
    cedaw = [r for r in records if r["body"] == "CEDAW"]
    assert [r["country_iso3"] for r in cedaw][-2:] == ["MDA", "ZWE"]
    assert {(r["start_date"], r["end_date"], r["status"]) for r in cedaw} == {
        ("2020-02-10", "2020-02-28", "held")
    }
    ccpr = [r for r in records if r["body"] == "CCPR"]
    assert ccpr[0]["event_id"] == "tb-ccpr-141-HRV-review"
    assert {r["status"] for r in ccpr} == {"held"}
    crc = by_country([r for r in records if r["body"] == "CRC"])
    assert set(crc) == {"KEN", "VNM", "IRN"}
    assert crc["KEN"]["status"] == "tentative"
    assert (crc["KEN"]["start_date"], crc["KEN"]["end_date"]) == ("2025-05-12", "2025-05-30")
    rows = imported.rows()
    assert len(rows) == 18


@pytest.mark.parametrize(
    ("reader", "message"),
    [
        (read_tb_session, "does not look like an OHCHR treaty-body session page"),
        (read_tb_master_calendar, "does not look like a treaty-body calendar of sessions"),
        (read_sp_visits, "does not look like an OHCHR special procedures country-visits table"),
    ],
)
def test_html_importers_refuse_another_page(reader: object, message: str) -> None:
    page = b"<html><body><h1>Human Rights Council</h1><p>Press release</p></body></html>"
    with pytest.raises(CalendarImportError) as caught:
        reader(page, source_url="https://x.test", retrieved=date(2024, 1, 1))  # type: ignore[operator]
    assert message in str(caught.value)


def test_tb_session_page_without_states_table_is_refused_with_reason() -> None:
    page = """<span id="ctl00_PlaceHolderMain_tdTreatyName">CRC - Convention on the Rights of
    the Child</span><span>96 Session (15 May 2024 - 02 Jun 2024)</span>
    <table><tr><th>Document type</th><th>Symbol</th></tr>
    <tr><td>Agenda</td><td>CRC/C/96/1</td></tr></table>"""
    with pytest.raises(CalendarImportError, match="no table of States parties found"):
        read_tb_session(page, source_url=TB_URL, retrieved=date(2024, 1, 1))


def test_tb_unknown_country_is_reported_by_parse_rows_with_its_line() -> None:
    page = """<span id="ctl00_PlaceHolderMain_tdTreatyName">CAT - Convention against Torture</span>
    <span id="ctl00_PlaceHolderMain_lblSessionTitle">80 Session (08 Jul 2024 - 26 Jul 2024)</span>
    <table><tr><th>Country</th><th>Dialogue</th></tr>
    <tr><td>Kenya</td><td>9 July 2024</td></tr><tr><td>Narnia</td><td></td></tr></table>"""
    imported = read_tb_session(page, source_url=TB_URL, retrieved=date(2024, 1, 1))
    assert imported.records[0]["start_date"] == imported.records[0]["end_date"] == "2024-07-09"
    with pytest.raises(CalendarImportError) as caught:
        imported.rows()
    [problem] = caught.value.problems
    assert problem.startswith("line 2: unknown country 'Narnia'")


# --- special procedures --------------------------------------------------------------------


def test_sp_visits_dated_expected_and_declined() -> None:
    data = (FIXTURES / "sp_country_visits.html").read_bytes()
    imported = read_sp_visits(data, source_url=SP_URL, retrieved=date(2023, 5, 25))
    records = imported.records
    assert all(r["mechanism"] == "SP" and r["event_type"] == "visit" for r in records)
    assert "BRN" not in {r["country_iso3"] for r in records}  # declined: no visit expected
    honduras = [r for r in records if r["country_iso3"] == "HND"]  # rowspan country cell
    assert [r["body"] for r in honduras] == [
        "Special Rapporteur on extrajudicial, summary or arbitrary executions",
        "Special Rapporteur on the situation of human rights defenders",
    ]
    assert (honduras[0]["start_date"], honduras[0]["end_date"]) == ("2023-05-22", "2023-06-02")
    assert honduras[0]["status"] == "confirmed"  # under way on the day retrieved
    assert honduras[1]["status"] == "held"
    japan = by_country(records)["JPN"]
    assert japan["status"] == "postponed"
    luxembourg = by_country(records)["LUX"]
    assert (luxembourg["start_date"], luxembourg["end_date"]) == ("unknown", "unknown")
    assert luxembourg["date_precision"] == "unknown"
    assert luxembourg["status"] == "tentative"
    assert luxembourg["notes"].startswith("expected, date not yet published")
    vanuatu = [r for r in records if r["country_iso3"] == "VUT"]
    assert len(vanuatu) == 2  # the reminder repeats the request, so it is one expected visit
    assert len(records) == 8
    rows = imported.rows()
    assert [row.start_date for row in rows if row.country == "VUT"] == [None, None]


def test_sp_visit_without_dates_or_status_is_refused_with_its_row() -> None:
    page = """<table><tr><th>Country</th><th>Mandate</th><th>Visit dates</th></tr>
    <tr><td>Kenya</td><td>Special Rapporteur on the right to food</td><td>12-21 May 2014</td></tr>
    <tr><td>Chile</td><td>Special Rapporteur on the right to food</td><td>soon</td></tr></table>"""
    with pytest.raises(CalendarImportError, match=r"row 3: no visit dates and no status"):
        read_sp_visits(page, source_url=SP_URL, retrieved=date(2024, 1, 1))


# --- UPR -----------------------------------------------------------------------------------


def upr_docx(path: Path, rows: list[tuple[str, str, str]]) -> bytes:
    title = "Universal Periodic Review - Calendar of reviews for the 4th cycle"
    path.write_bytes(upr_calendar_docx(rows, title=title))
    return path.read_bytes()


def test_upr_calendar_docx(tmp_path: Path) -> None:
    data = upr_docx(
        tmp_path / "calendar.docx",
        [
            ("41st session", "7 – 18 November 2022", "Bahrain\nEcuador\nTunisia"),
            ("42nd session", "23 January – 3 February 2023", "Czechia, Argentina, Gabon"),
            ("45th session", "January – February 2024 (tentative)", "Saudi Arabia; Senegal"),
        ],
    )
    imported = read_upr_calendar(data, source_url=UPR_URL, retrieved=date(2023, 1, 25))
    records = imported.records
    assert [r["event_id"] for r in records] == [
        "upr-41-BHR-review",
        "upr-41-ECU-review",
        "upr-41-TUN-review",
        "upr-42-CZE-review",
        "upr-42-ARG-review",
        "upr-42-GAB-review",
        "upr-45-SAU-review",
        "upr-45-SEN-review",
    ]
    bahrain = by_country(records)["BHR"]
    assert (bahrain["start_date"], bahrain["end_date"], bahrain["status"]) == (
        "2022-11-07",
        "2022-11-18",
        "held",
    )
    assert (bahrain["body"], bahrain["cycle_or_session"]) == ("UPR Working Group", "41")
    czechia = by_country(records)["CZE"]
    assert (czechia["start_date"], czechia["end_date"], czechia["status"]) == (
        "2023-01-23",
        "2023-02-03",
        "confirmed",
    )
    saudi = by_country(records)["SAU"]  # only months published: month precision, tentative
    assert (saudi["start_date"], saudi["end_date"], saudi["date_precision"]) == (
        "2024-01",
        "2024-02",
        "month",
    )
    assert saudi["status"] == "tentative"
    rows = imported.rows()
    assert rows[-1].start_date == date(2024, 1, 1)
    assert rows[-1].date_precision == "month"


def test_upr_calendar_one_state_a_row_under_merged_session_cells(tmp_path: Path) -> None:
    document = docx.Document()
    table = document.add_table(rows=4, cols=3)
    for cell, title in zip(
        table.rows[0].cells, ("UPR WG session", "Dates", "State under review"), strict=True
    ):
        cell.text = title
    session = table.cell(1, 0).merge(table.cell(3, 0))
    session.text = "43"
    dates = table.cell(1, 1).merge(table.cell(3, 1))
    dates.text = "1 – 12 May 2023"
    for row, name in zip((1, 2, 3), ("1. France", "2. Tonga", "3. Romania"), strict=True):
        table.cell(row, 2).text = name
    path = tmp_path / "merged.docx"
    document.save(str(path))
    records = read_upr_calendar(
        path.read_bytes(), source_url=UPR_URL, retrieved=date(2023, 1, 1)
    ).records
    assert [r["country_iso3"] for r in records] == ["FRA", "TON", "ROU"]
    assert {r["start_date"] for r in records} == {"2023-05-01"}


def test_upr_calendar_refuses_pdf_and_other_files(tmp_path: Path) -> None:
    with pytest.raises(CalendarImportError, match=r"PDF .* use the Word \(\.docx\) edition"):
        read_upr_calendar(b"%PDF-1.7\n...", source_url=UPR_URL, retrieved=date(2024, 1, 1))
    with pytest.raises(CalendarImportError, match="not a Word"):
        read_upr_calendar(
            b"session,states\n41,Bahrain\n", source_url=UPR_URL, retrieved=date(2024, 1, 1)
        )
    document = docx.Document()
    document.add_paragraph("Minutes of the meeting")
    path = tmp_path / "minutes.docx"
    document.save(str(path))
    with pytest.raises(CalendarImportError, match="no table with session and States"):
        read_upr_calendar(path.read_bytes(), source_url=UPR_URL, retrieved=date(2024, 1, 1))


# --- XLSX ----------------------------------------------------------------------------------


def sheet(path: Path, rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    book.save(str(path))
    return path.read_bytes()


HEADER = list(COLUMNS)


def xlsx_row(
    event_id: str, country: str, start: object, end: object, precision: str = "day"
) -> list[object]:
    values: dict[str, object] = {
        "event_id": event_id,
        "mechanism": "UPR",
        "body": "UPR Working Group",
        "cycle_or_session": 41,
        "country_name": country,
        "event_type": "review",
        "start_date": start,
        "end_date": end,
        "date_precision": precision,
        "status": "held",
        "source_url": "",
        "notes": "Working Group session window.",
    }
    return [values.get(name) for name in HEADER]


def test_xlsx_sheet_in_the_csv_columns(tmp_path: Path) -> None:
    data = sheet(
        tmp_path / "calendar.xlsx",
        [
            ["# HuriBot calendar kept in Excel"],
            HEADER,
            xlsx_row("upr-41-BHR-review", "Bahrain", date(2022, 11, 7), date(2022, 11, 18)),
            xlsx_row(
                "upr-45-SAU-review", "Saudi Arabia", date(2024, 1, 1), date(2024, 2, 1), "month"
            ),
        ],
    )
    imported = read_calendar_xlsx(
        data, source_url="https://x.test/cal.xlsx", retrieved=date(2026, 1, 5)
    )
    assert imported.first_line == 3
    first, second = imported.records
    assert (first["start_date"], first["end_date"], first["cycle_or_session"]) == (
        "2022-11-07",
        "2022-11-18",
        "41",
    )
    assert (second["start_date"], second["end_date"]) == ("2024-01", "2024-02")
    assert first["source_url"] == "https://x.test/cal.xlsx"
    assert first["source_retrieved"] == "2026-01-05"
    rows = imported.rows()
    assert [row.country for row in rows] == ["BHR", "SAU"]
    assert rows[1].start_date == date(2024, 1, 1)


def test_xlsx_errors_name_spreadsheet_rows(tmp_path: Path) -> None:
    data = sheet(
        tmp_path / "bad.xlsx",
        [
            HEADER,
            xlsx_row("upr-41-BHR-review", "Bahrain", date(2022, 11, 7), date(2022, 11, 18)),
            xlsx_row("upr-41-XXX-review", "Narnia", "7 Nov", date(2022, 11, 18)),
        ],
    )
    with pytest.raises(CalendarImportError) as caught:
        read_calendar_xlsx(data).rows()
    problems = caught.value.problems
    assert problems[0].startswith("line 3: unknown country 'Narnia'")
    assert problems[1:] == [
        "line 3: start_date '7 Nov' is not a date (YYYY-MM-DD)",
        "line 3: a day precision needs a start_date",
    ]


def test_xlsx_refuses_other_files_and_unknown_columns(tmp_path: Path) -> None:
    with pytest.raises(CalendarImportError, match=r"row 1: not an Excel \.xlsx file"):
        read_calendar_xlsx(b"event_id,mechanism\n")
    data = sheet(tmp_path / "other.xlsx", [["Country", "Deadline"], ["Kenya", "2024-01-01"]])
    with pytest.raises(
        CalendarImportError, match=r"row 1: unknown columns \['Country', 'Deadline'\]"
    ):
        read_calendar_xlsx(data)
    gap = sheet(
        tmp_path / "gap.xlsx",
        [
            HEADER,
            xlsx_row("a", "Kenya", "2024-01-01", "2024-01-01"),
            [],
            xlsx_row("b", "Kenya", "2024-01-02", "2024-01-02"),
        ],
    )
    with pytest.raises(CalendarImportError, match=r"row 3: empty row inside the table"):
        read_calendar_xlsx(gap)


# --- dates as published --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10 Feb 2020 - 28 Feb 2020", ("2020-02-10", "2020-02-28", "day")),
        ("30 Nov - 11 Dec 2015", ("2015-11-30", "2015-12-11", "day")),
        ("30 December 2024 – 10 January 2025", ("2024-12-30", "2025-01-10", "day")),
        ("22 May/2 June 2023", ("2023-05-22", "2023-06-02", "day")),
        ("4 to 15 May 2008", ("2008-05-04", "2008-05-15", "day")),
        ("5 March 2024", ("2024-03-05", "2024-03-05", "day")),
        ("November 2026", ("2026-11", "2026-11", "month")),
        ("2024-03-05", ("2024-03-05", "2024-03-05", "day")),
    ],
)
def test_dates_are_read_as_published(text: str, expected: tuple[str, str, str]) -> None:
    span = read_dates(text)
    assert span is not None
    fields = span.fields()
    assert (fields["start_date"], fields["end_date"], fields["date_precision"]) == expected


def test_no_date_is_made_up() -> None:
    assert read_dates("dates to be agreed") is None
    assert read_dates("11 - 12 March") is None  # no year and no session to take it from


# --- corrupt files -------------------------------------------------------------------------


def damaged(data: bytes, member: str) -> bytes:
    """The archive with the middle of `member`'s compressed bytes overwritten (so inflating
    it fails), its directory left intact."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        entry = archive.getinfo(member)
    local_header = 30 + len(entry.filename.encode()) + len(entry.extra)
    middle = entry.header_offset + local_header + entry.compress_size // 2
    return data[:middle] + b"\xff" * 16 + data[middle + 16 :]


def test_a_corrupt_word_calendar_is_refused_with_a_reason(tmp_path: Path) -> None:
    """Found by fuzzing: a .docx whose contents no longer inflate raised zlib.error."""
    data = upr_docx(tmp_path / "calendar.docx", [("41st session", "7 – 18 November 2022", "Chad")])
    with pytest.raises(CalendarImportError, match="not a Word"):
        read_upr_calendar(
            damaged(data, "word/document.xml"), source_url=UPR_URL, retrieved=date(2023, 1, 1)
        )


def test_a_corrupt_excel_sheet_is_refused_with_a_reason(tmp_path: Path) -> None:
    """Found by fuzzing: an .xlsx whose sheet no longer inflates raised zlib.error."""
    data = sheet(tmp_path / "calendar.xlsx", [HEADER])
    with pytest.raises(CalendarImportError, match="not an Excel"):
        read_calendar_xlsx(damaged(data, "xl/worksheets/sheet1.xml"))


@pytest.mark.parametrize(
    ("column", "limit"),
    [("body", 200), ("cycle_or_session", 60), ("deadline_for", 120), ("source_url", 1000)],
)
def test_a_value_longer_than_the_calendar_keeps_is_a_problem(column: str, limit: int) -> None:
    """Found by fuzzing on PostgreSQL: such rows were read, then refused by the database."""
    row = {name: "" for name in COLUMNS} | {
        "event_id": "upr-ken-4", "mechanism": "UPR", "body": "UPR Working Group",
        "country_iso3": "KEN", "event_type": "review", "start_date": "2026-03-05",
        "date_precision": "day", "status": "confirmed",
    } | {column: "x" * (limit + 1)}  # fmt: skip
    with pytest.raises(CalendarImportError) as refused:
        parse_rows([row], first_line=2)
    assert refused.value.problems == [
        f"line 2: {column} is {limit + 1:,} characters; at most {limit}"
    ]
