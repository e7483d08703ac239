"""Importing the calendar from the dashboard, as `huribot calendar import` does: upload a
CSV, an iCalendar file, an Excel sheet or a page OHCHR publishes; see which events it would
add, change, or cancel, postpone or restore; confirm, and it is stored through the same
core service (all or nothing, moves recorded, audited). A file with any problem lists them
all, by line, and imports nothing."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

from aiohttp import web

from adapters.dashboard.context import LANGUAGE, SERVICES, SIGNED_IN
from adapters.dashboard.i18n import Gettext, gettext_for
from adapters.dashboard.import_model import calendar_outcome
from adapters.dashboard.queue_actions import FormData
from adapters.dashboard.uploads import claimed, import_page, staged, uploaded
from bot.calendar.countries import UnknownCountryError, country_code
from bot.calendar.importing import ImportFormat, format_of, read_rows, titles
from bot.calendar.limits import CalendarLimits
from bot.calendar.rows import CalendarImportError, CalendarRow

KIND = "calendar"
ACCEPTED = ".csv,.txt,.ics,.xlsx,.docx,.html,.htm"


def format_names(_: Gettext) -> dict[str, str]:
    """Each format as the form's list names it."""
    return {
        ImportFormat.AUTO: _("Tell by the file's name (.csv, .ics, .xlsx, .docx)"),
        ImportFormat.CSV: _("CSV in the calendar's columns"),
        ImportFormat.ICS: _("iCalendar (.ics)"),
        ImportFormat.XLSX: _("Excel sheet in the calendar's columns"),
        ImportFormat.TB_SESSION: _("OHCHR treaty body session page"),
        ImportFormat.TB_CALENDAR: _("OHCHR treaty bodies' master calendar"),
        ImportFormat.SP_VISITS: _("OHCHR special procedures' country visits"),
        ImportFormat.UPR_CALENDAR: _("OHCHR UPR calendar (.docx)"),
    }


async def calendar_import(request: web.Request) -> web.StreamResponse:
    """The form to upload a calendar file with, and how to read it."""
    return _page(request)


async def calendar_import_preview(request: web.Request) -> web.StreamResponse:
    """Step 1: which events the file would add or change, read in the format chosen;
    nothing is stored but the file, staged."""
    services = request.app[SERVICES]
    upload = await uploaded(request, services.calendar_limits.file)
    form = await request.post()
    options = _options(form)
    _ = gettext_for(request[LANGUAGE])
    if upload is None:
        return _page(request, status=422, missing=_("Choose a file to import."), chosen=options)
    try:
        options["country"] = country_code(options["country"]) if options["country"] else ""
    except UnknownCountryError:
        error = _("No country is called “%(country)s”.", country=options["country"])
        return _page(request, status=422, country_error=error, chosen=options)
    try:
        rows = await _read(upload.filename, upload.content, options, services.calendar_limits)
    except CalendarImportError as exc:
        return _page(request, status=422, filename=upload.filename, problems=exc.problems)
    report = await services.calendar_imports.preview(rows)
    kept = await staged(request, KIND, upload, options)
    outcome = calendar_outcome(report, rows, titles(rows, request[LANGUAGE]), _)
    return _page(request, outcome=outcome, token=kept.token, filename=kept.filename, chosen=options)


async def calendar_import_confirm(request: web.Request) -> web.StreamResponse:
    """Import the file previewed, read as it was previewed."""
    services = request.app[SERVICES]
    previewed = await claimed(request, KIND)
    try:
        rows = await _read(
            previewed.filename, previewed.content, previewed.options, services.calendar_limits
        )
    except CalendarImportError as exc:  # the limits were lowered since the preview
        return _page(request, status=422, filename=previewed.filename, problems=exc.problems)
    source = _source(previewed.filename, previewed.options)
    actor = str(request[SIGNED_IN].actor)
    report = await services.calendar_imports.apply(rows, actor=actor, source=source)
    await services.staging.discard(previewed.token)
    _ = gettext_for(request[LANGUAGE])
    outcome = calendar_outcome(report, rows, titles(rows, request[LANGUAGE]), _)
    return _page(request, outcome=outcome, applied=True, filename=previewed.filename)


def _options(form: FormData) -> dict[str, str]:
    """How to read the file, as chosen: its format, the country of a plain .ics, where an
    OHCHR page was downloaded from."""
    fmt = str(form.get("format", ImportFormat.AUTO))
    return {
        "format": fmt if fmt in set(ImportFormat) else ImportFormat.AUTO.value,
        "country": str(form.get("country", "")).strip()[:100],
        "source_url": str(form.get("source_url", "")).strip()[:2000],
    }


def _source(filename: str, options: Mapping[str, Any]) -> str:
    """Where the events come from, as the audit trail and the events' own source say."""
    return str(options.get("source_url") or filename)


async def _read(
    filename: str, content: bytes, options: Mapping[str, Any], limits: CalendarLimits
) -> list[CalendarRow]:
    """Parse off the event loop, in the format chosen (by the file's name by default)."""
    fmt = format_of(filename, ImportFormat(options["format"]))
    return await asyncio.to_thread(
        read_rows,
        content,
        fmt,
        source_url=_source(filename, options),
        country=str(options.get("country") or "") or None,
        limits=limits,
    )


def _page(request: web.Request, *, status: int = 200, **values: Any) -> web.Response:
    limits = request.app[SERVICES].calendar_limits
    return import_page(
        request,
        "calendar_import.html",
        "calendar_import",
        status=status,
        **{
            "country_error": "",
            "chosen": {"format": ImportFormat.AUTO.value, "country": "", "source_url": ""},
            "formats_named": format_names(gettext_for(request[LANGUAGE])),
            "accepted": ACCEPTED,
            "limit_mb": limits.file.megabytes,
            "event_limit": limits.events,
            **values,
        },
    )
