"""Slack adapter benchmark: how fast the real server acknowledges events, and answers them.

A knowledge base of `--passages` passages (the shipped sample plus synthetic guidance) goes
into a temporary SQLite database; HuriBot's web server with the Slack app listens on loopback;
`--events` signed `app_mention` events (distinct event ids, questions from bench/eval) are
fired with bounded concurrency. Ack latency is the time to each HTTP response; throughput is
the answers (chat.postMessage calls) that reached the fake Slack Web API per second of wall
time, from the first event to the last answer. The load generator and the fake API stand for
Slack, so they run in a child process and the bot's process is measured alone (`--inline`
runs everything in one event loop instead).

    PYTHONPATH=. python -m bench.bench_slack [--events 2000] [--concurrency 50]
        [--passages 10000] [--json] [--inline] [--profile FILE] [--embedder none]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import io
import itertools
import json
import os
import pstats
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import aiohttp
import numpy as np
from sqlalchemy import func, select

from adapters.cli.serve import freeze_long_lived
from adapters.logs import configure_logging
from adapters.server import build_web_app
from adapters.slack.app import SlackBot, SlackConfig
from adapters.wiring.services import Services, open_services
from bench.evalset import load_questions
from bench.knowledge_base import build_knowledge
from bench.load_events import slack_mention, slack_ts
from bench.loopback import child_process, cpu_seconds, database_url, received, serving
from bot.db.models import Question
from bot.settings import load_settings
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.slack_signing import signed_headers

AIM_P99_MS = 50.0
AIM_ANSWERS_PER_S = 200.0
SECRET = "bench-signing-secret"
WARMUP = 20


# ---------------------------------------------------------------------- load (Slack's side)
def event_bodies(count: int, *, first: int) -> list[str]:
    """Distinct app_mention callbacks asking the evaluation set's questions in turn."""
    questions = itertools.cycle(q.question for q in load_questions())
    return [
        json.dumps(
            slack_mention(
                n, next(questions), user=f"U{n % 500:08d}", channel=f"C{n % 40:08d}", ts=slack_ts(n)
            )
        )
        for n in range(first, first + count)
    ]


@dataclass(frozen=True, slots=True)
class LoadResult:
    """What Slack's side saw."""

    latencies_ms: list[float]
    statuses: dict[int, int]
    answers: int
    send_s: float
    wall_s: float
    cpu_s: float
    """CPU time of the process that generated the load and served the fake API."""


async def fire(
    fake: FakeSlackAPI,
    url: str,
    bodies: Sequence[str],
    *,
    concurrency: int,
    timeout: float,
    rate: float | None = None,
) -> LoadResult:
    """POST every body with at most `concurrency` in flight, back to back or, given `rate`,
    one every 1/rate seconds (as Slack delivers: open loop); wait for as many answers."""
    gate = asyncio.Semaphore(concurrency)
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    cpu = cpu_seconds()
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def send(number: int, body: str) -> None:
            if rate:
                await asyncio.sleep(max(0.0, began + number / rate - time.monotonic()))
            async with gate:
                headers = signed_headers(body, SECRET)
                sent_at = time.perf_counter()
                async with session.post(url, data=body, headers=headers) as response:
                    await response.read()
                latencies.append((time.perf_counter() - sent_at) * 1000)
                statuses[response.status] += 1

        began = time.monotonic()
        await asyncio.gather(*(send(number, body) for number, body in enumerate(bodies)))
        sent = time.monotonic()
        remaining = max(1.0, timeout - (sent - began))
        with contextlib.suppress(AssertionError):  # fewer answers in time: reported as such
            await fake.wait_for("chat.postMessage", count=len(bodies), timeout=remaining)
    posts = fake.calls_to("chat.postMessage")
    last = max((call.at for call in posts), default=sent)
    return LoadResult(
        latencies, dict(statuses), len(posts), sent - began, last - began, cpu_seconds() - cpu
    )


async def warm_up(fake: FakeSlackAPI, url: str) -> None:
    """A few events first (auth.test, connection pools, caches); then forget them."""
    await fire(fake, url, event_bodies(WARMUP, first=0), concurrency=5, timeout=30)
    fake.reset()


async def run_load(fake: FakeSlackAPI, url: str, options: dict[str, Any]) -> LoadResult:
    """Warm up, then the measured run."""
    await warm_up(fake, url)
    bodies = event_bodies(options["events"], first=WARMUP)
    return await fire(
        fake,
        url,
        bodies,
        concurrency=options["concurrency"],
        timeout=options["timeout"],
        rate=options["rate"],
    )


