"""`huribot serve` and `huribot worker`: what runs, and in which order it stops.

The platforms and services come built from the composition root (`adapters.wiring`); this
module only starts the web server, Socket Mode, the background loops and the answer workers.
"""

from __future__ import annotations

import asyncio
import gc
import os
import signal
import subprocess
import sys
from collections.abc import Awaitable, Callable
from datetime import timedelta
from functools import partial
from typing import NamedTuple

import structlog
from aiohttp import web

from adapters.cli.common import out, run_reporting, settings
from adapters.server import build_web_app
from adapters.slack.socket_mode import SocketModeLink
from adapters.wiring.dashboard import dashboard_app
from adapters.wiring.platforms import Platforms, open_platforms, slack_mode
from bot.calendar.freshness import ImportReminder
from bot.chat.worker import QuestionWorker
from bot.db.notices import RECONNECT_SECONDS, ChangeNotices
from bot.delivery.dispatcher import Dispatcher
from bot.housekeeping import Housekeeping
from bot.kb.review import ReviewReminder
from bot.payload_types import payload_codec
from bot.periodic import every
from bot.staging import StagedUploads

logger = structlog.get_logger(__name__)

OUTBOX_INTERVAL_SECONDS = 2.0
HOUSEKEEPING_INTERVAL_SECONDS = 600.0
SYNC_INTERVAL_SECONDS = 1.0
"""How often the knowledge base's change log is read: a change made through any process is
searchable in this one a second later (one indexed query when nothing changed); on PostgreSQL
another process's notice wakes the read at once (`bot.db.notices`)."""
EMBED_INTERVAL_SECONDS = 30.0
"""Vectors the database lacks (an embedder newly installed, another model) are computed in the
background; the docs concerned rank lexically until then."""
SNAPSHOT_INTERVAL_SECONDS = 600.0
"""How often `serve` writes the index to disk when it changed, so that a restart has only the
changes made since to catch up on (the answer workers leave that to it)."""
CALENDAR_INTERVAL_SECONDS = 30.0
WORKER_POLL_SECONDS = 0.05


class Loop(NamedTuple):
    """Background work run every `interval` seconds, and at once whenever `wake` is set."""

    name: str
    interval: float
    work: Callable[[], Awaitable[object]]
    wake: asyncio.Event | None = None


PARENT_VARIABLE = "HURIBOT_WORKER_PARENT"
"""Set by `serve` for the workers it starts: the process id they must not outlive."""
PARENT_POLL_SECONDS = 1.0


def start_workers(count: int) -> list[subprocess.Popen[bytes]]:
    """Start `count` `huribot worker` processes with this process's settings; each stops
    when this process is gone, even if it was killed without a chance to stop them."""
    command = [sys.executable, "-m", "adapters.cli.main", "worker"]
    environment = {**os.environ, PARENT_VARIABLE: str(os.getpid())}
    return [subprocess.Popen(command, env=environment) for _ in range(count)]


def parent_watch(stop: asyncio.Event) -> Callable[[], Awaitable[None]]:
    """For a worker started by `serve`: set `stop` once that parent is gone (the worker is
    then adopted by another process); for a worker run on its own, nothing to watch."""
    parent = os.environ.get(PARENT_VARIABLE)

    async def watch() -> None:
        if parent is not None and os.getppid() != int(parent):
            logger.warning("worker.parent_gone", parent=int(parent))
            stop.set()

    return watch


def stop_workers(workers: list[subprocess.Popen[bytes]]) -> None:
    """Ask the workers to finish their current answers and exit."""
    for worker in workers:
        worker.send_signal(signal.SIGTERM)
    for worker in workers:
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()


