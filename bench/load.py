"""Load test: HuriBot's real server under a realistic mix at rising rates until latency breaks,
on SQLite or PostgreSQL, and the server's memory over a long steady run (a soak).

The bot runs as `huribot serve` does in production (bench/load_bot.py); Slack and Teams are
played by another process (bench/load_side.py) that sends, open loop, a mix of Slack
questions, clicks on the rating buttons of answers, `/huribot` commands and Teams messages,
each correctly signed or carrying a Bot Framework token, with ids of their own. The rate rises
in steps; a step holds when its acknowledgements' p99 stays under `--ack-p99-ms` (100 ms),
no request failed (non-2xx, timeout, refused connection), nothing was logged at error level,
and every reply the step called for arrived within `--drain-seconds` after it. The sustained
rate is the highest step that held; the run stops at the first that does not.

`--soak SECONDS` then sends half the sustained rate (or `--rate`) for that long and samples the
bot's resident memory every `--rss-every` seconds: start, peak, end and the trend in MB a
minute (flat below FLAT_MB_PER_MINUTE over the soak's second half, once caches are warm).

Everything is on loopback (a PostgreSQL elsewhere is refused), and the run is bounded: it
stops itself after `--max-seconds` of load or `--max-events` requests, whichever comes first.

    PYTHONPATH=. python -m bench.load [--rates 10,20,50,100,200,400,800,1600]
        [--step-seconds 10] [--postgres URL] [--soak 600 [--rate R]] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import numpy as np

from bench.knowledge_base import build_knowledge, import_sample_calendar
from bench.load_bot import (
    SIGNING_SECRET,
    TEAMS_APP_ID,
    BotLog,
    bot_settings,
    private_pem,
    rss_mb,
    running_bot,
)
from bench.load_events import DEFAULT_MIX, KINDS
from bench.load_side import SideOptions, Stage, StageResult, load_side
from bench.loopback import (
    NotLoopbackError,
    OtherSideGoneError,
    child_process,
    cpu_seconds,
    database_url,
    received,
)
from tests.fakes.bot_framework_keys import new_key

ACK_P99_MS = 100.0
DEFAULT_RATES = (10, 20, 50, 100, 200, 400, 800, 1600)
WARM_UP = (10.0, 5.0)
"""Rate and seconds of a first, unreported stage (connections, caches, answers to click)."""
CHILD_START_S = 120.0
STAGE_GRACE_S = 60.0
"""How much longer than its sending and draining a stage may take before the load side is
taken for dead."""
FLAT_MB_PER_MINUTE = 0.5
"""A soak's memory is flat when its second half grows slower than this (30 MB an hour)."""


@dataclass(frozen=True, slots=True)
class Bounds:
    """The run's limits: seconds of load and requests sent, counted from the first stage."""

    max_seconds: float
    max_events: int
    started: float = field(default_factory=time.monotonic)

    def left_s(self) -> float:
        return self.max_seconds - (time.monotonic() - self.started)

    def fits(self, stage: Stage, sent: int) -> bool:
        """Whether `stage` ends (replies included) within both limits."""
        within_time = stage.seconds + stage.drain_s <= self.left_s()
        return within_time and sent + stage.rate * stage.seconds <= self.max_events


@dataclass(frozen=True, slots=True)
class Step:
    """One stage as both sides saw it."""

    result: StageResult
    log_levels: Counter[str]
    log_errors: list[str]
    bot_cpu_s: float
    wall_s: float
    rss_mb: float

    @property
    def errors(self) -> int:
        """Failed requests plus lines the bot logged at error level."""
        logged = self.log_levels["error"] + self.log_levels["critical"]
        return sum(self.result.failures.values()) + logged

    def broke(self, ack_p99_ms: float) -> list[str]:
        """Why the step did not hold (nothing when it held)."""
        why = []
        if self.result.ack_ms()["p99"] >= ack_p99_ms:
            why.append(f"ack p99 >= {ack_p99_ms:g} ms")
        if self.errors:
            why.append("errors")
        if self.result.replies < self.result.replies_expected:
            why.append("replies missing")
        return why

    def figures(self, ack_p99_ms: float) -> dict[str, Any]:
        result = self.result
        return {
            "rate_offered": result.offered,
            "rate_achieved": round(result.achieved, 1),
            "sent": result.sent,
            "ack_ms": result.ack_ms(),
            "ack_p99_ms_by_kind": result.ack_p99_by_kind(),
            "http_statuses": dict(result.statuses),
            "failures": dict(result.failures),
            "bot_log": dict(self.log_levels),
            "bot_errors_logged": self.log_errors,
            "errors": self.errors,
            "replies_expected": result.replies_expected,
            "replies": result.replies,
            "reply_lag_s": result.reply_lag_s,
            "generator_behind_ms": round(result.behind_ms, 1),
            "bot_cpu_percent": round(100 * self.bot_cpu_s / self.wall_s, 1),
            "load_side_cpu_percent": round(100 * result.cpu_s / self.wall_s, 1),
            "bot_rss_mb": round(self.rss_mb, 1),
            "held": not self.broke(ack_p99_ms),
            "broke": self.broke(ack_p99_ms),
        }


