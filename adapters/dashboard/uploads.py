"""What the two imports (knowledge base, calendar) share: a request body as large as the
import limit allows (the web server's own is a megabyte), the uploaded file read from the
form and refused, with its size, past the limit, and the file staged at the preview handed
back at the confirmation only to whoever staged it, while it lasts."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Handler
from aiohttp.web_request import FileField

from adapters.dashboard.context import LANGUAGE, SERVICES, SIGNED_IN, DashboardServices
from adapters.dashboard.i18n import Formats, gettext_for
from adapters.dashboard.pages import message_error, message_page, render, url
from bot.staging import NotYourUploadError, Staged, StagedUploadError
from knowledge.ingest.limits import MEGABYTE, SizeLimit

FILE_FIELD = "file"
TOKEN_FIELD = "staged"
FORM_OVERHEAD = 64 * 1024
"""Room in a request, besides the file, for the form's other fields and multipart framing."""

UPLOAD_LIMITS: dict[str, Callable[[DashboardServices], SizeLimit]] = {
    "kb_import_preview": lambda services: services.ingest_limits.file,
    "calendar_import_preview": lambda services: services.calendar_limits.file,
}
"""The routes a file is uploaded to, and the size limit of that file."""


class FileTooLargeError(web.HTTPClientError):
    """413 for a file past its limit, once read (not aiohttp's, for a request past its own)."""

    status_code = 413


@dataclass(frozen=True, slots=True)
class Upload:
    """The file the moderator chose."""

    filename: str
    content: bytes


@web.middleware
async def upload_size(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Let an upload's request be as large as its file's limit (plus the form); refuse a
    larger one, from its declared length, before reading it."""
    limit_of = UPLOAD_LIMITS.get(request.match_info.route.name or "")
    if limit_of is None or request.method != "POST":
        return await handler(request)
    limit = limit_of(request.app[SERVICES])
    ceiling = limit.megabytes * MEGABYTE + FORM_OVERHEAD
    declared = request.content_length
    if declared is not None and declared > ceiling:
        return _too_large(request, declared, limit)
    try:
        return await handler(request.clone(client_max_size=ceiling))
    except web.HTTPRequestEntityTooLarge:  # a body sent without its length
        return _too_large(request, ceiling, limit)


async def uploaded(request: web.Request, limit: SizeLimit) -> Upload | None:
    """The form's file (None when none was chosen); a file past `limit` is refused."""
    field = (await request.post()).get(FILE_FIELD)
    if not isinstance(field, FileField) or not field.filename:
        return None
    content = await asyncio.to_thread(field.file.read)  # spooled to disk past 1 MB
    if limit.refusal("", len(content)) is not None:
        page = _too_large(request, len(content), limit)
        raise FileTooLargeError(text=page.text, content_type="text/html")
    return Upload(filename=field.filename, content=content)


def _too_large(request: web.Request, size: int, limit: SizeLimit) -> web.Response:
    _ = gettext_for(request[LANGUAGE])
    formats = Formats(request[LANGUAGE], now=request.app[SERVICES].clock())
    message = _(
        "The file is %(size)s MB; the limit is %(limit)s MB. Nothing was imported.",
        size=formats.megabytes(size),
        limit=formats.number(limit.megabytes),
    )
    if limit.setting:
        message += " " + _("An operator can raise it with %(setting)s.", setting=limit.setting)
    return message_page(request, status=413, title=_("This file is too large"), message=message)


def import_page(
    request: web.Request, template: str, form_route: str, *, status: int = 200, **values: Any
) -> web.Response:
    """An import page: the form alone, or after a preview, an import or problems (the
    language switch then leads back to the form)."""
    page: dict[str, Any] = {
        "here": url(request, form_route),
        "outcome": None,
        "applied": False,
        "token": "",
        "filename": "",
        "problems": [],
        "missing": "",
    }
    return render(request, template, status=status, **{**page, **values})


async def staged(
    request: web.Request, kind: str, upload: Upload, options: dict[str, Any]
) -> Staged:
    """Keep the previewed file, and how it is to be read, for the moderator's confirmation."""
    return await request.app[SERVICES].staging.stage(
        kind=kind,
        filename=upload.filename,
        content=upload.content,
        staged_by=str(request[SIGNED_IN].actor),
        options=options,
    )


async def claimed(request: web.Request, kind: str) -> Staged:
    """The file staged at the preview this confirmation comes from; a page saying why not
    (403 someone else's, 410 confirmed already or expired) otherwise."""
    token = str((await request.post()).get(TOKEN_FIELD, ""))
    _ = gettext_for(request[LANGUAGE])
    try:
        return await request.app[SERVICES].staging.claim(
            token, kind=kind, actor=str(request[SIGNED_IN].actor)
        )
    except NotYourUploadError:
        raise message_error(
            request,
            web.HTTPForbidden,
            title=_("This preview is not yours"),
            message=_("Another moderator uploaded this file. Upload it yourself to import it."),
        ) from None
    except StagedUploadError:
        raise message_error(
            request,
            web.HTTPGone,
            title=_("This preview has expired"),
            message=_(
                "The file was imported already, or its preview is more than an hour old. "
                "Upload it again to see what it would change."
            ),
        ) from None
