"""The chat platforms as configured: Slack's and Teams' bots and outbox senders, and the
moderator directory that also counts the members of their moderators' channels.

Everything here is built from settings, in dependency order (platform clients, then the
directory, then the core services, then the bots), so no service is changed once built.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Literal

import aiohttp

from adapters.readiness import Check, database_check, opened_check
from adapters.slack.app import SlackBot, SlackConfig, http_session, web_client
from adapters.slack.moderation import SlackModeration, channel_members
from adapters.slack.sender import SlackSender
from adapters.slack.socket_mode import SocketModeLink
from adapters.slack.token_check import BotTokenCheck
from adapters.wiring.services import Services, moderators_conversations, open_services
from bot.delivery.dispatcher import Sender
from bot.moderation.directory import ChannelModerators, ModeratorDirectory, Moderators
from bot.settings import Settings

if TYPE_CHECKING:  # Teams' modules load the Agents SDK: imported only when Teams is on
    from adapters.teams.app import TeamsBot
    from adapters.teams.connector import TeamsConnector
    from adapters.teams.sender import TeamsSender


def slack_config(settings: Settings) -> SlackConfig | None:
    """Slack's credentials and API address, when a bot token is configured."""
    if settings.slack_bot_token is None:
        return None
    secret = settings.slack_signing_secret
    return SlackConfig(
        bot_token=settings.slack_bot_token.get_secret_value(),
        signing_secret=secret.get_secret_value() if secret is not None else None,
        api_url=settings.slack_api_url,
        call_timeout=settings.platform_timeout_seconds,
    )


def teams_connector(settings: Settings) -> TeamsConnector | None:
    """The Bot Connector client, when Teams is configured (or anonymous)."""
    if not settings.teams_enabled:
        return None
    from adapters.teams.connector import TeamsConfig, TeamsConnector  # noqa: PLC0415

    password = settings.teams_app_password
    return TeamsConnector(
        TeamsConfig(
            app_id=settings.teams_app_id,
            app_password=password.get_secret_value() if password is not None else None,
            certificate_path=settings.teams_certificate_path,
            tenant_id=settings.teams_tenant_id,
            allow_anonymous=settings.teams_allow_anonymous,
            call_timeout=settings.platform_timeout_seconds,
        )
    )


def moderator_directory(
    settings: Settings,
    *,
    slack_session: aiohttp.ClientSession | None,
    connector: TeamsConnector | None,
) -> ModeratorDirectory:
    """The configured moderators, plus the members of each platform's moderators' channel
    when one is set (the Secretariat adds a moderator by adding them to the channel)."""
    directory: ModeratorDirectory = Moderators(ids=settings.moderator_ids)
    config = slack_config(settings)
    channel = settings.slack_moderators_channel
    if config is not None and slack_session is not None and channel is not None:
        members = channel_members(web_client(config, session=slack_session), channel)
        directory = ChannelModerators(fallback=directory, platform="slack", members=members)
    teams_channel = next(
        (r for r in moderators_conversations(settings) if r.platform == "teams"), None
    )
    if connector is not None and teams_channel is not None:
        directory = ChannelModerators(
            fallback=directory, platform="teams", members=partial(connector.members, teams_channel)
        )
    return directory


def slack_parts(services: Services) -> tuple[SlackBot, SlackSender] | None:
    """The Slack bot and its outbox sender, when Slack credentials are configured."""
    config = slack_config(services.settings)
    if config is None:
        return None
    bot = SlackBot(
        config=config,
        intake=services.intake,
        answerer=services.answerer,
        moderation=SlackModeration(moderation=services.moderation),
        answer_inline=services.settings.answer_workers == 0,
        commands=services.commands,
    )
    return bot, SlackSender(client=bot.client, moderation=services.moderation)


