"""The queue's forms: answer, link to an existing reply, assign, dismiss. Each calls the
same core service as the Slack and Teams buttons and `huribot queue` (which checks the
moderator, writes the audit trail and queues every asker's notice in the outbox); the
answer form is read by the same `draft_from_form` as the chat platforms' forms."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from aiohttp import web
from aiohttp.web_request import FileField
from multidict import MultiDictProxy

from adapters.answer_form import ALT_QUESTIONS, FIELDS, draft_from_form
from adapters.dashboard.context import LANGUAGE, SERVICES, SIGNED_IN
from adapters.dashboard.form_checks import answer_errors
from adapters.dashboard.i18n import Formats, gettext_for
from adapters.dashboard.pages import message_error, url
from adapters.dashboard.queue_pages import Typed, group_id, group_page, read_group
from bot.moderation.queue import ACTIVE
from bot.moderation.resolution import AnswerDraft
from bot.moderation.views import GroupView, UnknownWordingError

FormData = MultiDictProxy[str | bytes | bytearray | FileField]


async def answer(request: web.Request) -> web.StreamResponse:
    """Preview or publish the moderator's answer; every asker is then notified."""
    wanted, form, view = await _open_group(request)
    typed = _typed(form)
    draft = draft_from_form(typed.fields, wordings=view.wordings)
    if not isinstance(draft, AnswerDraft):
        errors = _answer_errors(request, typed.fields)
        return await group_page(request, wanted, typed=typed, errors=errors, status=422)
    if form.get("intent") == "preview":
        return await group_page(request, wanted, typed=typed, preview=True)
    try:
        await request.app[SERVICES].moderation.answer(
            wanted, replace(draft, alt_questions=typed.chosen), request[SIGNED_IN].actor
        )
    except UnknownWordingError:
        return await group_page(request, wanted, typed=typed, errors=_stale(request), status=409)
    raise web.HTTPSeeOther(url(request, "queue", q_done="answered", q_group=wanted))


async def link(request: web.Request) -> web.StreamResponse:
    """Answer with an existing reply (a candidate's button, or an id typed)."""
    wanted, form, _view = await _open_group(request)
    typed = _typed(form)
    reply_id = str(form.get("reply_id") or form.get("other_reply_id") or "").strip()
    _ = gettext_for(request[LANGUAGE])
    if not reply_id:
        errors = {"reply_id": _("Choose one of the bot's candidates, or give a reply's id.")}
        return await group_page(request, wanted, typed=typed, errors=errors, status=422)
    try:
        await request.app[SERVICES].moderation.link(
            wanted, reply_id, request[SIGNED_IN].actor, alt_questions=typed.chosen
        )
    except UnknownWordingError:
        return await group_page(request, wanted, typed=typed, errors=_stale(request), status=409)
    except LookupError:  # no reply of that id (or it is not published)
        errors = {"reply_id": _("No published reply has the id “%(id)s”.", id=reply_id)}
        return await group_page(request, wanted, typed=typed, errors=errors, status=422)
    raise web.HTTPSeeOther(url(request, "queue", q_done="linked", q_group=wanted))


async def assign(request: web.Request) -> web.StreamResponse:
    """Take the group: the queue and the chat cards then name the moderator."""
    wanted, _form, _view = await _open_group(request)
    await request.app[SERVICES].moderation.assign(wanted, request[SIGNED_IN].actor)
    raise web.HTTPSeeOther(url(request, "group", group_id=wanted, q_done="assigned"))


async def dismiss(request: web.Request) -> web.StreamResponse:
    """Close the group without an answer (spam, out of scope)."""
    wanted, _form, _view = await _open_group(request)
    await request.app[SERVICES].moderation.dismiss(wanted, request[SIGNED_IN].actor)
    raise web.HTTPSeeOther(url(request, "queue", q_done="dismissed", q_group=wanted))


async def _open_group(request: web.Request) -> tuple[int, FormData, GroupView]:
    """The group acted on, its form, and its view; 409 when it was closed meanwhile (by
    another moderator, here or in chat)."""
    wanted = group_id(request)
    form = await request.post()
    view = await read_group(request, wanted)
    if view.group.status not in ACTIVE:
        _ = gettext_for(request[LANGUAGE])
        closed = (
            _("Group %(id)s was dismissed meanwhile, so nothing was changed.", id=wanted)
            if view.group.status == "dismissed"
            else _("Group %(id)s was answered meanwhile, so nothing was changed.", id=wanted)
        )
        raise message_error(
            request, web.HTTPConflict, title=_("This group is closed"), message=closed
        )
    return wanted, form, view


def _typed(form: FormData) -> Typed:
    """The fields as typed (line ends as the answer stores them) and the wordings ticked,
    as text: the core refuses any the group was never asked as, so a wording removed
    meanwhile cannot be swapped for its neighbour."""
    fields = {name: str(form.get(name, "")).replace("\r\n", "\n") for name in FIELDS}
    fields["other_reply_id"] = str(form.get("other_reply_id", ""))
    chosen = tuple(str(value) for value in form.getall(ALT_QUESTIONS, []))
    return Typed(fields, chosen)


def _answer_errors(request: web.Request, fields: Mapping[str, str]) -> dict[str, str]:
    """What to fix in the answer form, in the page's language (the checks are the chat
    forms' own: `draft_from_form`)."""
    formats = Formats(request[LANGUAGE], now=request.app[SERVICES].clock())
    return answer_errors(fields, gettext_for(request[LANGUAGE]), formats)


def _stale(request: web.Request) -> dict[str, str]:
    _ = gettext_for(request[LANGUAGE])
    return {
        ALT_QUESTIONS: _(
            "The askers' wordings changed while this page was open: reload it and tick them again."
        )
    }
