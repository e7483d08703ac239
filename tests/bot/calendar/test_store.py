"""Calendar foundation: countries, CSV import (all or nothing), moves, iCalendar and CSV export."""

from __future__ import annotations

import dataclasses
import io
from datetime import UTC, date, datetime

import docx
import pytest
import vobject
from icalendar import Calendar

from adapters.cli.calendar import sample_calendar_text
from bot.calendar.countries import UnknownCountryError, country_code
from bot.calendar.dates import describe_dates
from bot.calendar.export import to_csv, to_ics
from bot.calendar.ics_import import parse_calendar_ics
from bot.calendar.letter_render import overview_docx, overview_html, overview_markdown
from bot.calendar.rows import COLUMNS, CalendarImportError, CalendarRow, parse_calendar_csv
from bot.calendar.store import events_for, store_calendar
from bot.calendar.upcoming import CalendarLookup
from bot.db.engine import Database
from bot.db.models import CalendarEvent

HEADER = ",".join(COLUMNS)
NOW = datetime(2026, 11, 27, tzinfo=UTC)
ROW = (
    "upr-49-KEN-review,UPR,UPR Working Group,49,KEN,Kenya,review,2025-04-28,2025-05-09,day,,"
    "held,https://example.org/upr49,2026-11-23,session window"
)


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("KEN", "KEN"),
        ("ke", "KEN"),
        ("Türkiye", "TUR"),
        ("Turkey", "TUR"),
        ("Iran (Islamic Republic of)", "IRN"),
        ("Bolivia (Plurinational State of)", "BOL"),
        ("United Republic of Tanzania", "TZA"),
        ("State of Palestine", "PSE"),
        ("Côte d’Ivoire", "CIV"),
    ],
)
def test_country_names_as_the_un_writes_them(name: str, code: str) -> None:
    assert country_code(name) == code


def test_an_unknown_country_is_refused_clearly() -> None:
    with pytest.raises(UnknownCountryError, match="Atlantis"):
        country_code("Atlantis")


def test_the_sample_calendar_shows_all_three_mechanisms_from_published_sources() -> None:
    rows = parse_calendar_csv(sample_calendar_text())
    assert len(rows) > 200
    assert {row.mechanism for row in rows} >= {"UPR", "TB", "SP"}
    assert len({row.country for row in rows}) >= 12
    assert all(row.source_url.startswith("https://") and row.source_retrieved for row in rows)
    un = ("ohchr.org", "ungeneva.org", "unognewsroom.org", "un.org")
    from_the_un = [r for r in rows if any(site in r.source_url.split("/")[2] for site in un)]
    assert len(from_the_un) > len(rows) / 2
    hrc59 = [r for r in rows if r.session == "HRC 59" and r.event_type == "outcome_adoption"]
    assert hrc59 and all(r.end_date == date(2025, 7, 9) for r in hrc59)  # it ended on 9 July


def test_a_broken_row_names_its_line_and_nothing_is_returned() -> None:
    bad = ROW.replace("KEN,Kenya", ",Atlantis").replace("upr-49-KEN", "other")
    month = ROW.replace("2025-04-28,2025-05-09,day", "2025-13-01,,day").replace("upr-49", "x")
    text = "\n".join([HEADER, ROW, bad, month, ROW])
    with pytest.raises(CalendarImportError) as caught:
        parse_calendar_csv(text)
    problems = caught.value.problems
    assert any(p.startswith("line 3:") and "Atlantis" in p for p in problems)
    assert any(p.startswith("line 4:") and "2025-13-01" in p for p in problems)
    assert any(p.startswith("line 5:") and "twice" in p for p in problems)


def test_month_precision_and_unknown_dates() -> None:
    month = ROW.replace("2025-04-28,2025-05-09,day", "2026-11,2026-11,month")
    unknown = ROW.replace("2025-04-28,2025-05-09,day", "unknown,unknown,unknown").replace(
        "upr-49", "upr-50"
    )
    rows = parse_calendar_csv("\n".join([HEADER, month, unknown]))
    assert rows[0].start_date == date(2026, 11, 1) and rows[0].date_precision == "month"
    assert rows[1].start_date is None
    assert "2026-11,2026-11,month" in to_csv_rows(rows)


