"""The one aiohttp web server: liveness and readiness, the platforms' webhook endpoints and
the calendar feeds."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

from aiohttp import web
from microsoft_agents.hosting.aiohttp import CloudAdapter, jwt_authorization_decorator
from microsoft_agents.hosting.core import Agent, AgentAuthConfiguration
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp

from adapters.readiness import Check, run_checks
from bot import __version__
from bot.calendar.countries import UnknownCountryError, country_code, country_name
from bot.calendar.export import to_ics
from bot.calendar.store import events_for
from bot.db.engine import Database

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


def slack_endpoint(app: AsyncApp) -> Callable[[web.Request], Awaitable[web.Response]]:
    """Events, slash commands and interactivity on one endpoint (bolt tells them apart)."""

    async def handle(request: web.Request) -> web.Response:
        response = await app.async_dispatch(await to_bolt_request(request))
        return await to_aiohttp_response(response)

    return handle


def teams_endpoint(
    adapter: CloudAdapter, agent: Agent
) -> Callable[[web.Request], Awaitable[web.Response]]:
    """Bot Framework activities, authenticated by the SDK's JWT check before anything runs."""

    async def handle(request: web.Request) -> web.Response:
        response = await adapter.process(request, agent)
        return response if response is not None else web.Response(status=202)

    authorized: Callable[[web.Request], Awaitable[web.Response]]
    authorized = jwt_authorization_decorator(handle)  # type: ignore[no-untyped-call]
    return authorized


def calendar_endpoint(database: Database) -> Callable[[web.Request], Awaitable[web.Response]]:
    """`GET /calendar/{country}.ics`: a country's events, for Outlook or Google Calendar."""

    async def handle(request: web.Request) -> web.Response:
        try:
            code = country_code(request.match_info["country"])
        except UnknownCountryError as exc:
            raise web.HTTPNotFound(text=f"{exc}\n") from exc
        async with database.sessions() as session:
            events = await events_for(session, code)
        body = to_ics(events, name=f"HuriBot — {country_name(code)}")
        return web.Response(body=body, content_type="text/calendar", charset="utf-8")

    return handle


@dataclass(frozen=True, slots=True)
class TeamsRoute:
    """What `POST /api/messages` needs: the SDK adapter, our agent, the token rules."""

    adapter: CloudAdapter
    agent: Agent
    auth: AgentAuthConfiguration


def build_web_app(
    *,
    slack: AsyncApp | None = None,
    teams: TeamsRoute | None = None,
    database: Database | None = None,
    readiness: Mapping[str, Check] | None = None,
) -> web.Application:
    """The web application; Slack's route exists only when Slack runs in HTTP mode, Teams'
    when Teams is configured, the calendar's when a database is given, `/readyz` when
    readiness checks are."""
    application = web.Application(client_max_size=MAX_REQUEST_BYTES)
    if teams is not None:
        application[AGENT_CONFIGURATION] = teams.auth  # where the SDK's JWT check reads it
        application.router.add_post("/api/messages", teams_endpoint(teams.adapter, teams.agent))
    application.router.add_get("/healthz", healthz)
    if readiness is not None:
        application.router.add_get("/readyz", readyz(readiness))
    if database is not None:
        application.router.add_get("/calendar/{country}.ics", calendar_endpoint(database))
    if slack is not None:
        application.router.add_post("/slack/events", slack_endpoint(slack))
    return application