def load_process(conn: Connection, options: dict[str, Any]) -> None:
    """Child process: the fake Web API and the load generator, talking over `conn`."""

    async def main() -> None:
        async with FakeSlackAPI() as fake:
            conn.send(fake.url)
            server_url = await received(conn)
            result = await run_load(fake, server_url, options)
            conn.send(result)

    asyncio.run(main())


# ---------------------------------------------------------------------- the bot's side
@asynccontextmanager
async def serve(services: Services, api_url: str, *, worker: bool) -> AsyncIterator[str]:
    """HuriBot's web server with the Slack app, on an ephemeral loopback port (its URL); with
    `worker`, a real `huribot worker` process answers and this process only stores and acks."""
    config = SlackConfig(bot_token="xoxb-bench", signing_secret=SECRET, api_url=api_url)
    bot = SlackBot(
        config=config,
        intake=services.intake,
        answerer=services.answerer,
        answer_inline=not worker,
    )
    workers = []
    if worker:
        env = {
            **os.environ,
            "HURIBOT_DATABASE_URL": services.settings.database_url,
            "HURIBOT_EMBEDDER": services.settings.embedder,
            "HURIBOT_SLACK_BOT_TOKEN": "xoxb-bench",
            "HURIBOT_SLACK_SIGNING_SECRET": SECRET,
            "HURIBOT_SLACK_API_URL": api_url,
        }
        workers.append(
            subprocess.Popen([sys.executable, "-m", "adapters.cli.main", "worker"], env=env)
        )
    try:
        async with serving(build_web_app(slack=bot.route())) as origin:
            yield f"{origin}/slack/events"
            await asyncio.sleep(0.2)  # let the last listeners record their replies
    finally:
        await bot.aclose()
        for process in workers:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)


async def measure(
    services: Services, options: dict[str, Any], profiler: cProfile.Profile | None
) -> tuple[LoadResult, float]:
    """The load's result, and the CPU seconds this (the bot's) process spent meanwhile."""
    cpu = cpu_seconds()
    result = await _measure(services, options, profiler)
    return result, cpu_seconds() - cpu


async def _measure(
    services: Services, options: dict[str, Any], profiler: cProfile.Profile | None
) -> LoadResult:
    """Serve while Slack's side (child process, or this loop when inline) does its work."""
    if options["inline"]:
        async with (
            FakeSlackAPI() as fake,
            serve(services, fake.url, worker=options["worker"]) as url,
        ):
            try:
                if profiler is not None:
                    profiler.enable()
                return await run_load(fake, url, options)
            finally:
                if profiler is not None:
                    profiler.disable()
    with child_process(load_process, options) as side:
        api_url = await received(side)
        async with serve(services, api_url, worker=options["worker"]) as url:
            if profiler is not None:
                profiler.enable()
            side.send(url)
            result: LoadResult = await received(side)
            if profiler is not None:
                profiler.disable()
        return result


async def stored_questions(services: Services) -> int:
    async with services.database.sessions() as session:
        return int(await session.scalar(select(func.count(Question.id))) or 0)


async def benchmark(options: dict[str, Any]) -> dict[str, Any]:
    """Build, serve, fire, and gather the figures."""
    profiler = cProfile.Profile() if options["profile"] else None
    with (
        tempfile.TemporaryDirectory() as folder,
        database_url(options["postgres"], Path(folder)) as url,
    ):
        settings = load_settings(
            {"HURIBOT_DATABASE_URL": url, "HURIBOT_EMBEDDER": options["embedder"]}
        )
        configure_logging(
            level=settings.log_level, fmt=settings.log_format, secrets=settings.secret_values()
        )
        async with open_services(settings) as services:
            knowledge = await build_knowledge(services, options["passages"])
            freeze_long_lived()  # as `huribot serve` does once set up
            result, bot_cpu = await measure(services, options, profiler)
            stored = await stored_questions(services)
    if profiler is not None:
        profiler.dump_stats(options["profile"])
    return summarise(options, knowledge, result, stored, bot_cpu)


