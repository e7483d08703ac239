"""`huribot serve`: the web server, Slack (HTTP or Socket Mode) and the background loops."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
from datetime import timedelta
from functools import partial
from typing import Literal

import structlog
from aiohttp import web

from adapters.cli.common import out, with_services
from adapters.composition import Services
from adapters.readiness import Check, database_check
from adapters.server import build_web_app
from adapters.slack.app import SlackBot, SlackConfig
from adapters.slack.moderation import SlackModeration, channel_members
from adapters.slack.sender import SlackSender
from adapters.slack.socket_mode import SocketModeLink
from adapters.slack.token_check import BotTokenCheck
from adapters.teams.app import TeamsBot
from adapters.teams.connector import TeamsConfig, TeamsConnector
from adapters.teams.moderation import TeamsModeration
from adapters.teams.sender import TeamsSender
from bot.calendar.freshness import ImportReminder
from bot.chat.worker import AnswerWorker
from bot.delivery.dispatcher import Dispatcher, Sender
from bot.housekeeping import Housekeeping
from bot.kb.review import ReviewDigest
from bot.moderation.queue import ChannelModerators
from bot.payload_types import payload_codec
from bot.periodic import every
from bot.settings import Settings

logger = structlog.get_logger(__name__)

OUTBOX_INTERVAL_SECONDS = 2.0
HOUSEKEEPING_INTERVAL_SECONDS = 600.0
SYNC_INTERVAL_SECONDS = 10.0
EMBED_INTERVAL_SECONDS = 30.0
"""Vectors the database lacks (an embedder newly installed, another model) are computed in the
background; the docs concerned rank lexically until then."""
CALENDAR_INTERVAL_SECONDS = 30.0
WORKER_POLL_SECONDS = 0.05


def slack_parts(services: Services) -> tuple[SlackBot, SlackSender] | None:
    """The Slack bot and its outbox sender, when Slack credentials are configured."""
    settings = services.settings
    if settings.slack_bot_token is None:
        return None
    secret = settings.slack_signing_secret
    config = SlackConfig(
        bot_token=settings.slack_bot_token.get_secret_value(),
        signing_secret=secret.get_secret_value() if secret is not None else None,
        api_url=settings.slack_api_url,
    )
    moderation = SlackModeration(moderation=services.moderation)
    bot = SlackBot(
        config=config,
        assistant=services.assistant,
        answerer=services.answerer,
        moderation=moderation,
        answer_inline=settings.answer_workers == 0,
        commands=services.commands,
    )
    client = bot.client
    if settings.slack_moderators_channel is not None:
        members = channel_members(client, settings.slack_moderators_channel)
        services.moderation.use_directory(
            ChannelModerators(
                fallback=services.moderation.moderators, platform="slack", members=members
            )
        )
    return bot, SlackSender(client=client, moderation=services.moderation)


def teams_parts(services: Services) -> tuple[TeamsBot, TeamsSender] | None:
    """The Teams bot and its outbox sender, when Teams is configured (or anonymous)."""
    settings = services.settings
    if not settings.teams_enabled:
        return None
    password = settings.teams_app_password
    connector = TeamsConnector(
        TeamsConfig(
            app_id=settings.teams_app_id,
            app_password=password.get_secret_value() if password is not None else None,
            certificate_path=settings.teams_certificate_path,
            tenant_id=settings.teams_tenant_id,
            allow_anonymous=settings.teams_allow_anonymous,
        )
    )
    moderation = TeamsModeration(moderation=services.moderation, connector=connector)
    channel = next(
        (r for r in services.moderation.moderators_conversations if r.platform == "teams"), None
    )
    if channel is not None:
        members = partial(connector.members, channel)
        services.moderation.use_directory(
            ChannelModerators(
                fallback=services.moderation.moderators, platform="teams", members=members
            )
        )
    bot = TeamsBot(
        connector=connector,
        assistant=services.assistant,
        answerer=services.answerer,
        moderation=moderation,
        commands=services.commands,
        conversations=services.conversations,
        answer_inline=settings.answer_workers == 0,
    )
    return bot, TeamsSender(connector=connector, moderation=moderation)


def slack_mode(settings: Settings) -> Literal["socket", "http", "off"]:
    """Socket Mode when an app-level token is set, HTTP (`POST /slack/events`) when only the
    bot token and signing secret are, off without a bot token."""
    if settings.slack_bot_token is None:
        return "off"
    return "socket" if settings.slack_app_token is not None else "http"


def start_workers(count: int) -> list[subprocess.Popen[bytes]]:
    """Start `count` `huribot worker` processes with this process's settings."""
    command = [sys.executable, "-m", "adapters.cli.main", "worker"]
    return [subprocess.Popen(command) for _ in range(count)]


def stop_workers(workers: list[subprocess.Popen[bytes]]) -> None:
    """Ask the workers to finish their current answers and exit."""
    for worker in workers:
        worker.send_signal(signal.SIGTERM)
    for worker in workers:
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()