def stop_on_signals() -> asyncio.Event:
    """An event set by SIGINT or SIGTERM, installed first thing so that a stop asked for
    during start-up (a slow database, Slack unreachable) is honoured at once."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    return stop


async def run_until_stopped(stop: asyncio.Event, loops: list[Loop]) -> None:
    """Run each loop every so often until `stop` is set, then let each finish its round."""
    freeze_long_lived()
    tasks = [
        asyncio.create_task(every(interval, work, stop=stop, name=name, wake=wake))
        for name, interval, work, wake in loops
    ]
    try:
        await stop.wait()
    finally:
        stop.set()
        await asyncio.gather(*tasks)


def freeze_long_lived() -> None:
    """Leave what the process holds once it is set up (the index above all) out of the garbage
    collector's full passes: it lives until the process stops, and scanning it (millions of
    objects at 10k passages) stopped the event loop for ~200 ms each time, the longest waits
    acknowledgements saw under load (`bench.bench_slack`; frozen, a full pass takes tens of ms)."""
    gc.collect()
    gc.freeze()


def with_platforms(
    work: Callable[[Platforms, asyncio.Event], Awaitable[None]], *, load_index: bool = True
) -> None:
    """Run `work` with the platforms built (the index opened, unless `work` opens it itself)
    and a stop event set by SIGINT or SIGTERM."""

    async def _run() -> None:
        stop = stop_on_signals()
        config = settings(background_logging=True)
        async with open_platforms(config, load_index=load_index) as platforms:
            await work(platforms, stop)

    run_reporting(_run())


def question_worker(platforms: Platforms, *, grace: timedelta = timedelta(0)) -> QuestionWorker:
    """Answers stored questions on the configured platforms' reply channels; a claim older
    than HURIBOT_CLAIM_LEASE_SECONDS (its answerer died) is taken up again."""
    channels = {"slack": platforms.slack[0].channels} if platforms.slack else {}
    if platforms.teams is not None:
        channels["teams"] = platforms.teams[0].channels
    services = platforms.services
    return QuestionWorker(
        questions=services.intake.questions,
        intake=services.intake,
        channels=channels,
        grace=grace,
        lease=services.settings.claim_lease,
    )


def recovery_loop(platforms: Platforms) -> Loop:
    """serve's loop (without answer workers) answering what a crash left unanswered: questions
    stored over HURIBOT_RECOVERY_GRACE_SECONDS ago and never claimed (the answer started on
    arrival had that long), or whose claim expired; it looks every half of that grace."""
    grace = platforms.services.settings.recovery_grace_seconds
    recovery = question_worker(platforms, grace=timedelta(seconds=grace))
    return Loop("recovery", grace / 2, recovery.run_until_idle)


def knowledge_loops(platforms: Platforms, stop: asyncio.Event) -> list[Loop]:
    """Keeping this process's index current with the changes other processes make: read the
    change log every SYNC_INTERVAL_SECONDS, and at once on another process's notice where the
    database sends them (PostgreSQL; its listener reconnects after a lost connection)."""
    services = platforms.services
    notices = ChangeNotices(services.database)
    sync = Loop("knowledge-sync", SYNC_INTERVAL_SECONDS, services.knowledge.sync, notices.wake)
    if not notices.available:
        return [sync]
    return [sync, Loop("knowledge-notices", RECONNECT_SECONDS, partial(notices.listen, stop))]


def worker_loops(platforms: Platforms, stop: asyncio.Event) -> list[Loop]:
    """What a worker runs: answering stored questions, and keeping its index current."""
    services = platforms.services
    answer_worker = question_worker(platforms)
    logger.info(
        "worker.started", slack=platforms.slack is not None, teams=platforms.teams is not None
    )
    return [
        Loop("answers", WORKER_POLL_SECONDS, answer_worker.run_until_idle),
        *knowledge_loops(platforms, stop),
        Loop("embeddings", EMBED_INTERVAL_SECONDS, services.knowledge.embed_missing),
    ]


def serve_loops(platforms: Platforms, stop: asyncio.Event) -> list[Loop]:
    """What `serve` runs in the background: delivery, index sync, upkeep and the calendar."""
    services = platforms.services
    moderators = services.moderation.moderators_conversation
    dispatcher = Dispatcher(
        database=services.database,
        senders=platforms.senders,
        codec=payload_codec(),
        report_to=moderators,
        lease=services.settings.claim_lease,
    )
    housekeeping = Housekeeping(
        moderation=services.moderation,
        review_reminder=ReviewReminder(
            database=services.database, moderators_conversation=moderators
        ),
        remind_after=timedelta(days=services.settings.moderation_reminder_days),
        retention=timedelta(days=services.settings.question_retention_days),
        import_reminder=ImportReminder(
            database=services.database, moderators_conversation=moderators
        ),
        staging=StagedUploads(database=services.database),
    )
    loops: list[Loop] = [
        Loop("outbox", OUTBOX_INTERVAL_SECONDS, dispatcher.run_once),
        *knowledge_loops(platforms, stop),
        Loop("embeddings", EMBED_INTERVAL_SECONDS, services.knowledge.embed_missing),
        Loop("index-snapshot", SNAPSHOT_INTERVAL_SECONDS, services.knowledge.save_index),
        Loop("housekeeping", HOUSEKEEPING_INTERVAL_SECONDS, housekeeping.run_once),
        Loop("calendar", CALENDAR_INTERVAL_SECONDS, services.scheduler.run_once),
    ]
    if platforms.chat and services.settings.answer_workers == 0:  # else the workers do it
        loops.append(recovery_loop(platforms))
    return loops


def worker() -> None:
    """`huribot worker` (its help is in `adapters.cli.main`): the answer loops and the
    parent watch, until stopped."""

    async def _work(platforms: Platforms, stop: asyncio.Event) -> None:
        watch = Loop("parent", PARENT_POLL_SECONDS, parent_watch(stop))
        await run_until_stopped(stop, [*worker_loops(platforms, stop), watch])

    with_platforms(_work)


def web_app(platforms: Platforms, link: SocketModeLink | None) -> web.Application:
    """The web server: health and readiness, Slack's HTTP endpoint (unless Slack runs in
    Socket Mode), Teams' messaging endpoint, the calendar feeds and, when configured, the
    moderators' dashboard."""
    slack, teams = platforms.slack, platforms.teams
    http_slack = slack is not None and slack_mode(platforms.services.settings) == "http"
    return build_web_app(
        slack=slack[0].route() if slack is not None and http_slack else None,
        teams=teams[0].route() if teams is not None else None,
        database=platforms.services.database,
        readiness=platforms.readiness(link),
        dashboard=dashboard_app(platforms.services),
        opened=lambda: platforms.services.knowledge.opened_from is not None,
    )


