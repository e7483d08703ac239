"""Calendar imports through the one core service the command line and the dashboard share,
on SQLite and PostgreSQL: a preview writes nothing, an import is audited."""

from __future__ import annotations

import pytest

from adapters.cli.calendar import sample_calendar_text
from bot.calendar.importing import CalendarImports, ImportFormat, format_of, read_rows, titles
from bot.calendar.limits import CalendarLimits
from bot.calendar.rows import CalendarImportError, CalendarRow
from bot.calendar.store import events_for
from bot.db.audit import audit_trail
from bot.db.engine import Database
from knowledge.ingest.limits import SizeLimit


def sample_rows() -> list[CalendarRow]:
    data = sample_calendar_text().encode()
    return read_rows(data, ImportFormat.CSV, source_url="", country=None, limits=CalendarLimits())


async def test_a_preview_says_what_an_import_then_does_and_writes_nothing(
    database: Database,
) -> None:
    rows = sample_rows()
    imports = CalendarImports(database)
    preview = await imports.preview(rows)
    assert len(preview.added) == len(rows)
    async with database.sessions() as session:
        assert list(await events_for(session, None)) == []
    applied = await imports.apply(rows, actor="teams:a", source="sample.csv")
    assert applied.added == preview.added
    assert (await imports.preview(rows)).unchanged == [row.event_id for row in rows]
    async with database.sessions() as session:
        [audited] = await audit_trail(session, target="calendar")
    assert (audited.actor, audited.action) == ("teams:a", "calendar-import")
    assert audited.after == {
        "source": "sample.csv",
        "added": len(rows),
        "updated": 0,
        "withdrawn": 0,
    }


def test_the_format_is_told_by_the_files_name_unless_chosen() -> None:
    assert format_of("Calendar.ICS") is ImportFormat.ICS
    assert format_of("upr.docx") is ImportFormat.UPR_CALENDAR
    assert format_of("page.html") is ImportFormat.CSV
    assert format_of("page.html", ImportFormat.SP_VISITS) is ImportFormat.SP_VISITS


def test_a_file_past_the_size_limit_is_refused_unread() -> None:
    limits = CalendarLimits(file=SizeLimit(1, "HURIBOT_MAX_IMPORT_MB"))
    with pytest.raises(CalendarImportError, match=r"2\.0 MB; the limit is 1 MB"):
        read_rows(
            b"x" * 2 * 1024 * 1024, ImportFormat.CSV, source_url="", country=None, limits=limits
        )


def test_titles_name_each_event_in_the_language_asked() -> None:
    named = titles(sample_rows(), "fr")
    assert named["upr-47-NOR-review"] == "Norvège — EPU : examen (session 47)"