def to_csv_rows(rows: list[CalendarRow]) -> str:
    return to_csv([CalendarEvent(**dataclasses.asdict(r), sequence=0) for r in rows])


async def test_reimport_updates_by_id_and_a_moved_date_bumps_the_sequence(
    database: Database,
) -> None:
    rows = parse_calendar_csv("\n".join([HEADER, ROW]))
    async with database.transaction() as session:
        assert (await store_calendar(session, rows)).added == ["upr-49-KEN-review"]
    async with database.transaction() as session:
        assert (await store_calendar(session, rows)).unchanged == ["upr-49-KEN-review"]
    moved = [dataclasses.replace(rows[0], start_date=date(2025, 5, 5))]
    async with database.transaction() as session:
        report = await store_calendar(session, moved)
    assert report.moved == ["upr-49-KEN-review"]
    async with database.sessions() as session:
        (event,) = await events_for(session, "KEN")
    assert event.sequence == 1
    assert event.previous_start == date(2025, 4, 28)

    ics = Calendar.from_ical(to_ics([event], name="Kenya"))
    (entry,) = ics.walk("VEVENT")
    assert str(entry["uid"]) == "upr-49-KEN-review@huribot.calendar"
    assert int(entry["sequence"]) == 1
    assert entry.decoded("dtstart") == date(2025, 5, 5)
    assert entry.decoded("dtend") == date(2025, 5, 10)
    assert "Kenya" in str(entry["summary"])


async def test_csv_export_imports_back_unchanged(database: Database) -> None:
    rows = parse_calendar_csv(sample_calendar_text())
    async with database.transaction() as session:
        await store_calendar(session, rows)
    async with database.sessions() as session:
        exported = to_csv(await events_for(session, None))
    again = parse_calendar_csv(exported)
    assert sorted(again, key=lambda r: r.event_id) == sorted(rows, key=lambda r: r.event_id)


@pytest.mark.parametrize(
    ("start", "end", "precision", "shown"),
    [
        (date(2025, 4, 28), date(2025, 5, 9), "day", "28 April – 9 May 2025"),
        (date(2025, 1, 20), date(2025, 1, 31), "day", "20–31 January 2025"),
        (date(2025, 6, 16), None, "day", "16 June 2025"),
        (date(2026, 11, 1), date(2026, 11, 1), "month", "November 2026"),
        (date(2026, 11, 1), date(2027, 1, 1), "month", "November 2026 – January 2027"),
        (None, None, "unknown", "date not yet published"),
    ],
)
def test_dates_are_never_shown_more_precisely_than_published(
    start: date | None, end: date | None, precision: str, shown: str
) -> None:
    assert describe_dates(start, end, precision) == shown


async def test_yearly_overview_in_every_format(database: Database) -> None:
    async with database.transaction() as session:
        await store_calendar(session, parse_calendar_csv(sample_calendar_text()))
    async with database.sessions() as session:
        events = await events_for(session, "KEN")
    markdown = overview_markdown(events, country="KEN", year=2025)
    assert markdown.startswith("# Kenya: engagements with the human rights mechanisms in 2025")
    assert "## Universal Periodic Review" in markdown
    assert "| UPR: review (session 49) | 1 May 2025 |" in markdown
    assert "8 September – 8 October 2025" in markdown
    assert "](https://" in markdown and "Data as of 1 December 2026" in markdown
    page = overview_html(events, country="KEN", year=2025, language="fr")
    assert "<h2>Examen périodique universel</h2>" in page and 'href="https://' in page
    document = docx.Document(io.BytesIO(overview_docx(events, country="KEN", year=2025)))
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    assert "1 May 2025" in cells
    assert "No engagement" in overview_markdown(events, country="KEN", year=2031)


async def test_the_next_twelve_months_for_a_country(database: Database) -> None:
    rows = parse_calendar_csv(sample_calendar_text())
    async with database.transaction() as session:
        await store_calendar(session, rows)
    lookup = CalendarLookup(database=database, clock=lambda: datetime(2025, 1, 1, tzinfo=UTC))
    text = await lookup.upcoming_text("Iran (Islamic Republic of)")
    assert text.startswith("*Iran (Islamic Republic of): the 12 months from 1 January 2025*")
    kenya = await lookup.upcoming_text("Kenya")
    assert "1 May 2025 — Kenya — UPR: review (session 49) (held)" in kenya
    assert "8 September – 8 October 2025" in kenya
    assert "don't know the country" in await lookup.upcoming_text("Atlantis")
    assert "Name a country" in await lookup.upcoming_text(" ")