async def drain(platforms: Platforms, grace: float) -> None:
    """Let the answers under way finish (for at most `grace` seconds) before the platforms'
    connections close; any cut short stay claimed, and are answered after the restart."""
    logger.info("serve.stopping", grace_seconds=grace)
    left = await platforms.settle(grace)
    if left:
        logger.warning("serve.answers_cut_short", answers=left)
    logger.info("serve.stopped", answers_cut_short=left)


def announce_started(platforms: Platforms) -> None:
    """Say where HuriBot listens and which platforms are on, to the operator and the log."""
    settings = platforms.services.settings
    mode = slack_mode(settings)
    teams = "off" if platforms.teams is None else "on" if settings.teams_app_id else "anonymous"
    where = f"http://{settings.host}:{settings.port}"
    out.print(f"HuriBot listening on {where} (Slack: {mode}, Teams: {teams})")
    if settings.dashboard_url is not None:
        out.print(f"Dashboard: {settings.dashboard_url}/dashboard/")
    logger.info("serve.started", host=settings.host, port=settings.port, slack=mode, teams=teams)


def serve() -> None:
    """`huribot serve` (its help is in `adapters.cli.main`). The web server answers probes
    while the index opens (`/readyz` says not ready until it is); Socket Mode, the answer
    workers and the background loops start once it is open."""

    async def _work(platforms: Platforms, stop: asyncio.Event) -> None:
        settings = platforms.services.settings
        link = platforms.socket_link()
        grace = settings.shutdown_grace_seconds
        runner = web.AppRunner(web_app(platforms, link), access_log=None, shutdown_timeout=grace)
        await runner.setup()
        await web.TCPSite(runner, settings.host, settings.port).start()
        try:
            await platforms.services.knowledge.load_index()
        except BaseException:
            await runner.cleanup()
            raise
        if link is not None:
            link.start()
        workers = start_workers(settings.answer_workers if platforms.chat else 0)
        announce_started(platforms)
        try:
            await run_until_stopped(stop, serve_loops(platforms, stop))
        finally:
            stop_workers(workers)
            if link is not None:
                await link.close()
            await runner.cleanup()  # no new requests; those under way are answered
            await drain(platforms, grace)

    with_platforms(_work, load_index=False)
