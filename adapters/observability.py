"""What the web server tells operators: a request id in every log line a request causes,
each request's latency by route, and `GET /metrics` in Prometheus' text format."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Awaitable, Callable

import structlog
from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from bot import metrics
from bot.backlog import read_backlog, show_backlog
from bot.clock import Clock, system_clock
from bot.db.engine import Database

REQUEST_ID_HEADER = "X-Request-Id"
_SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
"""A caller's request id is kept only if it cannot forge a log line or flood the labels."""

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def request_id_of(request: web.Request) -> str:
    """The id a proxy or load balancer gave the request, when sane; a fresh one otherwise."""
    given = request.headers.get(REQUEST_ID_HEADER, "")
    return given if _SAFE_REQUEST_ID.fullmatch(given) else uuid.uuid4().hex[:16]


def _route(request: web.Request) -> str:
    """The route's pattern (`/calendar/{country}.ics`), never the path itself: one label
    value per route, however many countries or probes there are."""
    resource = request.match_info.route.resource
    return resource.canonical if resource is not None else "unmatched"


@web.middleware
async def observed(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Bind the request id to every log line the request causes (the tasks it starts, such
    as answers, inherit it), echo it in the response, and time the request by route."""
    request_id = request_id_of(request)
    started = time.perf_counter()
    status = 500
    with structlog.contextvars.bound_contextvars(request_id=request_id):
        try:
            response = await handler(request)
            status = response.status
        except web.HTTPException as exc:
            status = exc.status
            exc.headers[REQUEST_ID_HEADER] = request_id
            raise
        finally:
            elapsed = time.perf_counter() - started
            metrics.REQUEST_SECONDS.labels(_route(request), str(status)).observe(elapsed)
    response.headers[REQUEST_ID_HEADER] = request_id
    return response


def metrics_endpoint(database: Database, *, clock: Clock = system_clock) -> Handler:
    """`GET /metrics`: HuriBot's counters and latencies, with the backlog read now."""

    async def handle(_request: web.Request) -> web.Response:
        async with database.sessions() as session:
            show_backlog(await read_backlog(session, now=clock()))
        return web.Response(
            body=generate_latest(metrics.REGISTRY), headers={"Content-Type": CONTENT_TYPE_LATEST}
        )

    return handle
