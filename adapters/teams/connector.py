"""The Microsoft 365 Agents SDK set up for HuriBot: who may call us, and how we call Teams.

Inbound, Bot Framework JWTs are validated unless anonymous development mode is on. Outbound,
every message goes to the conversation's Bot Connector service URL through the SDK, in the
turn that received an activity or proactively from a stored `ConversationRef`, each call
under a time limit and retried when its failure is passing (`adapters.teams.retries`);
outside development, only Microsoft's service hosts are accepted as service URLs.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import structlog
from microsoft_agents.activity import (
    Activity,
    ActivityTypes,
    ChannelAccount,
    ChannelId,
    ConversationAccount,
)
from microsoft_agents.authentication.msal import MsalConnectionManager
from microsoft_agents.hosting.aiohttp import CloudAdapter
from microsoft_agents.hosting.core import (
    AgentAuthConfiguration,
    ClaimsIdentity,
    ConnectorClientBase,
    OutboundHostValidator,
    TurnContext,
)
from microsoft_agents.hosting.core.authorization import AuthenticationConstants, AuthTypes

from adapters.teams.nulls import NoNulls
from adapters.teams.retries import with_retries
from bot.messages import ConversationRef

logger = structlog.get_logger(__name__)

CHANNEL_ID = "msteams"


class _UnreadableAsWarning(logging.Filter):
    """The SDK logs every activity it cannot read as an error, with a traceback, before the
    endpoint answers it 400 and logs a warning of its own: an operator has nothing to fix, so
    the SDK's line is lowered to a warning and loses the traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.ERROR and str(record.msg).startswith("Validation error"):
            record.levelno, record.levelname = logging.WARNING, "WARNING"
            record.exc_info, record.exc_text = None, None
        return True


UNREADABLE_AS_WARNING = _UnreadableAsWarning()
SDK_ACTIVITY_LOGGER = "microsoft_agents.activity.activity"


class ServiceUrlRefusedError(PermissionError):
    """A stored reference points at a host that is not a Microsoft Bot Connector service."""


@dataclass(frozen=True, slots=True)
class TeamsConfig:
    """The bot's Entra identity, or none at all in anonymous development mode."""

    app_id: str | None = None
    app_password: str | None = None
    certificate_path: Path | None = None
    tenant_id: str | None = None
    allow_anonymous: bool = False
    call_timeout: float = 10.0
    """Seconds any one call to the Bot Connector may take."""

    def auth_configuration(self) -> AgentAuthConfiguration:
        """The SDK's view of our credentials (it validates tokens addressed to `app_id`)."""
        if self.allow_anonymous:
            return AgentAuthConfiguration(anonymous_allowed=True)
        return AgentAuthConfiguration(
            auth_type=AuthTypes.certificate if self.certificate_path else AuthTypes.client_secret,
            client_id=self.app_id,
            tenant_id=self.tenant_id,
            client_secret=self.app_password,
            cert_pfx_file=str(self.certificate_path) if self.certificate_path else None,
            anonymous_allowed=False,
        )