def teams_parts(
    services: Services, connector: TeamsConnector | None = None
) -> tuple[TeamsBot, TeamsSender] | None:
    """The Teams bot and its outbox sender, when Teams is configured (or anonymous), on
    `connector` when the caller already made one."""
    connector = connector or teams_connector(services.settings)
    if connector is None:
        return None
    from adapters.teams.app import TeamsBot  # noqa: PLC0415  (see teams_connector)
    from adapters.teams.moderation import TeamsModeration  # noqa: PLC0415
    from adapters.teams.sender import TeamsSender  # noqa: PLC0415

    moderation = TeamsModeration(moderation=services.moderation, connector=connector)
    bot = TeamsBot(
        connector=connector,
        intake=services.intake,
        answerer=services.answerer,
        moderation=moderation,
        commands=services.commands,
        conversations=services.conversations,
        answer_inline=services.settings.answer_workers == 0,
    )
    return bot, TeamsSender(connector=connector, moderation=moderation)


def slack_mode(settings: Settings) -> Literal["socket", "http", "off"]:
    """Socket Mode when an app-level token is set, HTTP (`POST /slack/events`) when only the
    bot token and signing secret are, off without a bot token."""
    if settings.slack_bot_token is None:
        return "off"
    return "socket" if settings.slack_app_token is not None else "http"


@dataclass(frozen=True, slots=True)
class Platforms:
    """The core services with every configured platform's bot and sender."""

    services: Services
    slack: tuple[SlackBot, SlackSender] | None
    teams: tuple[TeamsBot, TeamsSender] | None

    @property
    def senders(self) -> list[Sender]:
        """The outbox senders of the configured platforms."""
        return [parts[1] for parts in (self.slack, self.teams) if parts is not None]

    @property
    def chat(self) -> bool:
        """Whether any chat platform is configured."""
        return self.slack is not None or self.teams is not None

    def socket_link(self) -> SocketModeLink | None:
        """Slack's Socket Mode link, when Slack runs in that mode."""
        token = self.services.settings.slack_app_token
        if self.slack is None or token is None or slack_mode(self.services.settings) != "socket":
            return None
        return SocketModeLink(self.slack[0].app, token.get_secret_value())

    async def settle(self, timeout: float) -> int:
        """Let the answers under way on every platform finish, for at most `timeout` seconds
        in all; returns how many were still under way when the time ran out."""
        deadline = asyncio.get_running_loop().time() + timeout
        left = 0
        for bot in (self.slack[0] if self.slack else None, self.teams[0] if self.teams else None):
            if bot is None:
                continue
            remaining = max(deadline - asyncio.get_running_loop().time(), 0.0)
            if not await bot.settle(remaining):
                left += bot.answering.count
        return left

    def readiness(self, link: SocketModeLink | None) -> dict[str, Check]:
        """What `/readyz` asks: the database, the search index (open), and Slack's link
        (Socket Mode) or its bot token (HTTP mode). Teams holds no connection to check: it
        calls `POST /api/messages`."""
        knowledge = self.services.knowledge
        checks: dict[str, Check] = {
            "database": database_check(self.services.database),
            "index": opened_check(lambda: knowledge.opened_from is not None, what="opening"),
        }
        if link is not None:
            checks["slack"] = link.readiness
        elif self.slack is not None:
            checks["slack"] = BotTokenCheck(self.slack[0].client)
        return checks


@asynccontextmanager
async def open_platforms(
    settings: Settings, *, connector: TeamsConnector | None = None, load_index: bool = True
) -> AsyncIterator[Platforms]:
    """Build the platforms and the services they share, in order; close them afterwards
    (Teams' pending turns finish, Slack's connections close). Teams talks through
    `connector` when the caller made one, else through one made from the settings; the
    index is opened unless the caller opens it itself (`load_index`)."""
    async with AsyncExitStack() as stack:
        slack_session = None
        if slack_config(settings) is not None:
            slack_session = http_session(settings.platform_timeout_seconds)
            stack.push_async_callback(slack_session.close)
        connector = connector or teams_connector(settings)
        directory = moderator_directory(settings, slack_session=slack_session, connector=connector)
        services = await stack.enter_async_context(
            open_services(settings, moderators=directory, load_index=load_index)
        )
        slack = slack_parts(services)
        if slack is not None:
            stack.push_async_callback(slack[0].aclose)
        teams = teams_parts(services, connector)
        if teams is not None:
            stack.push_async_callback(teams[0].settle)
        yield Platforms(services=services, slack=slack, teams=teams)