def summarise(
    options: dict[str, Any],
    knowledge: dict[str, Any],
    result: LoadResult,
    stored: int,
    bot_cpu: float,
) -> dict[str, Any]:
    latencies = np.asarray(result.latencies_ms)
    p99 = float(np.percentile(latencies, 99))
    rate = result.answers / result.wall_s if result.wall_s > 0 else 0.0
    return {
        "events": options["events"],
        "concurrency": options["concurrency"],
        "rate": options["rate"],
        "inline": options["inline"],
        "worker": options["worker"],
        "knowledge": knowledge,
        "http_statuses": result.statuses,
        "ack_ms": {
            "p50": round(float(np.percentile(latencies, 50)), 1),
            "p90": round(float(np.percentile(latencies, 90)), 1),
            "p99": round(p99, 1),
            "max": round(float(latencies.max()), 1),
        },
        "acks_per_s": round(len(latencies) / result.send_s, 1),
        "answers": result.answers,
        "answers_per_s": round(rate, 1),
        "wall_s": round(result.wall_s, 2),
        "questions_stored": stored - WARMUP,
        "cpu_s": {"bot": round(bot_cpu, 1), "slack_side": round(result.cpu_s, 1)},
        "bot_cpu_ms_per_event": round(bot_cpu * 1000 / max(1, result.answers), 1),
        "aim_met": {"ack_p99": p99 < AIM_P99_MS, "answers_per_s": rate >= AIM_ANSWERS_PER_S},
    }


def describe(figures: dict[str, Any]) -> str:
    """A readable summary."""
    ack, kb, aim = figures["ack_ms"], figures["knowledge"], figures["aim_met"]
    where = "one event loop" if figures["inline"] else "Slack's side in a child process"
    if figures["rate"]:
        where += f", offered at {figures['rate']:g} events/s"
    if figures["worker"]:
        where += ", answers by a huribot worker process"
    return "\n".join(
        [
            f"HuriBot Slack benchmark: {figures['events']} app_mention events, "
            f"concurrency {figures['concurrency']} ({where})",
            f"  knowledge base   {kb['passages']:,} passages + {kb['replies']} replies "
            f"(built in {kb['build_s']} s)",
            f"  HTTP statuses    {figures['http_statuses']}",
            f"  ack latency      p50 {ack['p50']} ms  p90 {ack['p90']} ms  p99 {ack['p99']} ms  "
            f"max {ack['max']} ms   aim p99 < {AIM_P99_MS:.0f} ms: "
            f"{'met' if aim['ack_p99'] else 'MISSED'}",
            f"  acks             {figures['acks_per_s']} events/s while firing",
            f"  answers          {figures['answers']}/{figures['events']} posted in "
            f"{figures['wall_s']} s = {figures['answers_per_s']} answers/s   "
            f"aim >= {AIM_ANSWERS_PER_S:.0f}/s: {'met' if aim['answers_per_s'] else 'MISSED'}",
            f"  questions stored {figures['questions_stored']}",
            cpu_line(figures),
        ]
    )


def cpu_line(figures: dict[str, Any]) -> str:
    """CPU seconds spent, per side (one process for both sides when inline)."""
    cpu, wall = (
        figures["cpu_s"],
        f"over {figures['wall_s']} s of wall time on {os.cpu_count()} CPUs",
    )
    if figures["inline"]:
        return f"  CPU              {cpu['bot']} s for the bot and Slack's side together, {wall}"
    return (
        f"  CPU              bot process {cpu['bot']} s "
        f"({figures['bot_cpu_ms_per_event']} ms per answered event), "
        f"Slack's side {cpu['slack_side']} s, {wall}"
    )


def top_functions(path: str, count: int = 25) -> str:
    """The functions with the most own time in a saved profile."""
    out = io.StringIO()
    pstats.Stats(path, stream=out).sort_stats("tottime").print_stats(count)
    return out.getvalue()


def main(argv: Sequence[str] | None = None) -> None:
    """Parse the options, run once, print the figures."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--passages", type=int, default=10_000)
    parser.add_argument(
        "--rate", type=float, help="events per second, open loop (default: back to back)"
    )
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds, in all")
    parser.add_argument(
        "--embedder",
        default="none",
        help="HURIBOT_EMBEDDER (default none: lexical answers; embedding every passage with "
        "e5-small takes about a quarter of a second each)",
    )
    parser.add_argument("--json", action="store_true", help="one JSON object")
    parser.add_argument("--inline", action="store_true", help="Slack's side in this loop")
    parser.add_argument("--profile", metavar="FILE", help="cProfile the bot's event loop")
    parser.add_argument(
        "--postgres", metavar="URL", help="use this PostgreSQL (a fresh schema) instead of SQLite"
    )
    parser.add_argument(
        "--worker",
        action="store_true",
        help="answer in a `huribot worker` process (HURIBOT_ANSWER_WORKERS=1)",
    )
    args = parser.parse_args(argv)
    figures = asyncio.run(benchmark(vars(args)))
    print(json.dumps(figures) if args.json else describe(figures))
    if args.profile and not args.json:
        print(top_functions(args.profile))


if __name__ == "__main__":
    main()
