"""The one aiohttp web server: liveness and readiness, the platforms' webhook endpoints, the
calendar feeds and the moderators' web dashboard."""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime
from email.utils import formatdate
from typing import TYPE_CHECKING

from aiohttp import web
from aiohttp.typedefs import Middleware

from adapters.dashboard.config import PREFIX as DASHBOARD_PREFIX
from adapters.observability import Handler as Endpoint
from adapters.observability import metrics_endpoint, observed
from adapters.readiness import Check, run_checks
from bot import __version__
from bot.calendar.countries import UnknownCountryError, country_code, country_name
from bot.calendar.export import to_ics
from bot.calendar.store import events_for
from bot.db.engine import Database

if TYPE_CHECKING:  # the platforms' modules load their SDKs: only a configured one is imported
    from adapters.slack.endpoint import Handler
    from adapters.teams.endpoint import TeamsRoute


MAX_REQUEST_BYTES = 1024 * 1024
"""Slack and Teams payloads are small; anything larger is refused (413) before it is read."""


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
        teams.mount(application)
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
