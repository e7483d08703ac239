"""`huribot calendar overview`: the yearly letter to a Resident Coordinator, for one country
or (`--all`) every country with engagements in the year."""

from __future__ import annotations

import sys
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from adapters.cli.calendar import calendar_app
from adapters.cli.common import fail, out, with_services
from bot.calendar.browse import team_of
from bot.calendar.countries import UnknownCountryError, country_code
from bot.calendar.freshness import calendar_freshness
from bot.calendar.overview import DEFAULT_CONTACT, build_letter, countries_in_year
from bot.calendar.store import events_for

if TYPE_CHECKING:
    from adapters.wiring.services import Services


class LetterFormat(StrEnum):
    """Letter formats."""

    MD = "md"
    HTML = "html"
    DOCX = "docx"
    PDF = "pdf"


class Language(StrEnum):
    """The languages of the letter."""

    EN = "en"
    FR = "fr"
    ES = "es"


@calendar_app.command("overview")
def overview(
    year: Annotated[int, typer.Option(min=2000, max=2100, help="The calendar year.")],
    country: Annotated[str | None, typer.Option(help="ISO code or name.")] = None,
    fmt: Annotated[
        LetterFormat, typer.Option("--format", help="md, html, docx or pdf.")
    ] = LetterFormat.MD,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File (default: stdout; md, html).")
    ] = None,
    language: Annotated[Language, typer.Option(help="en, fr or es.")] = Language.EN,
    as_of: Annotated[
        datetime | None,
        typer.Option(formats=["%Y-%m-%d"], help="The letter's date, YYYY-MM-DD (default today)."),
    ] = None,
    unct: Annotated[
        str, typer.Option(help='The addressee team, e.g. "UNCT Kenya" (default: the UNCT set).')
    ] = "",
    rc: Annotated[str, typer.Option(help="The Resident Coordinator's name.")] = "",
    contact: Annotated[str, typer.Option(help="The Secretariat's contact line.")] = DEFAULT_CONTACT,
    all_countries: Annotated[
        bool, typer.Option("--all", help="One letter per country with events in the year.")
    ] = False,
    output_dir: Annotated[
        Path | None, typer.Option(help="With --all: the folder for <ISO3>-<year>-<lang>.<ext>.")
    ] = None,
) -> None:
    """The yearly letter to a country's RC: its reviews, deadlines and visits, by mechanism."""
    if all_countries == (country is not None):
        raise fail("Name one --country, or pass --all.", code=2)
    if all_countries and (output_dir is None or output is not None or unct or rc):
        raise fail("--all writes to --output-dir DIR (not --output, --unct or --rc).", code=2)
    if not all_countries and fmt in {LetterFormat.DOCX, LetterFormat.PDF} and output is None:
        raise fail(f"A .{fmt} letter needs --output FILE.", code=2)
    try:
        code = country_code(country) if country else None
    except UnknownCountryError as exc:
        raise fail(str(exc), code=2) from exc
    prepared = as_of.date() if as_of else date.today()

    async def _work(services: Services) -> None:
        async with services.database.sessions() as session:
            events = await events_for(session, code)
            freshness = await calendar_freshness(session)
        uncts = await services.subscriptions.uncts()
        from bot.calendar.letter_render import render_letter  # noqa: PLC0415  (fpdf: slow)

        codes = [code] if code else countries_in_year(events, year)
        for each in codes:
            letter = build_letter(
                events,
                country=each,
                year=year,
                language=language.value,
                as_of=prepared,
                unct=unct or team_of(uncts, each),
                rc=rc,
                contact=contact,
                freshness=freshness,
            )
            data = render_letter(letter, fmt.value)
            if output_dir is not None:
                output_dir.mkdir(parents=True, exist_ok=True)
                (output_dir / letter.file_name(fmt.value)).write_bytes(data)
            elif output is not None:
                output.write_bytes(data)
            else:
                sys.stdout.write(data.decode())
        if output_dir is not None:
            out.print(f"{len(codes)} letter(s) written to {output_dir}")

    with_services(_work, load_index=False)
