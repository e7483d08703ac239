"""The load generator, in a tiny bounded run: two low steps and a short soak against the real
server, on SQLite and PostgreSQL. What is checked is the report's shape and that every event
was acknowledged and answered; how fast is the benchmark's business, never asserted here (the
latency limit is lifted so a busy machine cannot end the run early)."""

from __future__ import annotations

import asyncio
import json
import logging
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import pytest_asyncio
import structlog
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

from bench.load import describe, parser, rss_trend, run_load
from bench.load_bot import SIGNING_SECRET, TEAMS_APP_ID, BotLog, bot_settings, running_bot
from bench.load_events import DEFAULT_MIX, KINDS, Traffic, interleave
from bench.loopback import NotLoopbackError, database_url, require_loopback
from tests.conftest import BACKENDS, POSTGRES_URL_VARIABLE, _postgres_url
from tests.fakes.bot_framework_keys import bot_framework_token, new_key
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.slack_signing import JSON, signed_headers
from tests.fakes.teams_connector import FakeConnector

NO_LATENCY_LIMIT = "1e9"
TINY_RUN = [
    "--rates", "4,8", "--step-seconds", "1.5", "--drain-seconds", "30",
    "--soak", "3", "--rss-every", "0.5",
    "--embedder", "none", "--ack-p99-ms", NO_LATENCY_LIMIT,
    "--max-seconds", "120", "--max-events", "1000",
]  # fmt: skip


@contextmanager
def logging_kept() -> Iterator[None]:
    """The benchmark configures this process's logging as the bot's; put it back after."""
    saved = structlog.get_config()
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        yield
    finally:
        structlog.configure(**saved)
        root.handlers[:] = handlers
        root.setLevel(level)


@pytest.fixture(scope="module", params=BACKENDS)
def report(request: pytest.FixtureRequest) -> dict[str, Any]:
    """One tiny run's report per database."""
    extra: list[str] = []
    if request.param == "postgresql":
        url = _postgres_url()
        if url is None:
            pytest.skip(f"{POSTGRES_URL_VARIABLE} is not set; PostgreSQL tests are skipped")
        extra = ["--postgres", url]
    with logging_kept():
        return asyncio.run(run_load(parser().parse_args([*TINY_RUN, *extra])))


def every_stage(report: dict[str, Any]) -> list[dict[str, Any]]:
    return [report["warm_up"], *report["steps"], report["soak"]["step"]]


def test_the_steps_run_at_the_rates_given_and_the_sustained_rate_is_the_highest(
    report: dict[str, Any],
) -> None:
    assert [step["rate_offered"] for step in report["steps"]] == [4.0, 8.0]
    assert [step["sent"] for step in report["steps"]] == [6, 12]
    assert all(step["held"] and step["broke"] == [] for step in report["steps"])
    assert report["sustained_rate"] == 8.0
    assert report["events_sent"] == sum(stage["sent"] for stage in every_stage(report))


def test_every_event_is_acknowledged_and_every_reply_arrives(report: dict[str, Any]) -> None:
    for stage in every_stage(report):
        acknowledged = sum(n for status, n in stage["http_statuses"].items() if 200 <= status < 300)
        assert acknowledged == stage["sent"], stage
        assert (stage["failures"], stage["errors"], stage["bot_errors_logged"]) == ({}, 0, [])
        assert stage["replies"] == stage["replies_expected"] == stage["sent"]
        assert set(stage["ack_ms"]) == {"p50", "p99", "max"}


def test_the_mix_sends_every_kind(report: dict[str, Any]) -> None:
    """Clicks need answers to click on, which the warm-up provides: the steps click."""
    sent = {kind for step in report["steps"] for kind in step["ack_p99_ms_by_kind"]}
    assert sent == set(KINDS)


def test_the_soak_reports_the_bots_memory(report: dict[str, Any]) -> None:
    soak = report["soak"]
    assert soak["rate"] == 4.0  # half the sustained rate
    assert soak["step"]["sent"] == 12
    rss = soak["rss_mb"]
    assert rss["samples"] >= 2
    assert 0 < rss["start"] <= rss["max"] and rss["end"] <= rss["max"]
    assert isinstance(rss["flat"], bool)


def test_the_report_reads_as_a_table_and_as_json(report: dict[str, Any]) -> None:
    table = describe(report)
    assert table.count("/s ") >= len(report["steps"])
    assert "sustained rate: 8 events/s" in table
    assert "RSS:" in table
    assert set(json.loads(json.dumps(report))) >= {"steps", "sustained_rate", "soak", "machine"}


