"""Fault runs at full length: nothing lost, nothing duplicated, with real durations.

Three scenarios, each under a steady load of Slack events (one every 1/`--rate` s, delivered
and retried as Slack does: at once, then a minute later, then five minutes later):

- database: PostgreSQL taken away for `--outage` seconds (a proxy closes every connection of
  `huribot serve` and refuses new ones), then given back;
- platform: for `--outage` seconds, Slack answers one post in eight with a 429 (Retry-After:
  1), one with two 500s, one with four 503s (past the client's retry budget) and one not at
  all (the client gives up after 10 s);
- kill: `huribot serve` SIGKILLed, started again `--down` seconds later (claims it left are
  taken up after HURIBOT_CLAIM_LEASE_SECONDS, set to 30 s here; unclaimed questions after
  HURIBOT_RECOVERY_GRACE_SECONDS, left at 60 s).

Slack's Web API (faked on loopback) takes `--slack-latency` seconds a call, as Slack's do, so
answers are under way when the fault strikes. Each scenario prints the events sent,
acknowledged, stored, answered (or queued for the moderators when Slack refused the answer),
lost and duplicated, and the acknowledgement and health-check latency during the fault
against the calm before it, measured in the same run.

    PYTHONPATH=. .venv/bin/python -m bench.faults [--postgres URL] [--only NAME]
        [--rate 4] [--calm 10] [--outage 30] [--after 10] [--down 5] [--slack-latency 0.3]
        [--logs FOLDER] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import itertools
import json
import os
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import numpy as np
from sqlalchemy import select
from sqlalchemy.engine import make_url

from adapters.logs import configure_logging
from adapters.wiring.services import open_services
from bench.bench_slack import database_url
from bench.evalset import load_questions
from bot.db.engine import Database
from bot.db.models import Question
from bot.settings import load_settings
from knowledge.ingest.loader import load_paths, sample_knowledge_path
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.slack_events import LATER_RETRIES, Attempt, Delivery, SlackEvents, mention
from tests.fakes.tcp_proxy import proxy_to
from tests.faults.ledger import IN_FLIGHT, account, event_key, settled
from tests.faults.serving import ServedBot, served, through

POST = "chat.postMessage"
PROBE_SECONDS = 0.25
SETTLE_SECONDS = 600.0
"""Long enough for Slack's five-minute retry and every claim's expiry."""
KILL_SETTINGS = {"HURIBOT_CLAIM_LEASE_SECONDS": "30"}
FAULTY_POSTS = 8
"""In the platform run, of each eight posts: a 429, two 500s, four 503s, a hang, four clean."""


@dataclass(frozen=True, slots=True)
class Probe:
    """One health check: when, how long, and whether it was answered 200."""

    at: float
    seconds: float
    ok: bool


@dataclass(frozen=True, slots=True)
class Window:
    """When the fault lasted (`time.monotonic()`)."""

    start: float
    end: float

    def holds(self, moment: float) -> bool:
        return self.start <= moment <= self.end


@dataclass(frozen=True, slots=True)
class Stage:
    """What a scenario runs on: the bot's database (read directly, never through a proxy),
    Slack's Web API, where the logs go, and the options."""

    url: str
    records: Database
    fake: FakeSlackAPI
    logs: Path
    options: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Run:
    """What a scenario produced, once every question had settled."""

    deliveries: list[Delivery]
    questions: list[Question]
    probes: list[Probe]
    window: Window
    seconds: float
    """From the first event to the last question settled."""
    notes: dict[str, int] = field(default_factory=dict)
    """What the scenario saw of its fault (questions a kill left in flight)."""


Fault = Callable[[], Awaitable[None]]


# ---------------------------------------------------------------------- Slack's side
def asking() -> Callable[[], dict[str, Any]]:
    """Mentions asking the evaluation set's questions in turn, each by a member of its own."""
    asked = itertools.cycle([q.question for q in load_questions()])
    return lambda: mention(next(asked))


