"""`huribot calendar import|export`: the mechanism calendar from and to CSV and iCalendar."""

from __future__ import annotations

import sys
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Annotated

import typer

from adapters.cli.common import fail, out, with_services
from adapters.composition import Services
from bot.calendar.countries import UnknownCountryError, country_code, country_name
from bot.calendar.export import to_csv, to_ics
from bot.calendar.ics_import import parse_calendar_ics
from bot.calendar.overview import overview_docx, overview_html, overview_markdown
from bot.calendar.rows import CalendarImportError, parse_calendar_csv
from bot.calendar.store import events_for, store_calendar

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
    file: Annotated[Path | None, typer.Argument(help="A calendar .csv or .ics file.")] = None,
    sample: Annotated[
        bool, typer.Option("--sample", help="Import the shipped sample calendar.")
    ] = False,
) -> None:
    """Import events (all or nothing); re-importing updates rows by event id and records moves."""
    if (file is None) == (not sample):
        raise fail("Name one calendar CSV file, or pass --sample.", code=2)
    try:
        if file is not None and file.suffix.lower() == ".ics":
            rows = parse_calendar_ics(_read_bytes(file))
        else:
            rows = parse_calendar_csv(sample_calendar_text() if sample else _read(file))
    except CalendarImportError as exc:
        for problem in exc.problems:
            out.print(f"[red]✗[/red] {problem}")
        raise fail(f"Nothing was imported: {len(exc.problems)} problem(s) to fix first.") from exc

    async def _work(services: Services) -> None:
        async with services.database.transaction() as session:
            report = await store_calendar(session, rows)
        out.print(
            f"calendar: {len(report.added)} added, {len(report.updated)} updated "
            f"({len(report.moved)} moved), {len(report.unchanged)} unchanged"
        )

    with_services(_work, load_index=False)


def _read_bytes(file: Path) -> bytes:
    try:
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
        data = to_ics(events, name=name) if fmt is ExportFormat.ICS else to_csv(events).encode()
        if output is None:
            sys.stdout.buffer.write(data)
        else:
            output.write_bytes(data)

    with_services(_work, load_index=False)


class OverviewFormat(StrEnum):
    """Overview formats."""

    MD = "md"
    HTML = "html"
    DOCX = "docx"


@calendar_app.command("overview")
def overview(
    country: Annotated[str, typer.Option(help="ISO code or name.")],
    year: Annotated[int, typer.Option(min=2000, max=2100, help="The calendar year.")],
    fmt: Annotated[
        OverviewFormat, typer.Option("--format", help="md, html or docx.")
    ] = OverviewFormat.MD,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File (default: stdout).")
    ] = None,
) -> None:
    """The yearly overview of a country's engagements with the mechanisms, for its RC."""
    try:
        code = country_code(country)
    except UnknownCountryError as exc:
        raise fail(str(exc), code=2) from exc
    if fmt is OverviewFormat.DOCX and output is None:
        raise fail("A .docx overview needs --output FILE.", code=2)

    async def _work(services: Services) -> None:
        async with services.database.sessions() as session:
            events = await events_for(session, code)
        if fmt is OverviewFormat.DOCX:
            assert output is not None
            output.write_bytes(overview_docx(events, country=code, year=year))
            return
        render = overview_html if fmt is OverviewFormat.HTML else overview_markdown
        text = render(events, country=code, year=year)
        if output is None:
            sys.stdout.write(text)
        else:
            output.write_text(text, encoding="utf-8")

    with_services(_work, load_index=False)
