"""The knowledge base's forms: create a reply, save a new version of one, retire one. Each
goes through the core's reply editor (which stores the version, its audit event and the
change log other processes follow, and updates the index), as the chat's answers and
`huribot kb` do; the form is read back by `read_reply`."""

from __future__ import annotations

import dataclasses

from aiohttp import web

from adapters.dashboard.context import LANGUAGE, SERVICES, SIGNED_IN
from adapters.dashboard.i18n import Formats, gettext_for
from adapters.dashboard.kb_form import read_reply as read_form
from adapters.dashboard.kb_form import typed_fields
from adapters.dashboard.kb_pages import read_reply, reply_form
from adapters.dashboard.pages import message_error, url
from bot.kb.versions import VersionConflictError
from knowledge.records import ReplyRecord, ReplyStatus


async def create(request: web.Request) -> web.StreamResponse:
    """Preview or store a new reply."""
    fields = typed_fields(await request.post())
    record = _record(request, fields)
    if not isinstance(record, ReplyRecord):
        return reply_form(request, fields=fields, reply=None, errors=record, status=422)
    if fields.get("intent") == "preview":
        return reply_form(request, fields=fields, reply=None, preview=True)
    try:
        await request.app[SERVICES].replies.create(record, actor=str(request[SIGNED_IN].actor))
    except VersionConflictError:
        _ = gettext_for(request[LANGUAGE])
        taken = {"slug": _("A reply already has the id “%(id)s”: choose another.", id=record.slug)}
        return reply_form(request, fields=fields, reply=None, errors=taken, status=409)
    raise web.HTTPSeeOther(url(request, "kb_reply", slug=record.slug, q_done="created"))


async def save(request: web.Request) -> web.StreamResponse:
    """Preview or store a reply's new version, if nobody saved one since the form was
    shown; else the form again, with what was typed and a link to what changed."""
    view = await read_reply(request)
    fields = typed_fields(await request.post()) | {"slug": view.slug}
    record = _record(request, fields)
    if not isinstance(record, ReplyRecord):
        return reply_form(request, fields=fields, reply=view, errors=record, status=422)
    if fields.get("intent") == "preview":
        return reply_form(request, fields=fields, reply=view, preview=True)
    based_on = int(fields["based_on"]) if fields["based_on"].isdecimal() else view.version
    try:
        await request.app[SERVICES].replies.edit(
            dataclasses.replace(record, origin=view.origin),
            actor=str(request[SIGNED_IN].actor),
            based_on=based_on,
        )
    except VersionConflictError as conflict:
        _ = gettext_for(request[LANGUAGE])
        stale = {
            "based_on": _(
                "Someone saved version %(number)s of this reply while you were editing it. "
                "Compare it with yours; saving again replaces it with what you typed.",
                number=conflict.found,
            )
        }
        fields["based_on"] = str(conflict.found)
        fresh = await read_reply(request)
        return reply_form(request, fields=fields, reply=fresh, errors=stale, status=409)
    raise web.HTTPSeeOther(url(request, "kb_reply", slug=view.slug, q_done="saved"))


async def retire(request: web.Request) -> web.StreamResponse:
    """Retire a published reply: kept with its history, no longer used in answers."""
    view = await read_reply(request)
    if view.status != ReplyStatus.PUBLISHED.value:
        _ = gettext_for(request[LANGUAGE])
        raise message_error(
            request,
            web.HTTPConflict,
            title=_("This reply is not published"),
            message=_("Reply “%(id)s” is not in use, so nothing was changed.", id=view.slug),
        )
    await request.app[SERVICES].replies.retire(view.slug, actor=str(request[SIGNED_IN].actor))
    raise web.HTTPSeeOther(url(request, "kb_reply", slug=view.slug, q_done="retired"))


def _record(request: web.Request, fields: dict[str, str]) -> ReplyRecord | dict[str, str]:
    language = request[LANGUAGE]
    formats = Formats(language, now=request.app[SERVICES].clock())
    return read_form(fields, gettext_for(language), formats)