async def offer(
    slack: SlackEvents, make: Callable[[], dict[str, Any]], *, rate: float, seconds: float
) -> list[Delivery]:
    """An event every 1/`rate` s for `seconds` (open loop, as Slack sends them), each
    delivered and retried as Slack does; returns once every delivery has ended."""
    began = time.monotonic()
    deliveries = []
    for n in range(int(rate * seconds)):
        await asyncio.sleep(max(0.0, began + n / rate - time.monotonic()))
        body = make()
        deliveries.append(asyncio.create_task(slack.deliver(body, later=LATER_RETRIES)))
    return list(await asyncio.gather(*deliveries))


async def probe_health(
    origin: str, session: aiohttp.ClientSession, stop: asyncio.Event
) -> list[Probe]:
    """`GET /healthz` every PROBE_SECONDS until `stop`, as a load balancer does."""
    probes = []
    while not stop.is_set():
        sent = time.monotonic()
        try:
            async with asyncio.timeout(2), session.get(f"{origin}/healthz") as response:
                ok = response.status == 200
        except (aiohttp.ClientError, TimeoutError):
            ok = False
        probes.append(Probe(sent, time.monotonic() - sent, ok))
        await asyncio.sleep(PROBE_SECONDS)
    return probes


async def under_load(
    bot: ServedBot,
    stage: Stage,
    *,
    fault: Fault,
    heal: Fault,
    fault_seconds: float,
    make: Callable[[], dict[str, Any]] | None = None,
) -> Run:
    """Calm load, `fault()`, `fault_seconds` later `heal()`, more load (of `make()`'s events,
    by default the evaluation set's questions); then, the bot still running, until every
    delivery has ended and every stored question has settled."""
    options = stage.options
    make = make or asking()
    began = time.monotonic()
    async with aiohttp.ClientSession() as session:
        stop = asyncio.Event()
        probes = asyncio.create_task(probe_health(bot.origin, session, stop))
        seconds = options["calm"] + fault_seconds + options["after"]
        load = asyncio.create_task(
            offer(bot.events(session), make, rate=options["rate"], seconds=seconds)
        )
        await asyncio.sleep(options["calm"])
        start = time.monotonic()
        await fault()
        await asyncio.sleep(max(0.0, start + fault_seconds - time.monotonic()))
        await heal()
        window = Window(start, time.monotonic())
        deliveries = await load
        keys = [event_key(delivery) for delivery in deliveries]
        questions = await settled(stage.records, keys, timeout=SETTLE_SECONDS)
        stop.set()
        return Run(deliveries, questions, await probes, window, time.monotonic() - began)


# ---------------------------------------------------------------------- the scenarios
async def database_down(stage: Stage) -> Run:
    """PostgreSQL away for `--outage` seconds."""
    target = make_url(stage.url)
    async with (
        proxy_to(target.host or "127.0.0.1", target.port or 5432) as proxy,
        served(through(proxy, stage.url), stage.fake, logs=stage.logs, settings={}) as bot,
    ):
        return await under_load(
            bot,
            stage,
            fault=proxy.cut,
            heal=proxy.restore,
            fault_seconds=stage.options["outage"],
        )


async def platform_faults(stage: Stage) -> Run:
    """Slack refusing or ignoring posts for `--outage` seconds."""
    fake = stage.fake
    ask = asking()
    faulty = False
    sent = itertools.count()
    injections: dict[int, Callable[[str], None]] = {
        0: lambda channel: fake.fail_next(POST, status=429, retry_after=1, channel=channel),
        2: lambda channel: fake.fail_next(POST, status=500, times=2, channel=channel),
        4: lambda channel: fake.fail_next(POST, status=503, times=4, channel=channel),
        6: lambda channel: fake.hang(POST, times=1, channel=channel),
    }

    def make() -> dict[str, Any]:
        body = ask()
        inject = injections.get(next(sent) % FAULTY_POSTS)
        if faulty and inject is not None:
            inject(body["event"]["channel"])
        return body

    async def switch(on: bool) -> None:
        nonlocal faulty
        faulty = on

    async with served(stage.url, fake, logs=stage.logs, settings={}) as bot:
        return await under_load(
            bot,
            stage,
            fault=lambda: switch(True),
            heal=lambda: switch(False),
            fault_seconds=stage.options["outage"],
            make=make,
        )


