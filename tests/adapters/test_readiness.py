"""`/healthz` says the process is alive; `/readyz` says whether it can do its work, and why not."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from adapters.readiness import Check, CheckResult, database_check, opened_check
from adapters.server import build_web_app
from adapters.slack.app import SlackConfig, web_client
from adapters.slack.token_check import REMEMBER_SECONDS, BotTokenCheck
from bot.db.engine import Database
from tests.fakes.clock import FakeClock
from tests.fakes.slack_api import FakeSlackAPI


async def probe(checks: dict[str, Check]) -> tuple[int, dict[str, object]]:
    async with TestClient(TestServer(build_web_app(readiness=checks))) as http:
        alive = await http.get("/healthz")
        assert alive.status == 200  # alive whatever the readiness
        response = await http.get("/readyz")
        return response.status, await response.json()


@pytest.fixture
async def sqlite(tmp_path: Path) -> AsyncIterator[Database]:
    database = Database(url=f"sqlite:///{tmp_path / 'ready.db'}")
    yield database
    await database.dispose()


async def test_ready_when_the_database_answers(sqlite: Database) -> None:
    status, body = await probe({"database": database_check(sqlite)})
    assert status == 200
    assert body == {"status": "ready", "checks": {"database": {"ok": True, "detail": "ok"}}}


async def test_not_ready_when_the_database_cannot_be_reached() -> None:
    nowhere = Database(url="postgresql://huribot@127.0.0.1:1/huribot")
    try:
        status, body = await probe({"database": database_check(nowhere)})
    finally:
        await nowhere.dispose()
    assert status == 503
    assert body["status"] == "not ready"
    assert body["checks"] == {
        "database": {"ok": False, "detail": "database unreachable: OperationalError"}
    }


async def test_a_check_that_hangs_counts_as_failed_and_the_others_still_report(
    sqlite: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("adapters.readiness.CHECK_TIMEOUT_SECONDS", 0.05)

    async def hangs() -> CheckResult:
        await asyncio.Event().wait()
        raise AssertionError("unreachable")

    status, body = await probe({"database": database_check(sqlite), "slack": hangs})
    assert status == 503
    assert body["checks"] == {
        "database": {"ok": True, "detail": "ok"},
        "slack": {"ok": False, "detail": "no answer within 0.05 s"},
    }


async def test_http_mode_slack_is_ready_once_the_bot_token_is_accepted_and_asked_rarely() -> None:
    clock = FakeClock(1000.0)
    async with FakeSlackAPI() as fake, aiohttp.ClientSession() as session:
        client = web_client(
            SlackConfig(bot_token="xoxb-test", signing_secret="s", api_url=fake.url),
            session=session,
        )
        check = BotTokenCheck(client, clock=clock)
        fake.fail_next("auth.test", error="invalid_auth")
        refused = await check()
        assert not refused.ok and "HURIBOT_SLACK_BOT_TOKEN" in refused.detail
        assert await check() == refused  # remembered: a probe every 10 s costs no call
        clock.now += REMEMBER_SECONDS
        assert await check() == CheckResult(ok=True, detail="bot token accepted")
        assert len(fake.calls_to("auth.test")) == 2


async def test_not_ready_and_the_searching_routes_refused_until_the_index_is_open() -> None:
    opened = False
    checks = {"index": opened_check(lambda: opened, what="opening")}

    async def dashboard_home(_request: web.Request) -> web.Response:
        return web.Response(text="home")

    dashboard = web.Application()
    dashboard.router.add_get("/", dashboard_home)
    app = build_web_app(readiness=checks, dashboard=dashboard, opened=lambda: opened)
    async with TestClient(TestServer(app)) as http:
        starting = await http.get("/readyz")
        assert starting.status == 503
        assert (await starting.json())["checks"]["index"] == {"ok": False, "detail": "opening"}
        refused = await http.get("/dashboard/")
        assert refused.status == 503 and refused.headers["Retry-After"]
        assert (await http.get("/healthz")).status == 200
        opened = True
        assert (await http.get("/readyz")).status == 200
        assert await (await http.get("/dashboard/")).text() == "home"
