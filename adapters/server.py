"""The one aiohttp web server: liveness and readiness, the platforms' webhook endpoints, the
calendar feeds and the moderators' web dashboard."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import formatdate

import structlog
from aiohttp import web
from aiohttp.typedefs import Middleware
from microsoft_agents.activity import Activity
from microsoft_agents.hosting.aiohttp import CloudAdapter, jwt_authorization_decorator
from microsoft_agents.hosting.core import Agent, AgentAuthConfiguration
from pydantic import ValidationError

from adapters.dashboard.config import PREFIX as DASHBOARD_PREFIX
from adapters.observability import Handler as Endpoint
from adapters.observability import metrics_endpoint, observed
from adapters.readiness import Check, run_checks
from adapters.slack.endpoint import Handler
from bot import __version__
from bot.calendar.countries import UnknownCountryError, country_code, country_name
from bot.calendar.export import to_ics
from bot.calendar.store import events_for
from bot.db.engine import Database

logger = structlog.get_logger(__name__)

MAX_REQUEST_BYTES = 1024 * 1024
"""Slack and Teams payloads are small; anything larger is refused (413) before it is read."""
AGENT_CONFIGURATION = "agent_configuration"


async def healthz(_request: web.Request) -> web.Response:
    """200 with the version, for load balancers and Kubernetes probes."""
    return web.json_response({"status": "ok", "version": __version__})


def readyz(checks: Mapping[str, Check]) -> Callable[[web.Request], Awaitable[web.Response]]:
    """200 when every check passes, else 503; the body names each component's state."""

    async def handle(_request: web.Request) -> web.Response:
        results = await run_checks(checks)
        ready = all(result.ok for result in results.values())
        body = {
            "status": "ready" if ready else "not ready",
            "checks": {name: {"ok": r.ok, "detail": r.detail} for name, r in results.items()},
        }
        return web.json_response(body, status=200 if ready else 503)

    return handle


SEARCHING_PREFIXES = ("/slack/", "/api/messages", DASHBOARD_PREFIX)
"""The routes that search the knowledge base (the chat platforms' and the dashboard's)."""
STARTING_RETRY_SECONDS = 5


def until_open(opened: Callable[[], bool]) -> Middleware:
    """While the process is still opening its search index, answer the routes that search 503
    with Retry-After: Slack and Teams deliver the event again, instead of it being answered
    from an empty index (the probes, feeds and metrics answer at once)."""

    @web.middleware
    async def gate(request: web.Request, handler: Endpoint) -> web.StreamResponse:
        if opened() or not request.path.startswith(SEARCHING_PREFIXES):
            return await handler(request)
        return web.json_response(
            {"status": "starting"},
            status=503,
            headers={"Retry-After": str(STARTING_RETRY_SECONDS)},
        )

    return gate


def teams_endpoint(
    adapter: CloudAdapter, agent: Agent
) -> Callable[[web.Request], Awaitable[web.Response]]:
    """Bot Framework activities, authenticated by the SDK's JWT check before anything runs;
    an authenticated body the SDK cannot read as an activity gets 400, not a 500."""

    async def handle(request: web.Request) -> web.Response:
        problem = await unreadable_activity(request)
        if problem is not None:
            logger.warning("teams.malformed_activity", problem=problem)
            return web.Response(status=400, text="malformed activity")
        response = await adapter.process(request, agent)
        return response if response is not None else web.Response(status=202)

    authorized: Callable[[web.Request], Awaitable[web.Response]]
    authorized = jwt_authorization_decorator(handle)  # type: ignore[no-untyped-call]
    return authorized


async def unreadable_activity(request: web.Request) -> str | None:
    """Why the body is no activity the bot can read and answer (None when it is one): not
    JSON, not an activity's fields (pydantic's ValidationError), a field the SDK's own checks
    refuse with a TypeError (an empty `channelId`), or no reply could reach it."""
    try:
        activity = Activity.model_validate(await request.json())
    except ValidationError as exc:
        return f"{exc.error_count()} invalid fields"
    except (ValueError, TypeError) as exc:
        return type(exc).__name__
    return unanswerable(activity)


def unanswerable(activity: Activity) -> str | None:
    """Why no reply could reach the activity's conversation, or be stored: no service URL, no
    sender or recipient (a reply names both), an id that cannot stand in the connector's URL
    or that is longer than its column. Teams sends none of these."""
    sender, conversation = activity.from_property, activity.conversation
    ids = [i for i in (activity.id, conversation.id if conversation else None) if i]
    members = [i for i in (sender.id, sender.aad_object_id) if i] if sender else []
    problems = (
        (not activity.service_url, "no serviceUrl"),
        (sender is None or activity.recipient is None, "no sender or no recipient"),
        (not all(map(_URL_SAFE_ID.fullmatch, ids)), "an id with characters no Teams id has"),
        (any(len(i) > MAX_MEMBER_ID_CHARS for i in members), "a member id longer than stored"),
        (any(len(i) > MAX_ID_CHARS for i in ids), "an id longer than stored"),
    )
    return next((reason for failed, reason in problems if failed), None)