class StageRunner:
    """Runs stages on the load side and adds what the bot's process saw meanwhile."""

    def __init__(self, side: Connection, log: BotLog) -> None:
        self._side = side
        self._log = log
        self.sent = 0

    async def run(self, stage: Stage) -> Step:
        self._log.since_last()
        cpu, began = cpu_seconds(), time.monotonic()
        self._side.send(stage)
        patience = stage.seconds + stage.drain_s + STAGE_GRACE_S
        result: StageResult = await received(self._side, timeout=patience)
        wall, bot_cpu = time.monotonic() - began, cpu_seconds() - cpu
        self.sent += result.sent
        levels, errors = self._log.since_last()
        return Step(result, levels, errors, bot_cpu, wall, rss_mb())


async def rising(runner: StageRunner, options: argparse.Namespace, bounds: Bounds) -> list[Step]:
    """Steps at the rates given, up to the first that does not hold (or a bound)."""
    steps: list[Step] = []
    for rate in options.rates:
        stage = Stage(rate=rate, seconds=options.step_seconds, drain_s=options.drain_seconds)
        if not bounds.fits(stage, runner.sent):
            break
        step = await runner.run(stage)
        steps.append(step)
        if step.broke(options.ack_p99_ms):
            break
    return steps


async def sample_rss(every: float, into: list[tuple[float, float]]) -> None:
    """Append (seconds since start, RSS in MB) every `every` seconds until cancelled."""
    began = time.monotonic()
    while True:
        into.append((time.monotonic() - began, rss_mb()))
        await asyncio.sleep(every)


async def soak(
    runner: StageRunner, options: argparse.Namespace, bounds: Bounds, rate: float
) -> dict[str, Any]:
    """A steady `rate` for `--soak` seconds (less if the bounds say so), RSS sampled."""
    seconds = min(float(options.soak), bounds.left_s() - options.drain_seconds)
    stage = Stage(rate=rate, seconds=seconds, drain_s=options.drain_seconds)
    if seconds <= 0 or not bounds.fits(stage, runner.sent):
        return {"skipped": "no time or events left within --max-seconds and --max-events"}
    samples: list[tuple[float, float]] = []
    sampler = asyncio.create_task(sample_rss(options.rss_every, samples))
    try:
        step = await runner.run(stage)
    finally:
        sampler.cancel()
    samples.append((samples[-1][0] + options.rss_every if samples else 0.0, rss_mb()))
    return {
        "rate": rate,
        "seconds": round(seconds, 1),
        "shortened": seconds < options.soak,
        "rss_mb": rss_trend(samples),
        "step": step.figures(options.ack_p99_ms),
    }


def rss_trend(samples: Sequence[tuple[float, float]]) -> dict[str, Any]:
    """Start, peak and end RSS, and its slope (least squares, MB a minute) over the whole soak
    and over its second half."""
    seconds = np.asarray([t for t, _ in samples])
    megabytes = np.asarray([mb for _, mb in samples])
    second_half = seconds >= seconds[-1] / 2

    def slope(mask: np.ndarray[Any, Any]) -> float:
        if mask.sum() < 2:
            return 0.0
        return float(np.polyfit(seconds[mask] / 60, megabytes[mask], 1)[0])

    late = slope(second_half)
    return {
        "start": round(float(megabytes[0]), 1),
        "max": round(float(megabytes.max()), 1),
        "end": round(float(megabytes[-1]), 1),
        "slope_mb_per_min": round(slope(np.ones_like(seconds, dtype=bool)), 3),
        "second_half_slope_mb_per_min": round(late, 3),
        "flat": late < FLAT_MB_PER_MINUTE,
        "samples": len(samples),
    }


