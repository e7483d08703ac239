"""The queue's pages: the open groups, and one group with everything needed to answer it
(every wording and asker, the bot's best candidates beside the editor, its history)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from aiohttp import web

from adapters.dashboard.context import LANGUAGE, SERVICES
from adapters.dashboard.i18n import gettext_for
from adapters.dashboard.markdown import preview_html
from adapters.dashboard.pages import message_error, render, url
from adapters.dashboard.queue_model import queue_entries
from bot.db.audit import audit_trail
from bot.moderation.resolution import MAX_ANSWER_CHARS
from bot.moderation.views import GroupView, UnknownGroupError

CANDIDATES = 5
"""The bot's best items shown beside the editor."""
QUEUE_NOTICES = frozenset({"answered", "linked", "dismissed"})
GROUP_NOTICES = frozenset({"assigned"})


async def home(request: web.Request) -> web.StreamResponse:
    """The dashboard's address leads to the queue."""
    raise web.HTTPSeeOther(str(request.app.router["queue"].url_for()))


async def queue(request: web.Request) -> web.StreamResponse:
    """Every open group, most recently active first."""
    services = request.app[SERVICES]
    entries = await queue_entries(await services.moderation.groups(), services.subscriptions)
    done, group = request.query.get("done"), request.query.get("group", "")
    return render(
        request,
        "queue.html",
        entries=entries,
        notice=done if done in QUEUE_NOTICES and group.isdecimal() else None,
        notice_group=group,
    )


async def group(request: web.Request) -> web.StreamResponse:
    """One group, with the forms that answer, link, assign or dismiss it."""
    done = request.query.get("done")
    return await group_page(
        request, group_id(request), notice=done if done in GROUP_NOTICES else None
    )


def group_id(request: web.Request) -> int:
    """The group of the address (its route only matches digits)."""
    return int(request.match_info["group_id"])


async def read_group(request: web.Request, wanted: int, *, candidates: int = 0) -> GroupView:
    """The group, or a 404 page saying so."""
    try:
        return await request.app[SERVICES].moderation.view(wanted, candidates=candidates)
    except UnknownGroupError:
        _ = gettext_for(request[LANGUAGE])
        raise message_error(
            request,
            web.HTTPNotFound,
            title=_("No such group"),
            message=_("Group %(id)s does not exist (or no longer does).", id=wanted),
        ) from None


@dataclass(frozen=True, slots=True)
class Typed:
    """What the moderator typed and ticked in the group's form, shown again after errors."""

    fields: Mapping[str, str]
    chosen: tuple[str, ...] = ()


async def group_page(
    request: web.Request,
    wanted: int,
    *,
    typed: Typed | None = None,
    errors: Mapping[str, str] | None = None,
    preview: bool = False,
    notice: str | None = None,
    status: int = 200,
) -> web.Response:
    """The group's page; after a form with errors, with what the moderator typed and ticked
    (nothing they wrote is lost) and what to fix, field by field."""
    services = request.app[SERVICES]
    view = await read_group(request, wanted, candidates=CANDIDATES)
    [entry] = await queue_entries([view], services.subscriptions)
    async with services.moderation.database.sessions() as session:
        history = await audit_trail(session, target=f"group:{wanted}")
    typed = typed or Typed({"question": view.group.title})
    return render(
        request,
        "group.html",
        status=status,
        entry=entry,
        candidates=view.candidates,
        history=history,
        form=typed.fields,
        chosen=set(typed.chosen),
        errors=dict(errors or {}),
        preview=preview_html(typed.fields.get("answer", "")) if preview else None,
        notice=notice,
        max_answer_chars=MAX_ANSWER_CHARS,
        here=url(request, "group", group_id=wanted),
    )


async def preview(request: web.Request) -> web.StreamResponse:
    """The Markdown answer as HTML, for the editor's live preview (a script asks as the
    moderator types; without scripts, the form's Preview button shows the same)."""
    form = await request.post()
    return render(request, "_preview.html", html=preview_html(str(form.get("answer", ""))))
