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
from adapters.dashboard.uploads import claimed, import_page, staged, uploaded
from knowledge.ingest.errors import IngestError
from knowledge.ingest.limits import IngestLimits
from knowledge.ingest.uploads import UPLOAD_SUFFIXES, load_upload
from knowledge.records import IngestBatch

KIND = "kb"
PRUNE_FIELD = "prune"


async def kb_import(request: web.Request) -> web.StreamResponse:
    """The form to upload knowledge files with."""
    return _page(request)


async def kb_import_preview(request: web.Request) -> web.StreamResponse:
    """Step 1: what the replies and documents of the file would do to the knowledge base
    (with pruning, of every file not in it); nothing is stored but the file, staged."""
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
    kept = await staged(request, KIND, upload, {PRUNE_FIELD: prune})
    outcome = knowledge_outcome(report, batch, gettext_for(request[LANGUAGE]))
    return _page(request, outcome=outcome, token=kept.token, filename=kept.filename, prune=prune)


async def kb_import_confirm(request: web.Request) -> web.StreamResponse:
    """Import the file previewed, as it was previewed (pruning or not)."""
    services = request.app[SERVICES]
    previewed = await claimed(request, KIND)
    prune = bool(previewed.options.get(PRUNE_FIELD))
    try:
        batch = await _read(previewed.filename, previewed.content, services.ingest_limits)
    except IngestError as exc:  # the limits were lowered since the preview
        return _problems(request, previewed.filename, exc)
    actor = str(request[SIGNED_IN].actor)
    report = await services.knowledge.ingest(  # vectors by the background job: 0.4 s a passage
        batch, prune=prune, actor=actor, audit_as_import=True, vectors_later=True
    )
    await services.staging.discard(previewed.token)
    outcome = knowledge_outcome(report, batch, gettext_for(request[LANGUAGE]))
    return _page(request, outcome=outcome, applied=True, filename=previewed.filename, prune=prune)


async def _read(filename: str, content: bytes, limits: IngestLimits) -> IngestBatch:
    """Parse off the event loop: a long .docx or .pdf takes a while."""
    return await asyncio.to_thread(load_upload, filename, content, limits=limits)


def _problems(request: web.Request, filename: str, error: IngestError) -> web.Response:
    return _page(request, status=422, filename=filename, problems=[str(p) for p in error.problems])


def _page(request: web.Request, *, status: int = 200, **values: Any) -> web.Response:
    return import_page(
        request,
        "kb_import.html",
        "kb_import",
        status=status,
        **{
            "prune": False,
            "accepted": ",".join(UPLOAD_SUFFIXES),
            "limit_mb": request.app[SERVICES].ingest_limits.file.megabytes,
            **values,
        },
    )