async def run_load(options: argparse.Namespace) -> dict[str, Any]:
    """Build the bot, start the platforms' side, run the steps and the soak; the figures."""
    load_before = os.getloadavg()
    key = new_key()
    side_options = SideOptions(
        signing_secret=SIGNING_SECRET,
        teams_app_id=TEAMS_APP_ID,
        signing_key_pem=private_pem(key),
        mix=options.mix,
        timeout_s=options.timeout,
    )
    with (
        tempfile.TemporaryDirectory() as folder,
        database_url(options.postgres, Path(folder)) as url,
        child_process(load_side, side_options) as side,
    ):
        fakes = await received(side, timeout=CHILD_START_S)
        settings = bot_settings(
            database_url=url, slack_api_url=fakes["slack_api_url"], embedder=options.embedder
        )
        log = BotLog(Path(options.log) if options.log else Path(folder) / "bot.log")
        with log.capturing(settings):
            async with running_bot(settings, key) as bot:
                services = bot.platforms.services
                knowledge = await build_knowledge(services, options.passages)
                knowledge["calendar_events"] = await import_sample_calendar(services)
                side.send(bot.origin)
                runner = StageRunner(side, log)
                bounds = Bounds(max_seconds=options.max_seconds, max_events=options.max_events)
                warm_up = await runner.run(Stage(*WARM_UP, drain_s=options.drain_seconds))
                steps = (
                    [] if options.rate and options.soak else await rising(runner, options, bounds)
                )
                sustained = sustained_rate(steps, options.ack_p99_ms)
                soaked = None
                if options.soak:
                    rate = options.rate or (sustained / 2 if sustained else None)
                    soaked = (
                        await soak(runner, options, bounds, rate)
                        if rate
                        else {"skipped": "no step held, so no rate to soak at: give --rate"}
                    )
                side.send(None)
    return {
        "database": "postgresql" if options.postgres else "sqlite",
        "embedder": options.embedder,
        "mix": options.mix,
        "step_seconds": options.step_seconds,
        "ack_p99_limit_ms": options.ack_p99_ms,
        "machine": {
            "cpus": os.cpu_count(),
            "load_average_before": [round(x, 2) for x in load_before],
            "load_average_after": [round(x, 2) for x in os.getloadavg()],
        },
        "knowledge": knowledge,
        "events_sent": runner.sent,
        "warm_up": warm_up.figures(options.ack_p99_ms),
        "steps": [step.figures(options.ack_p99_ms) for step in steps],
        "sustained_rate": sustained,
        "soak": soaked,
    }


def sustained_rate(steps: Sequence[Step], ack_p99_ms: float) -> float | None:
    """The highest rate offered by a step that held (None when none did)."""
    held = [step.result.offered for step in steps if not step.broke(ack_p99_ms)]
    return max(held) if held else None


def describe(report: dict[str, Any]) -> str:
    """A readable table of the steps, the sustained rate and the soak."""
    machine, kb = report["machine"], report["knowledge"]
    mix = ", ".join(f"{kind} {share}" for kind, share in report["mix"].items())
    lines = [
        f"HuriBot load test on {report['database']} (embedder {report['embedder']}): "
        f"mix {mix}; steps of {report['step_seconds']:g} s",
        f"  machine: {machine['cpus']} CPUs, load average {machine['load_average_before'][0]} "
        f"before, {machine['load_average_after'][0]} after",
        f"  knowledge: {kb['passages']} passages + {kb['replies']} replies "
        f"(built in {kb['build_s']} s), {kb['calendar_events']} calendar events",
        "",
        f"  {'offered':>8} {'achieved':>9} {'ack p50':>8} {'ack p99':>8} {'ack max':>8} "
        f"{'errors':>6} {'replies':>13} {'lag':>6} {'bot CPU':>7} {'RSS':>7}  held",
    ]
    lines += [f"  {_row(step)}" for step in report["steps"]]
    sustained = report["sustained_rate"]
    limit = report["ack_p99_limit_ms"]
    lines.append("")
    lines.append(
        f"  sustained rate: {sustained:g} events/s (ack p99 < {limit:g} ms, no error, "
        "every reply delivered)"
        if sustained
        else "  sustained rate: none of the steps held"
    )
    if report["soak"] is not None:
        lines.append(_soak_line(report["soak"]))
    return "\n".join(lines)


