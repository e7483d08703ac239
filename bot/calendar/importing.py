"""A calendar file into the calendar: read in its format within the limits, previewed, then
stored all or nothing with its audit record. `huribot calendar import` and the dashboard's
import both go through here, so a file imports the same wherever it is given."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum
from pathlib import PurePath
from typing import TYPE_CHECKING

from bot.calendar.limits import CalendarLimits
from bot.calendar.rows import CalendarImportError, CalendarRow, parse_calendar_csv
from bot.calendar.store import CalendarImport, row_values, store_calendar
from bot.calendar.titles import event_title
from bot.db.audit import record_audit
from bot.db.engine import Database
from bot.db.models import CalendarEvent

if TYPE_CHECKING:
    from bot.calendar.sources import Imported


class ImportFormat(StrEnum):
    """What a file to import is: told by its suffix when `auto`."""

    AUTO = "auto"
    CSV = "csv"
    ICS = "ics"
    XLSX = "xlsx"
    TB_SESSION = "ohchr-tb-session"
    TB_CALENDAR = "ohchr-tb-calendar"
    SP_VISITS = "ohchr-sp-visits"
    UPR_CALENDAR = "ohchr-upr-calendar"


BY_SUFFIX = {
    ".csv": ImportFormat.CSV,
    ".txt": ImportFormat.CSV,
    ".ics": ImportFormat.ICS,
    ".xlsx": ImportFormat.XLSX,
    ".docx": ImportFormat.UPR_CALENDAR,
}
ZIP_KINDS = {ImportFormat.XLSX: "xlsx", ImportFormat.UPR_CALENDAR: "docx"}


def format_of(filename: str, fmt: ImportFormat = ImportFormat.AUTO) -> ImportFormat:
    """The format to read a file in: `fmt`, or when `auto` the file's suffix (CSV if unknown)."""
    if fmt is not ImportFormat.AUTO:
        return fmt
    return BY_SUFFIX.get(PurePath(filename).suffix.lower(), ImportFormat.CSV)


def read_rows(
    data: bytes,
    fmt: ImportFormat,
    *,
    source_url: str,
    country: str | None,
    limits: CalendarLimits,
) -> list[CalendarRow]:
    """The file's rows in its format, within `limits` (CalendarImportError lists every
    problem, or the limit passed)."""
    refusal = limits.file.refusal("the file is", len(data))
    if refusal is not None:
        raise CalendarImportError([refusal])
    limits.check_before_parsing(data, ZIP_KINDS.get(fmt, fmt.value))
    rows = _parsed_rows(data, fmt, source_url=source_url, country=country)
    limits.check_rows(rows)
    return rows


def _parsed_rows(
    data: bytes, fmt: ImportFormat, *, source_url: str, country: str | None
) -> list[CalendarRow]:
    retrieved = date.today()
    if fmt is ImportFormat.CSV:
        try:
            return parse_calendar_csv(data.decode("utf-8-sig"))
        except UnicodeDecodeError as exc:
            raise CalendarImportError([f"not UTF-8 text ({exc}): save the CSV as UTF-8"]) from exc
    if fmt is ImportFormat.ICS:
        from bot.calendar.ics_import import parse_calendar_ics  # noqa: PLC0415  (icalendar)

        return parse_calendar_ics(data, country=country)
    from bot.calendar import sources  # noqa: PLC0415  (Word and Excel readers: slow to load)

    readers: dict[ImportFormat, Callable[..., Imported]] = {
        ImportFormat.XLSX: sources.read_calendar_xlsx,
        ImportFormat.TB_SESSION: sources.read_tb_session,
        ImportFormat.TB_CALENDAR: sources.read_tb_master_calendar,
        ImportFormat.SP_VISITS: sources.read_sp_visits,
        ImportFormat.UPR_CALENDAR: sources.read_upr_calendar,
    }
    return readers[fmt](data, source_url=source_url, retrieved=retrieved).rows()


def titles(rows: Sequence[CalendarRow], language: str) -> dict[str, str]:
    """Each row's event as calendars and digests name it, by event id (for a preview)."""
    return {
        row.event_id: event_title(CalendarEvent(**row_values(row), sequence=0), language)
        for row in rows
    }


@dataclass(frozen=True, slots=True)
class CalendarImports:
    """Previews and applies imports of calendar rows (each all or nothing)."""

    database: Database

    async def preview(self, rows: Sequence[CalendarRow]) -> CalendarImport:
        """What storing the rows would change; nothing is written."""
        async with self.database.sessions() as session:
            report = await store_calendar(session, rows)
            await session.rollback()
        return report

    async def apply(
        self, rows: Sequence[CalendarRow], *, actor: str, source: str
    ) -> CalendarImport:
        """Store the rows in one transaction, recording who imported what from where."""
        async with self.database.transaction() as session:
            report = await store_calendar(session, rows)
            record_audit(
                session,
                at=datetime.now(UTC),
                actor=actor,
                action="calendar-import",
                target="calendar",
                after={
                    "source": source,
                    "added": len(report.added),
                    "updated": len(report.updated),
                    "withdrawn": len(report.withdrawn),
                },
            )
        return report
