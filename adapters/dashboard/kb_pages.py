"""The knowledge base's pages: search with the bot's own index, saying why each hit ranks;
one reply as members get it, with its versions; what a version changed; the reply form;
the retire confirmation; and the replies due for review, by date and owner."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from aiohttp import web

from adapters.dashboard.context import LANGUAGE, SERVICES
from adapters.dashboard.i18n import LANGUAGES, gettext_for
from adapters.dashboard.kb_form import shown_fields
from adapters.dashboard.markdown import preview_html
from adapters.dashboard.pages import message_error, render
from bot.kb.editor import ReplyView
from bot.kb.explain import explain_hits
from bot.kb.queries import UnknownItemError
from bot.kb.reply_diff import diff_versions
from bot.moderation.resolution import MAX_ANSWER_CHARS

SEARCH_HITS = 10
MAX_QUERY_CHARS = 500
REVIEW_WINDOWS = (0, 30, 90, 365)
"""Days ahead the review list may look (0: only replies already overdue)."""
DEFAULT_WINDOW = 30
REPLY_NOTICES = frozenset({"created", "saved", "retired"})
NEW_REPLY = {"language": "en", "status": "published", "based_on": "0"}


async def search(request: web.Request) -> web.StreamResponse:
    """The bot's own search (as the answerer runs it), each hit with its evidence."""
    services = request.app[SERVICES]
    query = request.query.get("q", "").strip()[:MAX_QUERY_CHARS]
    hint = request.query.get("language", "")
    language = hint if hint in LANGUAGES else None
    explanation = None
    if query:
        await services.knowledge.prepare(query)
        hits = services.knowledge.search(query, top_k=SEARCH_HITS, language=language)
        explanation = explain_hits(services.planner, query, hits, language=language)
    return render(
        request,
        "kb_search.html",
        query=query,
        hint=language or "",
        explanation=explanation,
        max_query_chars=MAX_QUERY_CHARS,
    )


def reply_slug(request: web.Request) -> str:
    """The reply of the address (its route only matches ids)."""
    return request.match_info["slug"]


async def read_reply(request: web.Request) -> ReplyView:
    """The reply of the address, or a 404 page saying so."""
    slug = reply_slug(request)
    try:
        return await request.app[SERVICES].replies.reply(slug)
    except UnknownItemError:
        _ = gettext_for(request[LANGUAGE])
        raise message_error(
            request,
            web.HTTPNotFound,
            title=_("No such reply"),
            message=_("No consolidated reply has the id “%(id)s”.", id=slug),
        ) from None


async def reply(request: web.Request) -> web.StreamResponse:
    """One reply as members get it, everything about it, and its versions."""
    view = await read_reply(request)
    done = request.query.get("done")
    return render(
        request,
        "kb_reply.html",
        reply=view,
        answer=preview_html(view.answer_md),
        history=await request.app[SERVICES].replies.history(view.slug),
        notice=done if done in REPLY_NOTICES else None,
    )


async def version(request: web.Request) -> web.StreamResponse:
    """What one version changed from the one before it, field by field."""
    view = await read_reply(request)
    wanted = int(request.match_info["number"])
    history = await request.app[SERVICES].replies.history(view.slug)
    found = [i for i, v in enumerate(history) if v.number == wanted]
    if not found:
        _ = gettext_for(request[LANGUAGE])
        raise message_error(
            request,
            web.HTTPNotFound,
            title=_("No such version"),
            message=_("Reply “%(id)s” has no version %(number)s.", id=view.slug, number=wanted),
        )
    shown = history[found[0]]
    previous = history[found[0] + 1] if found[0] + 1 < len(history) else None
    return render(
        request,
        "kb_version.html",
        reply=view,
        version=shown,
        previous=previous,
        changes=diff_versions(previous.content if previous else None, shown.content),
    )


async def new(request: web.Request) -> web.StreamResponse:
    """The form of a new reply."""
    return reply_form(request, fields=NEW_REPLY, reply=None)


async def edit(request: web.Request) -> web.StreamResponse:
    """The form of a reply, filled in with its latest version."""
    view = await read_reply(request)
    return reply_form(request, fields=shown_fields(view), reply=view)


def reply_form(
    request: web.Request,
    *,
    fields: Mapping[str, str],
    reply: ReplyView | None,
    errors: Mapping[str, str] | None = None,
    preview: bool = False,
    status: int = 200,
) -> web.Response:
    """The reply form (a new reply's when `reply` is None), after a form with errors with
    what the moderator typed (nothing they wrote is lost) and what to fix."""
    return render(
        request,
        "kb_form.html",
        status=status,
        reply=reply,
        form=fields,
        errors=dict(errors or {}),
        preview=preview_html(fields.get("answer", "")) if preview else None,
        max_answer_chars=MAX_ANSWER_CHARS,
    )


async def retire_confirmation(request: web.Request) -> web.StreamResponse:
    """Asks before a reply is retired, saying what that does."""
    return render(request, "kb_retire.html", reply=await read_reply(request))


async def review(request: web.Request) -> web.StreamResponse:
    """Published replies due for review within a window, longest overdue first, of one
    owner or all."""
    services = request.app[SERVICES]
    asked = request.query.get("within", "")
    within = int(asked) if asked.isdecimal() and int(asked) in REVIEW_WINDOWS else DEFAULT_WINDOW
    today = services.clock().date()
    before = today + timedelta(days=within) if within else today
    everyone = await services.replies.due_for_review(before=before)
    owners = sorted({r.owner for r in everyone if r.owner})
    owner = request.query.get("owner", "")
    owner = owner if owner in owners else ""
    due = await services.replies.due_for_review(before=before, owner=owner) if owner else everyone
    return render(
        request,
        "kb_review.html",
        due=due,
        owners=owners,
        owner=owner,
        within=within,
        windows=REVIEW_WINDOWS,
        today=today,
    )