class TeamsConnector:
    """Owns the SDK adapter; sends activities to Teams conversations."""

    def __init__(self, config: TeamsConfig) -> None:
        self.config = config
        self.auth = config.auth_configuration()
        self.host_validator = OutboundHostValidator(enabled=not config.allow_anonymous)
        self.adapter = CloudAdapter(
            connection_manager=MsalConnectionManager(
                connections_configurations={"SERVICE_CONNECTION": self.auth}
            ),
            host_validator=self.host_validator,
        )
        self.adapter.on_turn_error = _log_turn_error
        self.adapter.use(NoNulls())
        logging.getLogger(SDK_ACTIVITY_LOGGER).addFilter(UNREADABLE_AS_WARNING)

    async def send(self, ref: ConversationRef, activity: Activity) -> str | None:
        """Post `activity` to the conversation of `ref` (in its reply chain when it has a
        thread), outside any incoming turn; returns the new activity's id."""
        sent: list[str | None] = []

        async def post(context: TurnContext) -> None:
            response = await context.send_activity(activity)
            sent.append(response.id if response else None)

        await self._proactively(ref, post, what="send")
        return sent[0] if sent else None

    async def reply(self, context: TurnContext, activity: Activity) -> None:
        """Send `activity` in the turn of `context` (to the member who just wrote)."""
        await with_retries(
            lambda: context.send_activity(activity), timeout=self.config.call_timeout, what="reply"
        )

    async def members(self, ref: ConversationRef) -> list[str]:
        """The Entra object ids of a conversation's members (for a channel: its team's)."""
        found: list[str] = []

        async def ask(context: TurnContext) -> None:
            # the SDK files the turn's connector client under its (abstract) protocol
            client = context.services.get(ConnectorClientBase)  # type: ignore[type-abstract]
            if client is None:
                raise RuntimeError("the Agents SDK gave this turn no connector client")
            accounts = await client.conversations.get_conversation_members(ref.conversation_id)
            found.extend(filter(None, map(_object_id, accounts)))

        await self._proactively(ref, ask, what="members")
        return found

    async def update(self, ref: ConversationRef, activity_id: str, activity: Activity) -> None:
        """Replace a message the bot posted earlier (a moderators' card, for instance)."""

        async def replace(context: TurnContext) -> None:
            activity.id = activity_id
            activity.conversation = context.activity.conversation
            activity.service_url = context.activity.service_url
            await context.update_activity(activity)

        await self._proactively(ref, replace, what="update")

    async def _proactively(
        self,
        ref: ConversationRef,
        callback: Callable[[TurnContext], Awaitable[None]],
        *,
        what: str,
    ) -> None:
        """Run `callback` in a turn continuing the conversation of `ref`, under the time
        limit and retried as `with_retries` says; its failure is raised here."""
        if not ref.service_url:
            raise ValueError(f"Teams conversation {ref.conversation_id} has no service URL")
        if not self.host_validator.is_allowed(ref.service_url):
            raise ServiceUrlRefusedError(f"service URL {ref.service_url} is not allowed")
        continuation = Activity(
            type=ActivityTypes.event,
            name="ContinueConversation",
            id=ref.thread_id,
            channel_id=ChannelId(CHANNEL_ID),
            service_url=ref.service_url,
            conversation=ConversationAccount(id=ref.conversation_id, tenant_id=ref.tenant_id),
            recipient=ChannelAccount(id=self.config.app_id or "huribot"),
        )
        await with_retries(
            lambda: self._continue(continuation, callback),
            timeout=self.config.call_timeout,
            what=what,
        )

    async def _continue(
        self, continuation: Activity, callback: Callable[[TurnContext], Awaitable[None]]
    ) -> None:
        failures: list[Exception] = []

        async def guarded(context: TurnContext) -> None:
            try:
                await callback(context)
            except Exception as exc:  # the SDK would only log it; the caller must know
                failures.append(exc)

        if self.config.allow_anonymous:
            await self.adapter.continue_conversation_with_claims(
                ClaimsIdentity(), continuation, guarded, AuthenticationConstants.AGENTS_SDK_SCOPE
            )
        else:
            await self.adapter.continue_conversation(
                self.config.app_id or "", continuation, guarded
            )
        if failures:
            raise failures[0]


async def _log_turn_error(context: TurnContext, error: Exception) -> None:
    """Log a failed turn; the member is not shown the exception (it may hold internals)."""
    activity = context.activity
    logger.error(
        "teams.turn_failed",
        error=repr(error),
        activity_type=activity.type,
        conversation=activity.conversation.id if activity.conversation else None,
    )


def _object_id(account: ChannelAccount) -> str | None:
    """A roster member's Entra object id: Teams' roster calls it `objectId` (the model knows
    only the `aadObjectId` of activities, so it arrives as an extra field)."""
    extra = account.model_extra or {}
    found = account.aad_object_id or extra.get("objectId")
    return str(found) if found else None