async def test_an_as_of_date_and_an_out_of_date_calendar_are_said_plainly(
    database: Database,
) -> None:
    async with database.transaction() as session:
        await store_calendar(session, parse_calendar_csv(sample_calendar_text()))
    today = CalendarLookup(database=database, clock=lambda: datetime(2027, 1, 1, tzinfo=UTC))
    assert "1 May 2025 — Kenya" in await today.upcoming_text("Kenya as of 2025-01-01")
    assert "1 May 2025 — Kenya" in await today.upcoming_text("KEN 2025-01-01")
    stale = await today.upcoming_text("KEN")
    assert stale.startswith("No engagement of Kenya is recorded for the 12 months from 1 January")
    assert "holds nothing after" in stale and "does not mean nothing is scheduled" in stale
    assert "Nothing is scheduled" not in stale


def as_events(rows: list[CalendarRow]) -> list[CalendarEvent]:
    return [CalendarEvent(**dataclasses.asdict(r), sequence=0, updated_at=NOW) for r in rows]


def test_an_exported_ics_imports_back_exactly() -> None:
    rows = parse_calendar_csv(sample_calendar_text())
    back = parse_calendar_ics(to_ics(as_events(rows), name="all"))
    dated = [r for r in rows if r.start_date is not None]  # an .ics entry needs a date
    assert len(dated) < len(rows)
    assert sorted(back, key=lambda r: r.event_id) == sorted(dated, key=lambda r: r.event_id)


ONE_ROW = (
    f"{','.join(COLUMNS)}\n"
    "tb-cedaw-95-KEN-review,TB,CEDAW,95,KEN,Kenya,review,2027-07,2027-07,month,,tentative,"
    'https://www.ohchr.org/x,2026-12-01,"Line one,\nline two; with a semicolon, and commas"\n'
)


def test_notes_with_newlines_commas_and_semicolons_round_trip_and_parse_in_two_parsers() -> None:
    [row] = parse_calendar_csv(ONE_ROW)
    ics = to_ics(as_events([row]), name="Kenya")
    assert parse_calendar_ics(ics) == [row]
    [entry] = Calendar.from_ical(ics).walk("VEVENT")
    assert str(entry["x-huribot-notes"]) == row.notes
    parsed = vobject.readOne(ics.decode())
    assert parsed.vevent.contents["x-huribot-notes"][0].value == row.notes
    assert parsed.vevent.summary.value.startswith("Kenya — CEDAW: review (session 95)")


def test_a_month_precision_event_is_never_shown_as_a_day() -> None:
    [row] = parse_calendar_csv(ONE_ROW)
    [entry] = Calendar.from_ical(to_ics(as_events([row]), name="Kenya")).walk("VEVENT")
    assert entry.decoded("dtstart") == date(2027, 7, 1)
    assert entry.decoded("dtend") == date(2027, 8, 1)  # the whole month, not the 1st
    assert str(entry["transp"]) == "TRANSPARENT"
    assert "July 2027, day not yet published" in str(entry["summary"])


@pytest.mark.parametrize("status", ["cancelled", "postponed"])
async def test_a_withdrawn_event_reaches_subscribers_as_cancelled_with_a_new_sequence(
    database: Database, status: str
) -> None:
    [row] = parse_calendar_csv(ONE_ROW)
    async with database.transaction() as session:
        await store_calendar(session, [row])
    async with database.transaction() as session:
        report = await store_calendar(session, [dataclasses.replace(row, status=status)])
    assert report.withdrawn == [row.event_id]
    async with database.sessions() as session:
        events = await events_for(session, "KEN")
    [entry] = Calendar.from_ical(to_ics(events, name="Kenya")).walk("VEVENT")
    assert str(entry["status"]) == "CANCELLED"
    assert entry.decoded("sequence") == 1
    assert str(entry["summary"]).startswith(f"{status.capitalize()}: Kenya")