def test_only_this_machine_may_be_loaded(tmp_path: Path) -> None:
    for url in ["http://127.0.0.1:8080/", "postgresql://postgres@localhost/test", "http://[::1]/"]:
        assert require_loopback(url) == url
    for url in ["http://10.0.0.5:8080/", "postgresql://postgres@db.example.org:5432/test"]:
        with pytest.raises(NotLoopbackError):
            require_loopback(url)
    with (
        pytest.raises(NotLoopbackError),
        database_url("postgresql://postgres@192.0.2.1/test", tmp_path),
    ):
        pytest.fail("a database on another machine was used")


def test_the_mix_is_sent_in_its_proportions() -> None:
    picks = Counter(islice(interleave(DEFAULT_MIX), 200))
    assert picks == {kind: 2 * share for kind, share in DEFAULT_MIX.items()}


def test_memory_growing_a_megabyte_a_minute_is_not_flat() -> None:
    growing = rss_trend([(seconds, 300 + seconds / 60) for seconds in range(0, 600, 5)])
    steady = rss_trend([(seconds, 300.0 + (seconds % 10) / 10) for seconds in range(0, 600, 5)])
    assert (growing["slope_mb_per_min"], growing["flat"]) == (1.0, False)
    assert (growing["start"], growing["end"], growing["max"]) == (300.0, 309.9, 309.9)
    assert steady["flat"] is True


@dataclass(frozen=True, slots=True)
class BenchBot:
    """The bot as the load test runs it, with the fakes in this process."""

    origin: str
    traffic: Traffic
    key: RSAPrivateKey
    service_url: str


@pytest_asyncio.fixture
async def bench_bot(tmp_path: Path) -> AsyncIterator[BenchBot]:
    key = new_key()
    async with FakeSlackAPI() as slack, FakeConnector() as teams:
        settings = bot_settings(
            database_url=f"sqlite:///{tmp_path / 'bot.db'}",
            slack_api_url=slack.url,
            embedder="none",
        )
        async with running_bot(settings, key) as bot:
            traffic = Traffic(slack_origin=slack.origin, service_url=teams.service_url)
            yield BenchBot(bot.origin, traffic, key, teams.service_url)


async def test_the_benchmarked_bot_checks_signatures_and_tokens(bench_bot: BenchBot) -> None:
    """Authentication is on in the load test: unsigned or wrongly signed Slack requests and
    Teams activities without a valid Bot Framework token are refused, so the figures include
    checking them."""
    question, activity = bench_bot.traffic.next("question"), bench_bot.traffic.next("teams")
    token = bot_framework_token(
        bench_bot.key, audience=TEAMS_APP_ID, service_url=bench_bot.service_url
    )
    stranger = bot_framework_token(
        new_key(), audience=TEAMS_APP_ID, service_url=bench_bot.service_url
    )
    cases = [
        (question, {"Content-Type": JSON}),
        (question, signed_headers(question.body, "another-secret")),
        (activity, {"Content-Type": JSON}),
        (activity, {"Content-Type": JSON, "Authorization": f"Bearer {stranger}"}),
        (question, signed_headers(question.body, SIGNING_SECRET)),
        (activity, {"Content-Type": JSON, "Authorization": f"Bearer {token}"}),
    ]
    statuses = []
    async with aiohttp.ClientSession() as http:
        for request, headers in cases:
            url = bench_bot.origin + request.path
            async with http.post(url, data=request.body, headers=headers) as response:
                statuses.append(response.status)
    assert statuses == [401, 401, 401, 401, 200, 202]


def test_what_the_bot_logs_at_error_level_is_counted(tmp_path: Path) -> None:
    """An exception in the bot's log fails a step even when every request was answered."""
    log = BotLog(tmp_path / "bot.log")
    settings = bot_settings(
        database_url="sqlite://", slack_api_url="http://127.0.0.1:1/api/", embedder="none"
    )
    with logging_kept(), log.capturing(settings):
        structlog.get_logger("bench").warning("slow.thing")
        logging.getLogger("aiohttp.server").error("Error handling request")
        try:
            raise RuntimeError("boom")
        except RuntimeError:
            structlog.get_logger("bench").exception("listener.failed")
    levels, errors = log.since_last()
    assert levels == {"warning": 1, "error": 2}
    assert errors == ["Error handling request", "listener.failed"]
    assert log.since_last() == (Counter(), [])