async def killed(stage: Stage) -> Run:
    """`huribot serve` SIGKILLed mid-load, back `--down` seconds later."""
    left: Counter[str] = Counter()

    async def kill() -> None:
        await bot.kill()
        async with stage.records.sessions() as session:
            statuses = await session.scalars(
                select(Question.status).where(Question.status.in_(IN_FLIGHT))
            )
            left.update(f"left {status} by the kill" for status in statuses)

    async with served(stage.url, stage.fake, logs=stage.logs, settings=KILL_SETTINGS) as bot:
        run = await under_load(
            bot, stage, fault=kill, heal=bot.start, fault_seconds=stage.options["down"]
        )
    return dataclasses.replace(run, notes=dict(left))


Scenario = Callable[[Stage], Awaitable[Run]]
SCENARIOS: dict[str, tuple[Scenario, str]] = {
    "database": (database_down, "PostgreSQL down mid-load"),
    "platform": (platform_faults, "Slack 429 / 500 / 503 / hung calls mid-load"),
    "kill": (killed, "serve SIGKILLed mid-load and restarted"),
}


# ---------------------------------------------------------------------- figures
def latency(seconds: Sequence[float]) -> dict[str, float | int]:
    """Count, median, 99th percentile and maximum, in milliseconds."""
    if not seconds:
        return {"n": 0}
    values = np.asarray(seconds) * 1000
    return {
        "n": len(values),
        "p50_ms": round(float(np.percentile(values, 50)), 1),
        "p99_ms": round(float(np.percentile(values, 99)), 1),
        "max_ms": round(float(values.max()), 1),
    }


def attempts(run: Run) -> list[Attempt]:
    return [attempt for delivery in run.deliveries for attempt in delivery.attempts]


def figures(name: str, run: Run, ledger: dict[str, int], extra: dict[str, Any]) -> dict[str, Any]:
    """One scenario's figures."""
    start, within = run.window.start, run.window.holds
    calm = [a for a in attempts(run) if a.at < start]
    fault = [a for a in attempts(run) if within(a.at)]
    answered = Counter(str(a.status or a.reason) for a in fault)
    return {
        "scenario": name,
        "fault_s": round(run.window.end - run.window.start, 1),
        "run_s": round(run.seconds, 1),
        **ledger,
        "ack_calm": latency([a.seconds for a in calm if a.acknowledged]),
        "ack_fault": latency([a.seconds for a in fault if a.acknowledged]),
        "answers_in_fault": dict(answered),
        "refusal_fault": latency([a.seconds for a in fault if not a.acknowledged]),
        "health_calm": latency([p.seconds for p in run.probes if p.ok and p.at < start]),
        "health_fault": latency([p.seconds for p in run.probes if p.ok and within(p.at)]),
        "health_failed_in_fault": sum(1 for p in run.probes if within(p.at) and not p.ok),
        "acknowledged_on_a_later_retry": sum(
            1
            for d in run.deliveries
            if any(a.acknowledged and (a.retry_num or 0) >= 2 for a in d.attempts)
        ),
        **run.notes,
        **extra,
    }


@asynccontextmanager
async def knowledge(options: dict[str, Any], folder: Path) -> AsyncIterator[str]:
    """A fresh database (a PostgreSQL schema, or a SQLite file) with the sample ingested."""
    with database_url(options, folder) as url:
        async with open_services(load_settings({"HURIBOT_DATABASE_URL": url})) as services:
            await services.knowledge.ingest(load_paths([sample_knowledge_path()]))
        yield url


async def scenario(name: str, options: dict[str, Any]) -> dict[str, Any]:
    """Run one scenario on a database of its own and account for every event."""
    run_scenario, _title = SCENARIOS[name]
    with tempfile.TemporaryDirectory(prefix=f"faults-{name}-") as folder:
        logs = Path(options["logs"] or folder) / name
        logs.mkdir(parents=True, exist_ok=True)
        async with knowledge(options, Path(folder)) as url, FakeSlackAPI() as fake:
            fake.latency = options["slack_latency"]
            records = Database(url=url)
            try:
                run = await run_scenario(Stage(url, records, fake, logs, options))
            finally:
                await records.dispose()
            ledger = account(run.deliveries, run.questions, fake.calls).figures()
            extra = {"hung_posts": len(fake.held)} if name == "platform" else {}
    return figures(name, run, ledger, extra)