def test_a_plain_ics_from_another_calendar_is_read_from_its_titles() -> None:
    other = (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Other//EN\r\n"
        b"BEGIN:VEVENT\r\nUID:abc 123@example.org\r\nDTSTAMP:20261101T000000Z\r\n"
        b"DTSTART;VALUE=DATE:20270208\r\nDTEND;VALUE=DATE:20270210\r\n"
        b"SUMMARY:Committee on the Elimination of Discrimination against Women: review of Kenya\r\n"
        b"STATUS:CONFIRMED\r\nEND:VEVENT\r\n"
        b"BEGIN:VEVENT\r\nUID:visit-1\r\nDTSTAMP:20261101T000000Z\r\n"
        b"DTSTART;VALUE=DATE:20270301\r\nSUMMARY:Special Rapporteur on the right to food: visit\r\n"
        b"END:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    with pytest.raises(CalendarImportError, match=r"line 2: .*country"):
        parse_calendar_ics(other)
    review, visit = parse_calendar_ics(other, country="NER")
    assert (review.mechanism, review.body, review.country, review.event_type) == (
        "TB",
        "CEDAW",
        "KEN",
        "review",
    )
    assert (review.start_date, review.end_date, review.status) == (
        date(2027, 2, 8),
        date(2027, 2, 9),
        "confirmed",
    )
    assert review.event_id == "abc-123-example.org"
    assert (visit.mechanism, visit.body, visit.country) == (
        "SP",
        "Special Rapporteur on the right to food",
        "NER",
    )


def test_a_broken_ics_is_refused_with_the_reason() -> None:
    with pytest.raises(CalendarImportError, match="iCalendar"):
        parse_calendar_ics(b"BEGIN:VCALENDAR\nthis is not ical")
    incomplete = (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:x-1@elsewhere\r\n"
        b"DTSTART;VALUE=DATE:20270120\r\nSUMMARY:Somebody's event\r\n"
        b"END:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    with pytest.raises(CalendarImportError) as caught:
        parse_calendar_ics(incomplete)
    assert any("mechanism is empty" in p for p in caught.value.problems)


def test_a_hash_at_the_start_of_a_line_inside_a_quoted_field_is_text_not_a_comment() -> None:
    text = (
        f"# a comment\n{','.join(COLUMNS)}\n"
        "a-1,UPR,UPR Working Group,49,KEN,Kenya,review,2025-05-01,2025-05-01,day,,held,"
        'https://www.ohchr.org/a,2026-12-01,"Agenda:\n# item one\n# item two"\n'
        "# another comment\n"
        "a-2,UPR,UPR Working Group,49,NPL,Nepal,review,2025-05-02,2025-05-02,day,,held,"
        "https://www.ohchr.org/b,2026-12-01,\n"
    )
    first, second = parse_calendar_csv(text)
    assert first.notes == "Agenda:\n# item one\n# item two"
    assert second.event_id == "a-2"
    broken = text.replace("a-2,UPR", "a 2,UPR")
    with pytest.raises(CalendarImportError, match="line 7: event_id 'a 2'"):
        parse_calendar_csv(broken)  # the line numbers are the file's, multi-line fields counted


def test_a_semicolon_csv_as_excel_writes_it_in_french_is_read() -> None:
    text = "\ufeff" + ONE_ROW.replace(",", ";").replace(
        "Line one;\nline two; with a semicolon; and commas", "Ligne un, deux"
    )
    [row] = parse_calendar_csv(text)
    assert (row.event_id, row.body, row.notes) == (
        "tb-cedaw-95-KEN-review",
        "CEDAW",
        "Ligne un, deux",
    )
    assert row.source_retrieved == date(2026, 12, 1)


@pytest.mark.parametrize(
    "start",
    ["DTSTART;VALUE=DAT\x00:20000101", "SUMMARY:no start at all"],
    ids=["a broken DTSTART", "no DTSTART"],
)
def test_an_event_without_a_readable_start_is_a_problem_naming_it(start: str) -> None:
    """Found by fuzzing: an event whose DTSTART is missing, or whose property name is broken
    (so icalendar drops it), raised a KeyError instead of naming the event."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "BEGIN:VEVENT", "UID:upr-ken-4", start]
    ics = "\r\n".join([*lines, "SUMMARY:Kenya - UPR review", "END:VEVENT", "END:VCALENDAR"])
    with pytest.raises(CalendarImportError) as refused:
        parse_calendar_ics(ics.encode())
    assert refused.value.problems == ["event 'upr-ken-4': no readable DTSTART"]