MAX_MEMBER_ID_CHARS = 128
"""Where the question log keeps a member's id (Teams' run to about a hundred characters)."""
MAX_ID_CHARS = 255
"""Where conversations are remembered, and subscriptions kept, by id."""


_URL_SAFE_ID = re.compile(r"[\w:;@=.,+!$&'()*~-]+")
"""What the connector's URLs (`v3/conversations/{id}/activities/{id}`) can carry as is (what
RFC 3986 lets a path segment hold unescaped, letters of any script included): the SDK puts
ids there unquoted, so a `/`, `?`, `#` or `{` would send the reply elsewhere, or nowhere."""


FEED_MAX_AGE_SECONDS = 3600
"""How long a calendar application or proxy may keep a feed before asking again (it then
asks conditionally, and gets 304 when nothing changed)."""


def calendar_endpoint(database: Database) -> Callable[[web.Request], Awaitable[web.Response]]:
    """`GET /calendar/{ISO3}.ics`: a country's events, for Outlook or Google Calendar. Each
    country has one address (`/calendar/ken.ics`, `KE` or `Kenya` redirect to `KEN`), and
    conditional requests (ETag, Last-Modified) are answered 304 when nothing changed."""

    async def handle(request: web.Request) -> web.Response:
        asked = request.match_info["country"]
        try:
            code = country_code(asked)
        except UnknownCountryError as exc:
            raise web.HTTPNotFound(text=f"{exc}\n") from exc
        if asked != code:
            raise web.HTTPMovedPermanently(f"/calendar/{code}.ics")
        async with database.sessions() as session:
            events = await events_for(session, code)
        body = to_ics(events, name=f"HuriBot — {country_name(code)}")
        modified = max((e.updated_at for e in events), default=FEED_EPOCH).replace(microsecond=0)
        headers = {
            "ETag": f'"{hashlib.sha256(body).hexdigest()[:32]}"',
            "Last-Modified": format_http_date(modified),
            "Cache-Control": f"public, max-age={FEED_MAX_AGE_SECONDS}",
        }
        if _not_modified(request, etag=headers["ETag"], modified=modified):
            return web.Response(status=304, headers=headers)
        return web.Response(
            body=body, content_type="text/calendar", charset="utf-8", headers=headers
        )

    return handle


FEED_EPOCH = datetime(2020, 1, 1, tzinfo=UTC)
"""The Last-Modified of a country with no event at all."""


def _not_modified(request: web.Request, *, etag: str, modified: datetime) -> bool:
    """If-None-Match wins over If-Modified-Since, as HTTP says."""
    if request.headers.get("If-None-Match"):
        return etag in {tag.strip() for tag in request.headers["If-None-Match"].split(",")}
    since = request.if_modified_since
    return since is not None and modified.astimezone(UTC) <= since


def format_http_date(moment: datetime) -> str:
    """An HTTP date: `Tue, 01 Dec 2026 10:00:00 GMT`."""
    return formatdate(moment.astimezone(UTC).timestamp(), usegmt=True)


@dataclass(frozen=True, slots=True)
class TeamsRoute:
    """What `POST /api/messages` needs: the SDK adapter, our agent, the token rules."""

    adapter: CloudAdapter
    agent: Agent
    auth: AgentAuthConfiguration


def build_web_app(
    *,
    slack: Handler | None = None,
    teams: TeamsRoute | None = None,
    database: Database | None = None,
    readiness: Mapping[str, Check] | None = None,
    dashboard: web.Application | None = None,
    opened: Callable[[], bool] | None = None,
) -> web.Application:
    """The web application; Slack's route exists only when Slack runs in HTTP mode, Teams'
    when Teams is configured, the calendar's and `/metrics` when a database is given,
    `/readyz` when readiness checks are, the dashboard (under /dashboard/) when it is
    configured. Every request is timed and gets a request id; until `opened()` says so,
    those that search are answered 503 (see `until_open`)."""
    middlewares = [observed, *([until_open(opened)] if opened is not None else [])]
    application = web.Application(client_max_size=MAX_REQUEST_BYTES, middlewares=middlewares)
    if teams is not None:
        application[AGENT_CONFIGURATION] = teams.auth  # where the SDK's JWT check reads it
        application.router.add_post("/api/messages", teams_endpoint(teams.adapter, teams.agent))
    application.router.add_get("/healthz", healthz)
    if readiness is not None:
        application.router.add_get("/readyz", readyz(readiness))
    if database is not None:
        application.router.add_get("/calendar/{country}.ics", calendar_endpoint(database))
        application.router.add_get("/metrics", metrics_endpoint(database))
    if slack is not None:
        application.router.add_post("/slack/events", slack)
    if dashboard is not None:
        application.add_subapp(DASHBOARD_PREFIX, dashboard)
        application.router.add_get(DASHBOARD_PREFIX, _to_dashboard)
    return application


async def _to_dashboard(_request: web.Request) -> web.Response:
    """`/dashboard` (no slash) is the dashboard's home too."""
    raise web.HTTPMovedPermanently(f"{DASHBOARD_PREFIX}/")