async def benchmark(options: dict[str, Any]) -> list[dict[str, Any]]:
    """Every scenario asked for, one after the other."""
    names = [options["only"]] if options["only"] else list(SCENARIOS)
    if not options["postgres"] and "database" in names:
        names.remove("database")  # it needs PostgreSQL (a proxy in front of its port)
    return [await scenario(name, options) for name in names]


def describe(results: list[dict[str, Any]], options: dict[str, Any]) -> str:
    """A readable summary."""
    backend = "PostgreSQL" if options["postgres"] else "SQLite"
    lines = [
        f"HuriBot fault runs on {backend}: {options['rate']:g} Slack events/s, "
        f"{options['calm']:g} s calm, the fault, {options['after']:g} s after; Slack's Web "
        f"API takes {options['slack_latency']:g} s a call; Slack retries an event at once, "
        f"after {LATER_RETRIES[0]:g} s and {LATER_RETRIES[1]:g} s"
    ]
    for result in results:
        lines += [
            f"  {SCENARIOS[result['scenario']][1]} ({result['fault_s']} s of fault, "
            f"{result['run_s']} s from the first event to the last question settled)",
            f"    events sent {result['sent']}, acknowledged {result['acknowledged']}, "
            f"stored {result['stored']}, answered {result['answered']}, queued for "
            f"moderators {result['queued']}, lost {result['lost']}, "
            f"duplicated {result['duplicated']}",
            f"    ack       calm {_ms(result['ack_calm'])}   during the fault "
            f"{_ms(result['ack_fault'])}",
            f"    refusals  during the fault {_ms(result['refusal_fault'])}   "
            f"answers then: {result['answers_in_fault']}",
            f"    /healthz  calm {_ms(result['health_calm'])}   during the fault "
            f"{_ms(result['health_fault'])}, unanswered {result['health_failed_in_fault']}",
            f"    acknowledged only on Slack's retry after a minute or more: "
            f"{result['acknowledged_on_a_later_retry']}",
        ]
        left = {key: count for key, count in result.items() if key.startswith("left ")}
        if left:
            lines.append(f"    questions {', '.join(f'{k}: {n}' for k, n in left.items())}")
        if "hung_posts" in result:
            lines.append(
                f"    posts Slack never answered (given up after 10 s): {result['hung_posts']}"
            )
    return "\n".join(lines)


def _ms(figure: dict[str, float | int]) -> str:
    if not figure["n"]:
        return "none"
    return (
        f"p50 {figure['p50_ms']} ms, p99 {figure['p99_ms']} ms, max {figure['max_ms']} ms "
        f"(n={figure['n']})"
    )


def main(argv: Sequence[str] | None = None) -> None:
    """Parse the options, run, print the figures."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--postgres", metavar="URL", help="PostgreSQL (a fresh schema each run)")
    parser.add_argument("--only", choices=list(SCENARIOS), help="one scenario")
    parser.add_argument("--rate", type=float, default=4.0, help="Slack events per second")
    parser.add_argument("--calm", type=float, default=10.0, help="seconds before the fault")
    parser.add_argument("--outage", type=float, default=30.0, help="database or Slack fault, s")
    parser.add_argument("--after", type=float, default=10.0, help="seconds of load after it")
    parser.add_argument("--down", type=float, default=5.0, help="seconds serve stays killed")
    parser.add_argument(
        "--slack-latency", type=float, default=0.3, help="seconds each Web API call takes"
    )
    parser.add_argument("--json", action="store_true", help="one JSON list")
    parser.add_argument("--logs", metavar="FOLDER", help="keep serve's logs there")
    options = vars(parser.parse_args(argv))
    os.environ.setdefault("HURIBOT_EMBEDDER", "none")  # delivery is measured, not ranking
    configure_logging(level="WARNING", fmt="console", secrets=[])
    results = asyncio.run(benchmark(options))
    print(json.dumps(results) if options["json"] else describe(results, options))


if __name__ == "__main__":
    main()