def _row(step: dict[str, Any]) -> str:
    ack = step["ack_ms"]
    replies = f"{step['replies']}/{step['replies_expected']}"
    lag = "-" if step["reply_lag_s"] is None else f"{step['reply_lag_s']:.1f}s"
    held = "yes" if step["held"] else "NO: " + ", ".join(step["broke"])
    return (
        f"{step['rate_offered']:>6g}/s {step['rate_achieved']:>7.1f}/s {ack['p50']:>5.1f} ms "
        f"{ack['p99']:>5.1f} ms {ack['max']:>5.0f} ms {step['errors']:>6} {replies:>13} "
        f"{lag:>6} {step['bot_cpu_percent']:>6.0f}% {step['bot_rss_mb']:>4.0f} MB  {held}"
    )


def _soak_line(soaked: dict[str, Any]) -> str:
    if "skipped" in soaked:
        return f"  soak: skipped ({soaked['skipped']})"
    rss, step = soaked["rss_mb"], soaked["step"]
    shortened = " (shortened to the bounds)" if soaked["shortened"] else ""
    return "\n".join(
        [
            f"  soak: {soaked['rate']:g} events/s for {soaked['seconds']:g} s{shortened}",
            f"  {_row(step)}",
            f"  RSS: {rss['start']} MB at start, {rss['max']} MB at most, {rss['end']} MB at the "
            f"end; {rss['slope_mb_per_min']:+.2f} MB/min over the soak, "
            f"{rss['second_half_slope_mb_per_min']:+.2f} MB/min over its second half: "
            + ("flat" if rss["flat"] else "GROWING"),
        ]
    )


def parse_mix(text: str) -> dict[str, int]:
    """`question=60,click=15,command=10,teams=15` as a dict (kinds left out send none)."""
    mix: dict[str, int] = {}
    for part in text.split(","):
        kind, _, share = part.partition("=")
        if kind.strip() not in KINDS or not share.strip().isdigit():
            raise argparse.ArgumentTypeError(f"{part!r}: write kind=share, kinds {KINDS}")
        mix[kind.strip()] = int(share)
    if not any(mix.values()):
        raise argparse.ArgumentTypeError("the mix sends nothing")
    return {kind: share for kind, share in mix.items() if share}


def parse_rates(text: str) -> list[float]:
    """`10,20,50` as rising rates."""
    try:
        rates = [float(part) for part in text.split(",")]
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r}: rates are numbers, comma-separated") from exc
    if any(rate <= 0 for rate in rates) or rates != sorted(rates):
        raise argparse.ArgumentTypeError(f"{text!r}: rates are positive and rising")
    return rates


def parser() -> argparse.ArgumentParser:
    """The command line."""
    default_mix = ",".join(f"{kind}={share}" for kind, share in DEFAULT_MIX.items())
    cli = argparse.ArgumentParser(
        description=(__doc__ or "").splitlines()[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    add = cli.add_argument
    add("--rates", type=parse_rates, default=list(DEFAULT_RATES), help="events/s of the steps")
    add("--step-seconds", type=float, default=10.0, help="how long each step sends")
    add("--drain-seconds", type=float, default=30.0, help="wait for a step's replies")
    add("--mix", type=parse_mix, default=parse_mix(default_mix), help="shares of each kind")
    add("--ack-p99-ms", type=float, default=ACK_P99_MS, help="a step holds below this")
    add("--timeout", type=float, default=3.0, help="seconds a request may take (Slack's)")
    add("--postgres", metavar="URL", help="a fresh schema in this local PostgreSQL")
    add("--passages", type=int, default=0, help="add synthetic passages up to this many")
    add("--embedder", choices=("auto", "e5-small", "none"), default="auto")
    add("--soak", type=float, metavar="SECONDS", help="then a steady rate this long, RSS sampled")
    add("--rate", type=float, help="the soak's rate (no steps); alone: one step at this rate")
    add("--rss-every", type=float, default=5.0, help="seconds between RSS samples")
    add("--max-seconds", type=float, default=1800.0, help="the run stops after this much load")
    add("--max-events", type=int, default=500_000, help="... or after this many requests")
    add("--log", metavar="FILE", help="keep the bot's log (JSON lines) in this file")
    add("--json", action="store_true", help="print one JSON object")
    return cli


def main(argv: Sequence[str] | None = None) -> None:
    """Parse the options, run, print the figures."""
    options = parser().parse_args(argv)
    if options.rate and not options.soak:
        options.rates = [options.rate]
    try:
        report = asyncio.run(run_load(options))
    except (NotLoopbackError, OtherSideGoneError) as exc:
        raise SystemExit(f"bench.load: {exc}") from None
    print(json.dumps(report) if options.json else describe(report))


if __name__ == "__main__":
    main()
