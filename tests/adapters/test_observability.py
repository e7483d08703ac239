"""What operators see: `/metrics` in Prometheus' format with the backlog read from the
database, request latencies by route, and a request id on every log line a request causes."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta

import pytest
import structlog
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from prometheus_client.parser import text_string_to_metric_families

from adapters.logs import configure_logging
from adapters.observability import REQUEST_ID_HEADER, observed
from adapters.server import build_web_app
from bot import metrics
from bot.db.engine import Database
from bot.db.models import QuestionGroup, Subscription
from bot.delivery.outbox import enqueue
from bot.delivery.payloads import ReplyPayload
from bot.messages import ConversationRef, Reply, ReplyKind

NOW = datetime.now(UTC)


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of a scrape, parsed as Prometheus parses it, by name and labels."""
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


async def seed_backlog(database: Database) -> None:
    """Two open groups, one answered; one undelivered notice; a digest due an hour ago."""
    ref = ConversationRef(platform="slack", conversation_id="C1")
    async with database.transaction() as session:
        for status in ("open", "assigned", "answered"):
            session.add(
                QuestionGroup(
                    title=f"a {status} group", status=status, created_at=NOW, updated_at=NOW
                )
            )
        await enqueue(
            session,
            key="notice-1",
            ref=ref,
            payload=ReplyPayload(Reply(kind=ReplyKind.ERROR, text="x")),
            now=NOW,
        )
        session.add(
            Subscription(
                platform="slack",
                conversation_id="C1",
                conversation=ref.to_dict(),
                countries=["KEN"],
                cadence="0 9 * * 1",
                timezone="UTC",
                created_by="slack:U1",
                created_at=NOW,
                next_digest_at=NOW - timedelta(hours=1),
            )
        )


async def test_metrics_parse_and_show_the_backlog_and_request_latencies(
    database: Database,
) -> None:
    await seed_backlog(database)
    async with TestClient(TestServer(build_web_app(database=database))) as http:
        assert (await http.get("/healthz")).status == 200
        assert (await http.get("/calendar/XXX.ics")).status == 404
        response = await http.get("/metrics")
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/plain; version=")
        scraped = samples(await response.text())

    assert scraped[("huribot_queue_open_groups", ())] == 2
    assert scraped[("huribot_outbox_pending", ())] == 1
    assert 3500 < scraped[("huribot_scheduler_lag_seconds", ())] < 7200
    healthz = (("route", "/healthz"), ("status", "200"))
    assert scraped[("huribot_http_request_seconds_count", healthz)] >= 1
    feed = (("route", "/calendar/{country}.ics"), ("status", "404"))
    assert scraped[("huribot_http_request_seconds_count", feed)] >= 1
    assert all(name.startswith("huribot_") for name, _ in scraped)


async def test_every_log_line_a_request_causes_carries_its_request_id(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure_logging(level="INFO", fmt="json")
    log = structlog.get_logger("tests")
    spawned: list[asyncio.Task[None]] = []

    async def later() -> None:
        log.info("answer.sent")  # a task the request started, as answers are

    async def handler(_request: web.Request) -> web.Response:
        log.info("request.seen")
        spawned.append(asyncio.create_task(later()))
        return web.Response(text="ok")

    app = web.Application(middlewares=[observed])
    app.router.add_get("/", handler)
    async with TestClient(TestServer(app)) as http:
        given = await http.get("/", headers={REQUEST_ID_HEADER: "lb-1234"})
        forged = await http.get("/", headers={REQUEST_ID_HEADER: '", "level": "error' + "x" * 99})
        await asyncio.gather(*spawned)
        log.info("outside.any.request")

    assert given.headers[REQUEST_ID_HEADER] == "lb-1234"
    fresh = forged.headers[REQUEST_ID_HEADER]
    assert fresh != "lb-1234" and len(fresh) == 16 and fresh.isalnum()
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    by_event: dict[str, list[str | None]] = {}
    for line in lines:
        by_event.setdefault(line["event"], []).append(line.get("request_id"))
    assert by_event["request.seen"] == ["lb-1234", fresh]
    assert sorted(by_event["answer.sent"], key=str) == sorted(["lb-1234", fresh], key=str)
    assert by_event["outside.any.request"] == [None]


def test_the_core_counts_in_its_own_registry() -> None:
    before = metrics.REGISTRY.get_sample_value(
        "huribot_failures_total", {"what": "answer_delivery"}
    )
    metrics.FAILURES.labels("answer_delivery").inc()
    after = metrics.REGISTRY.get_sample_value("huribot_failures_total", {"what": "answer_delivery"})
    assert after == (before or 0) + 1
