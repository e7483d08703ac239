"""The Slack app: a persisting middleware, then listeners that answer, rate and show.

Questions are written to the question log in a global middleware, which runs before bolt
acknowledges the request, so a crash after the ack never loses one; a repeated event (Slack's
retries) is acknowledged and dropped there. Listeners then answer and post in the thread.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

import aiohttp
import structlog
from aiohttp import web
from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_bolt.response import BoltResponse
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from adapters.inflight import InFlight
from adapters.slack.blocks import (
    FEEDBACK_ACTION,
    RELATED_ACTION,
    fallback_text,
    home_view,
    reply_blocks,
)
from adapters.slack.endpoint import Handler, slack_endpoint
from adapters.slack.moderation import SlackModeration
from adapters.slack.mrkdwn import escape, truncate
from adapters.slack.payload_shape import (
    MalformedPayloadError,
    button_id,
    button_value,
    channel_of,
    tolerant,
)
from adapters.slack.translate import (
    PLATFORM,
    plain_text,
    question_from_command,
    question_from_event,
)
from adapters.wording import GONE_TEXT
from bot.answers.answerer import Answerer
from bot.chat.commands import ChatCommands, CommandContext
from bot.chat.intake import ChannelFactory, Intake, Received
from bot.chat.router import HELP_TEXT
from bot.clock import Clock, system_clock
from bot.messages import ConversationRef, Reply
from bot.moderation.directory import Actor
from bot.questions.log import Feedback

logger = structlog.get_logger(__name__)

RECEIVED_KEY = "huribot_received"
ECHO_CHARS = 500
"""A slash command's question is echoed in the channel at most this long (the whole of it is
answered, or refused as too long, in the thread)."""
RATE_LIMIT_RETRIES = 5
SERVER_ERROR_RETRIES = 3
"""A 500 or 503 from Slack is retried with back-off (0.5 s, 1 s, 2 s) before the answer is
given up and the question handed to the Secretariat."""
ANSWER_CONCURRENCY = 4
"""Questions answered at once; acknowledgements (which Slack wants within 3 s) must not queue
behind a burst of answers. The questions are already stored, so the rest wait their turn."""
NOT_IN_CHANNEL = (
    "I'm not in this channel yet, so its digests could not be posted here. Invite me with "
    "`/invite @HuriBot`, then type the subscribe command again."
)


@dataclass(frozen=True, slots=True)
class SlackConfig:
    """Credentials and the Web API address (Slack's own, GovSlack's, or a test server)."""

    bot_token: str
    signing_secret: str | None
    api_url: str
    call_timeout: int = 10
    """Seconds any one Web API call may take: none may hang an answer (and, with it, one of
    the few answering slots) longer."""


def http_session(call_timeout: float) -> aiohttp.ClientSession:
    """The HTTP session Web API clients share. slack_sdk applies its own `timeout` only to
    sessions it makes itself, so a shared one must carry the limit (aiohttp's default is five
    minutes, during which a hung call would hold an answering slot)."""
    return aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=call_timeout))


def web_client(config: SlackConfig, *, session: aiohttp.ClientSession) -> AsyncWebClient:
    """A Web API client that waits out rate limits (429 + Retry-After) instead of failing, and
    keeps its connections to Slack open between calls (one shared HTTP session)."""
    return AsyncWebClient(
        token=config.bot_token,
        base_url=config.api_url,
        session=session,
        timeout=config.call_timeout,
        retry_handlers=[
            AsyncRateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES),
            AsyncServerErrorRetryHandler(max_retry_count=SERVER_ERROR_RETRIES),
            AsyncConnectionErrorRetryHandler(max_retry_count=2),
        ],
    )


async def post_replies(
    client: AsyncWebClient, *, channel: str, thread_ts: str | None, replies: list[Reply]
) -> None:
    """Post each reply as a Block Kit message in the conversation (and thread) given."""
    for reply in replies:
        await client.chat_postMessage(
            channel=channel,
            thread_ts=thread_ts,
            text=fallback_text(reply),
            blocks=reply_blocks(reply),
            unfurl_links=False,
            unfurl_media=False,
        )


@dataclass(frozen=True, slots=True)
class SlackThread:
    """The reply channel of a Slack conversation, in a thread when `thread_ts` is set."""

    client: AsyncWebClient
    channel: str
    thread_ts: str | None = None

    @classmethod
    def factory(cls, client: AsyncWebClient) -> ChannelFactory:
        """Reply channels of stored conversations (for workers)."""
        return lambda ref: cls(client, ref.conversation_id, ref.thread_id)

    async def post(self, replies: Sequence[Reply]) -> None:
        """Post each reply in the conversation (and thread)."""
        await post_replies(
            self.client, channel=self.channel, thread_ts=self.thread_ts, replies=list(replies)
        )


@dataclass(frozen=True, slots=True)
class ResponseUrl:
    """The reply channel of a slash command's response_url: private to the member, for
    where the bot may not post."""

    respond: AsyncRespond

    async def post(self, replies: Sequence[Reply]) -> None:
        """Send each reply privately."""
        for reply in replies:
            await self.respond(text=fallback_text(reply), blocks=reply_blocks(reply))


def _on_private_answer(body: dict[str, Any]) -> bool:
    """True for a button under an answer only its asker sees (delivered through a slash
    command's response_url where the bot may not post): Slack marks the container ephemeral
    and sends no message. Replies must then go back the same private way."""
    return bool(body.get("container", {}).get("is_ephemeral"))


async def _tell_privately(
    body: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond, text: str
) -> None:
    """A line only the member who pressed a button sees, in the answer's thread."""
    if _on_private_answer(body):
        await respond(text=text, response_type="ephemeral", replace_original=False)
        return
    container = body.get("container", {})
    await client.chat_postEphemeral(
        channel=channel_of(body),
        thread_ts=container.get("thread_ts") or container.get("message_ts"),
        user=body["user"]["id"],
        text=text,
    )


class SlackBot:
    """Registers HuriBot's middleware and listeners on a bolt `AsyncApp`."""

    def __init__(
        self,
        *,
        config: SlackConfig,
        intake: Intake,
        answerer: Answerer,
        moderation: SlackModeration | None = None,
        clock: Clock = system_clock,
        answer_concurrency: int = ANSWER_CONCURRENCY,
        answer_inline: bool = True,
        commands: ChatCommands | None = None,
    ) -> None:
        """With `answer_inline` false, events are only stored and acknowledged here, and
        `huribot worker` answers them (slash commands are always answered here)."""
        self._intake = intake
        self._answerer = answerer
        self._moderation = moderation
        self._clock = clock
        self.answering = InFlight(answer_concurrency)
        """The answers under way (`serve` lets them finish before it stops)."""
        self._answer_inline = answer_inline
        self._commands = commands
        self._signing_secret = config.signing_secret
        self.session = http_session(config.call_timeout)
        self.client = web_client(config, session=self.session)
        self.channels = SlackThread.factory(self.client)
        """The reply channel of each conversation."""
        self.app = AsyncApp(
            client=self.client,
            signing_secret=config.signing_secret,
            request_verification_enabled=config.signing_secret is not None,
            process_before_response=False,
        )
        self._register()

    def route(self) -> Handler:
        """The handler of `POST /slack/events` (HTTP mode): signature first, then bolt; while
        it runs, answers wait (Slack retries an event not acknowledged within 3 s)."""
        endpoint = slack_endpoint(self.app, self._signing_secret)

        async def acknowledge_first(request: web.Request) -> web.Response:
            with self._intake.pacing.receiving():
                return await endpoint(request)

        return acknowledge_first

    async def settle(self, timeout: float | None = None) -> bool:
        """Wait for the answers under way; False when `timeout` seconds passed first."""
        return await self.answering.settle(timeout)

    async def aclose(self) -> None:
        """Close the connections to Slack."""
        await self.session.close()

    def _register(self) -> None:
        app = self.app
        app.middleware(self._persist_question)
        app.event("app_mention")(self._answer_event)
        app.event("message")(self._answer_event)
        app.event("app_home_opened")(self._publish_home)
        app.command("/huribot")(self._answer_command)
        app.action(re.compile(f"^{FEEDBACK_ACTION}_"))(tolerant(self._rate))
        app.action(re.compile(f"^{RELATED_ACTION}_"))(tolerant(self._show_related))
        app.error(self._log_error)
        if self._moderation is not None:
            self._moderation.register(app)

    async def _persist_question(
        self, body: dict[str, Any], context: AsyncBoltContext, next: Callable[[], Awaitable[None]]
    ) -> BoltResponse | None:
        """Store a question before bolt acknowledges it; drop Slack's retries of stored ones."""
        now = self._clock()
        found = question_from_event(body, now=now) or question_from_command(body, now=now)
        if found is not None:
            with self._intake.pacing.receiving():  # also over Socket Mode, where no route is
                received = await self._intake.receive(found.message, event_key=found.event_key)
            if received is None:
                return BoltResponse(status=200, body="")
            context[RECEIVED_KEY] = received
        await next()
        return None

    async def _answer_event(self, context: AsyncBoltContext) -> None:
        received: Received | None = context.get(RECEIVED_KEY)
        if received is None or not self._answer_inline:
            return
        await self.answer_event(received)

    async def answer_event(self, received: Received) -> None:
        """Answer a stored mention or direct message in its thread (here, or in a worker)."""
        async with self.answering.slot():
            await self._intake.answer(received, self.channels(received.message.ref))

    async def _command_text(self, command: dict[str, Any]) -> str:
        """Help, or a chat command (`calendar KEN`, `subscribe KEN`, `stats`...)."""
        if self._commands is None:
            return HELP_TEXT
        context = CommandContext(
            actor=Actor(platform=PLATFORM, user_id=str(command["user_id"])),
            ref=ConversationRef(
                platform=PLATFORM,
                conversation_id=str(command.get("channel_id")),
                tenant_id=command.get("team_id"),
            ),
        )
        text = plain_text(str(command.get("text", "")))
        return await self._commands.run(text, context=context) or HELP_TEXT

    async def _answer_command(
        self,
        ack: AsyncAck,
        command: dict[str, Any],
        context: AsyncBoltContext,
        client: AsyncWebClient,
        respond: AsyncRespond,
    ) -> None:
        received: Received | None = context.get(RECEIVED_KEY)
        if received is None:
            if await self._subscribing_where_absent(command, client):
                await ack(text=NOT_IN_CHANNEL)
                return
            await ack(text=await self._command_text(command))
            return
        await ack()
        async with self.answering.slot():
            await self._answer_privately_or_in_thread(received, client, respond)

    async def _subscribing_where_absent(
        self, command: dict[str, Any], client: AsyncWebClient
    ) -> bool:
        """True for `subscribe` in a channel the bot is not in: every digest there would fail
        with `not_in_channel`, so the member is told to invite it first."""
        words = plain_text(str(command.get("text", ""))).split()
        channel = str(command.get("channel_id", ""))
        if not words or words[0].casefold() != "subscribe" or not channel.startswith(("C", "G")):
            return False
        try:
            info = await client.conversations_info(channel=channel)
        except SlackApiError as exc:  # cannot tell (e.g. a private channel it cannot see)
            logger.info("slack.membership_unknown", error=exc.response.get("error"))
            return bool(exc.response.get("error") == "channel_not_found")
        return not bool(info["channel"].get("is_member"))

    async def _answer_privately_or_in_thread(
        self, received: Received, client: AsyncWebClient, respond: AsyncRespond
    ) -> None:
        """Echo a slash command's question in the channel and answer in that thread, or answer
        privately through the response URL where the bot may not post."""
        if not await self._intake.take(received):
            return
        replies = await self._intake.respond(received)
        message = received.message
        try:
            echo = await client.chat_postMessage(
                channel=message.ref.conversation_id,
                text=f"<@{message.user_id}> asked: {truncate(escape(message.text), ECHO_CHARS)}",
            )
        except SlackApiError as exc:
            logger.info("slack.command_private", error=exc.response.get("error"))
            await self._intake.deliver(received, replies, ResponseUrl(respond))
            return
        thread_ts = str(echo["ts"])
        await self._intake.questions.move_to_thread(received.question_id, thread_ts)
        thread = SlackThread(client, message.ref.conversation_id, thread_ts)
        await self._intake.deliver(received, replies, thread)

    async def _rate(
        self,
        ack: AsyncAck,
        body: dict[str, Any],
        action: dict[str, Any],
        client: AsyncWebClient,
        respond: AsyncRespond,
    ) -> None:
        await ack()
        rating = action["action_id"].removeprefix(f"{FEEDBACK_ACTION}_")
        if rating not in {feedback.value for feedback in Feedback}:
            raise MalformedPayloadError(f"no rating is called {rating[:40]!r}")
        user = body["user"]["id"]
        thanks = await self._intake.feedback(button_id(action), Feedback(rating), user_id=user)
        await _tell_privately(body, client, respond, thanks)

    async def _show_related(
        self,
        ack: AsyncAck,
        body: dict[str, Any],
        action: dict[str, Any],
        client: AsyncWebClient,
        respond: AsyncRespond,
    ) -> None:
        await ack()
        reply = await self._answerer.present(button_value(action))
        if reply is None:
            await _tell_privately(body, client, respond, GONE_TEXT)
            return
        if _on_private_answer(body):
            await respond(
                text=fallback_text(reply),
                blocks=reply_blocks(reply),
                response_type="ephemeral",
                replace_original=False,
            )
            return
        container = body.get("container", {})
        thread = container.get("thread_ts") or container.get("message_ts")
        await post_replies(client, channel=channel_of(body), thread_ts=thread, replies=[reply])

    async def _publish_home(self, event: dict[str, Any], client: AsyncWebClient) -> None:
        if event.get("tab", "home") != "home":
            return
        recent = await self._intake.questions.recent(platform=PLATFORM, user_id=event["user"])
        view = home_view([(q.text, q.status) for q in recent])
        await client.views_publish(user_id=event["user"], view=view)

    async def _log_error(self, error: Exception, body: dict[str, Any]) -> None:
        logger.error(
            "slack.listener_failed",
            error=repr(error),
            payload_type=body.get("type"),
            event_type=(body.get("event") or {}).get("type"),
        )