def worker() -> None:
    """Answer stored questions (run by `huribot serve` when HURIBOT_ANSWER_WORKERS > 0, or on
    its own, e.g. as another container), until stopped."""

    async def _work(services: Services) -> None:
        slack = slack_parts(services)
        teams = teams_parts(services)
        answerers = {"slack": slack[0].answer_event} if slack is not None else {}
        if teams is not None:
            answerers["teams"] = teams[0].answer_event
        answer_worker = AnswerWorker(questions=services.assistant.questions, answerers=answerers)
        stop = stop_on_signals()
        loops = [
            asyncio.create_task(every(interval, work, stop=stop, name=name))
            for name, interval, work in (
                ("answers", WORKER_POLL_SECONDS, answer_worker.run_until_idle),
                ("knowledge-sync", SYNC_INTERVAL_SECONDS, services.knowledge.sync),
                ("embeddings", EMBED_INTERVAL_SECONDS, services.knowledge.embed_missing),
            )
        ]
        logger.info("worker.started", platforms=sorted(answerers))
        try:
            await stop.wait()
        finally:
            stop.set()
            await asyncio.gather(*loops)
            if slack is not None:
                await slack[0].aclose()

    with_services(_work)


def stop_on_signals() -> asyncio.Event:
    """An event set by SIGINT or SIGTERM, installed first thing so that a stop asked for
    during start-up (a slow database, Slack unreachable) is honoured at once."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    return stop


def readiness_checks(
    services: Services, slack: tuple[SlackBot, SlackSender] | None, link: SocketModeLink | None
) -> dict[str, Check]:
    """What `/readyz` asks: the database, and Slack's link (Socket Mode) or its bot token
    (HTTP mode). Teams holds no connection to check: it calls `POST /api/messages`."""
    checks: dict[str, Check] = {"database": database_check(services.database)}
    if link is not None:
        checks["slack"] = link.readiness
    elif slack is not None:
        checks["slack"] = BotTokenCheck(slack[0].client)
    return checks


def serve() -> None:
    """Run the web server (health check, Slack and Teams endpoints), Socket Mode when set, the
    outbox dispatcher, the calendar scheduler, knowledge-base sync with other processes and
    upkeep, until stopped."""

    async def _work(services: Services) -> None:
        stop = stop_on_signals()
        settings = services.settings
        slack = slack_parts(services)
        mode = slack_mode(settings)
        http_slack = slack[0].app if slack is not None and mode == "http" else None
        link = None
        if slack is not None and settings.slack_app_token is not None and mode == "socket":
            link = SocketModeLink(slack[0].app, settings.slack_app_token.get_secret_value())
        teams = teams_parts(services)
        web_app = build_web_app(
            slack=http_slack,
            teams=teams[0].route() if teams is not None else None,
            database=services.database,
            readiness=readiness_checks(services, slack, link),
        )
        runner = web.AppRunner(web_app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, settings.host, settings.port).start()
        if link is not None:
            link.start()
        senders: list[Sender] = [parts[1] for parts in (slack, teams) if parts is not None]
        dispatcher = Dispatcher(
            database=services.database,
            senders=senders,
            codec=payload_codec(),
            report_to=services.moderation.moderators_conversation,
        )
        housekeeping = Housekeeping(
            moderation=services.moderation,
            review_digest=ReviewDigest(
                database=services.database,
                moderators_conversation=services.moderation.moderators_conversation,
            ),
            remind_after=timedelta(days=settings.moderation_reminder_days),
            retention=timedelta(days=settings.question_retention_days),
            import_reminder=ImportReminder(
                database=services.database,
                moderators_conversation=services.moderation.moderators_conversation,
            ),
        )
        loops = [
            asyncio.create_task(every(interval, work, stop=stop, name=name))
            for name, interval, work in (
                ("outbox", OUTBOX_INTERVAL_SECONDS, dispatcher.run_once),
                ("knowledge-sync", SYNC_INTERVAL_SECONDS, services.knowledge.sync),
                ("embeddings", EMBED_INTERVAL_SECONDS, services.knowledge.embed_missing),
                ("housekeeping", HOUSEKEEPING_INTERVAL_SECONDS, housekeeping.run_once),
                ("calendar", CALENDAR_INTERVAL_SECONDS, services.scheduler.run_once),
            )
        ]
        chat = slack is not None or teams is not None
        workers = start_workers(settings.answer_workers if chat else 0)
        teams_mode = "off" if teams is None else "on" if settings.teams_app_id else "anonymous"
        out.print(
            f"HuriBot listening on http://{settings.host}:{settings.port} "
            f"(Slack: {mode}, Teams: {teams_mode})"
        )
        logger.info(
            "serve.started", host=settings.host, port=settings.port, slack=mode, teams=teams_mode
        )
        try:
            await stop.wait()
        finally:
            stop_workers(workers)
            stop.set()
            await asyncio.gather(*loops)
            if link is not None:
                await link.close()
            await runner.cleanup()
            if teams is not None:
                await teams[0].settle()
            if slack is not None:
                await slack[0].aclose()

    with_services(_work)
