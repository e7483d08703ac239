"""Importing knowledge from the dashboard, as `huribot ingest` does from files: upload a
reply file (.csv, .yaml, .md), a guidance document (.md, .txt, .docx, .pdf) or a .zip of a
knowledge folder; see what it would add, change and retire; confirm, and it is stored
through the same core service (change log, search index, audit trail). All or nothing:
a file with any problem lists them all, by line, and imports nothing."""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web

from adapters.dashboard.context import LANGUAGE, SERVICES, SIGNED_IN
from adapters.dashboard.i18n import gettext_for
from adapters.dashboard.import_model import knowledge_outcome
from adapters.dashboard.pages import render
from adapters.dashboard.uploads import claimed, uploaded
from knowledge.ingest.errors import IngestError
from knowledge.ingest.limits import IngestLimits
from knowledge.ingest.uploads import UPLOAD_SUFFIXES, load_upload
from knowledge.records import IngestBatch

KIND = "kb"
PRUNE_FIELD = "prune"


async def kb_import(request: web.Request) -> web.StreamResponse:
    """The upload form."""
    return _page(request)


async def kb_import_preview(request: web.Request) -> web.StreamResponse:
    """Read the uploaded file and show what importing it would change (nothing is); the
    file is staged for the confirmation."""
    services = request.app[SERVICES]
    upload = await uploaded(request, services.ingest_limits.file)
    prune = (await request.post()).get(PRUNE_FIELD) == "on"
    if upload is None:
        _ = gettext_for(request[LANGUAGE])
        return _page(request, status=422, missing=_("Choose a file to import."), prune=prune)
    try:
        batch = await _read(upload.filename, upload.content, services.ingest_limits)
    except IngestError as exc:
        return _problems(request, upload.filename, exc)
    report = await services.knowledge.preview(batch, prune=prune)
    staged = await services.staging.stage(
        kind=KIND,
        filename=upload.filename,
        content=upload.content,
        staged_by=str(request[SIGNED_IN].actor),
        options={PRUNE_FIELD: prune},
    )
    outcome = knowledge_outcome(report, batch, gettext_for(request[LANGUAGE]))
    return _page(
        request, outcome=outcome, token=staged.token, filename=staged.filename, prune=prune
    )


async def kb_import_confirm(request: web.Request) -> web.StreamResponse:
    """Import the file previewed, as it was previewed (pruning or not)."""
    services = request.app[SERVICES]
    staged = await claimed(request, KIND)
    prune = bool(staged.options.get(PRUNE_FIELD))
    try:
        batch = await _read(staged.filename, staged.content, services.ingest_limits)
    except IngestError as exc:  # the limits were lowered since the preview
        return _problems(request, staged.filename, exc)
    actor = str(request[SIGNED_IN].actor)
    report = await services.knowledge.ingest(batch, prune=prune, actor=actor)
    await services.staging.discard(staged.token)
    outcome = knowledge_outcome(report, batch, gettext_for(request[LANGUAGE]))
    return _page(request, outcome=outcome, applied=True, filename=staged.filename, prune=prune)


async def _read(filename: str, content: bytes, limits: IngestLimits) -> IngestBatch:
    """Parse off the event loop: a long .docx or .pdf takes a while."""
    return await asyncio.to_thread(load_upload, filename, content, limits=limits)


def _problems(request: web.Request, filename: str, error: IngestError) -> web.Response:
    return _page(request, status=422, filename=filename, problems=[str(p) for p in error.problems])


def _page(request: web.Request, *, status: int = 200, **values: Any) -> web.Response:
    limits = request.app[SERVICES].ingest_limits
    page: dict[str, Any] = {
        "outcome": None,
        "applied": False,
        "token": "",
        "filename": "",
        "problems": [],
        "missing": "",
        "prune": False,
        "accepted": ",".join(UPLOAD_SUFFIXES),
        "limit_mb": limits.file.megabytes,
    }
    return render(request, "kb_import.html", status=status, **{**page, **values})
