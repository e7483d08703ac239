"""`huribot calendar import|export`: the mechanism calendar from and to CSV and iCalendar."""

from __future__ import annotations

import sys
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from adapters.cli.common import cli_actor, fail, out, problem_line, settings, with_services
from bot.calendar.countries import UnknownCountryError, country_code, country_name
from bot.calendar.importing import CalendarImports, ImportFormat, format_of, read_rows
from bot.calendar.rows import CalendarImportError
from bot.calendar.store import events_for
from knowledge.ingest.limits import SizeLimit

if TYPE_CHECKING:
    from adapters.wiring.services import Services

calendar_app = typer.Typer(
    help="The calendar of engagements with the mechanisms.", no_args_is_help=True
)


class ExportFormat(StrEnum):
    """Export formats."""

    ICS = "ics"
    CSV = "csv"


def sample_calendar_text() -> str:
    """The shipped sample calendar (published UPR facts with their sources)."""
    return (
        resources.files("bot.calendar").joinpath("sample_calendar.csv").read_text(encoding="utf-8")
    )


@calendar_app.command("import")
def import_calendar(
    file: Annotated[
        Path | None,
        typer.Argument(help="A calendar file: .csv, .ics, .xlsx, or a page OHCHR publishes."),
    ] = None,
    sample: Annotated[
        bool, typer.Option("--sample", help="Import the shipped sample calendar.")
    ] = False,
    fmt: Annotated[
        ImportFormat, typer.Option("--format", help="What the file is (default: by suffix).")
    ] = ImportFormat.AUTO,
    source_url: Annotated[
        str, typer.Option(help="Where an OHCHR page or table was downloaded from.")
    ] = "",
    country: Annotated[
        str | None, typer.Option(help="For a plain .ics: the country its events are about.")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would change; change nothing.")
    ] = False,
) -> None:
    """Import events (all or nothing); re-importing updates rows by event id and records moves,
    cancellations and postponements."""
    if (file is None) == (not sample):
        raise fail("Name one calendar file, or pass --sample.", code=2)
    kind = format_of(file.name if file else "sample.csv", fmt)
    limits = settings().calendar_limits()
    try:
        data = sample_calendar_text().encode() if sample else _read_bytes(file, limits.file)
        code = country_code(country) if country else None
        where = source_url or str(file or "")
        rows = read_rows(data, kind, source_url=where, country=code, limits=limits)
    except UnknownCountryError as exc:
        raise fail(str(exc), code=2) from exc
    except CalendarImportError as exc:
        for problem in exc.problems:
            out.print(problem_line(problem))
        raise fail(f"Nothing was imported: {len(exc.problems)} problem(s) to fix first.") from exc

    async def _work(services: Services) -> None:
        imports = CalendarImports(services.database)
        report = (
            await imports.preview(rows)
            if dry_run
            else await imports.apply(rows, actor=str(cli_actor(None)), source=where)
        )
        if dry_run:
            for label, ids in (
                ("would add", report.added),
                ("would move", report.moved),
                ("would withdraw or restore", report.withdrawn),
                (
                    "would update",
                    sorted(set(report.updated) - set(report.moved) - set(report.withdrawn)),
                ),
            ):
                for event_id in ids:
                    out.print(f"{label}: {event_id}")
        out.print(
            f"calendar: {len(report.added)} added, {len(report.updated)} updated "
            f"({len(report.moved)} moved, {len(report.withdrawn)} withdrawn), "
            f"{len(report.unchanged)} unchanged"
        )
        if dry_run:
            out.print("Dry run: nothing was written.")

    with_services(_work, load_index=False)


def _read_bytes(file: Path | None, limit: SizeLimit) -> bytes:
    """The file's bytes, refused unread past `limit`: the whole published calendar of every
    mechanism is well under a megabyte as CSV or ICS."""
    assert file is not None
    try:
        refusal = limit.refusal(f"{file} is", file.stat().st_size)
        if refusal is not None:
            raise fail(f"{refusal}: import the mechanisms' files one by one.")
        return file.read_bytes()
    except OSError as exc:
        raise fail(f"Cannot read {file}: {exc}") from exc


def _read(file: Path | None) -> str:
    assert file is not None
    try:
        return file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise fail(f"Cannot read {file}: {exc}") from exc


@calendar_app.command("export")
def export_calendar(
    country: Annotated[
        str | None, typer.Option(help="ISO code or name; all countries if omitted.")
    ] = None,
    fmt: Annotated[ExportFormat, typer.Option("--format", help="ics or csv.")] = ExportFormat.ICS,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File (default: stdout).")
    ] = None,
) -> None:
    """Export events, e.g. an .ics file an RC can subscribe to in Outlook or Google Calendar."""
    try:
        code = country_code(country) if country else None
    except UnknownCountryError as exc:
        raise fail(str(exc), code=2) from exc

    async def _work(services: Services) -> None:
        async with services.database.sessions() as session:
            events = await events_for(session, code)
        name = f"HuriBot — {country_name(code)}" if code else "HuriBot — all countries"

        from bot.calendar.export import to_csv, to_ics  # noqa: PLC0415  (icalendar: slow import)

        data = to_ics(events, name=name) if fmt is ExportFormat.ICS else to_csv(events).encode()
        if output is None:
            sys.stdout.buffer.write(data)
        else:
            output.write_bytes(data)

    with_services(_work, load_index=False)
