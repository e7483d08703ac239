"""The Teams bot: the SDK hands it each activity; it stores questions, answers, takes ratings.

A question is written to the question log inside the turn, before the HTTP response goes
back to Teams, so a crash never loses one; it is answered after that, proactively into the
same reply chain (here, or by `huribot worker`), so a slow answer never holds the request.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import structlog
from microsoft_agents.activity import Activity, ActivityTypes
from microsoft_agents.hosting.core import TurnContext

from adapters.inflight import InFlight
from adapters.teams.cards import ACTION_KEY, FEEDBACK, RELATED, reply_activities, text_activity
from adapters.teams.connector import TeamsConnector
from adapters.teams.endpoint import TeamsRoute
from adapters.teams.moderation import TeamsModeration
from adapters.teams.translate import (
    PLATFORM,
    TeamsQuestion,
    conversation_ref,
    question_from_activity,
    user_id,
)
from adapters.wording import GONE_TEXT, OUT_OF_DATE_TEXT
from bot.answers.answerer import Answerer
from bot.chat.commands import ChatCommands, CommandContext
from bot.chat.intake import ChannelFactory, Intake, Received
from bot.chat.router import HELP_TEXT, is_command
from bot.clock import Clock, system_clock
from bot.db.types import row_id
from bot.delivery.conversations import KnownConversations
from bot.messages import ConversationRef, Reply
from bot.moderation.directory import Actor
from bot.questions.log import Feedback

logger = structlog.get_logger(__name__)

ANSWER_CONCURRENCY = 4
WELCOME_TEXT = "Hello, I'm **HuriBot**. " + HELP_TEXT
REMEMBERED = frozenset(
    {ActivityTypes.message, ActivityTypes.conversation_update, ActivityTypes.installation_update}
)
"""Activities after which the bot can message the conversation proactively."""


@dataclass(frozen=True, slots=True)
class TeamsConversation:
    """The reply channel of a Teams conversation (and reply chain), reached proactively
    through the Bot Connector, so it works from a worker or after a restart."""

    connector: TeamsConnector
    ref: ConversationRef

    @classmethod
    def factory(cls, connector: TeamsConnector) -> ChannelFactory:
        """Reply channels of stored conversations (for workers)."""
        return lambda ref: cls(connector, ref)

    async def post(self, replies: Sequence[Reply]) -> None:
        """Send each reply, in order, as one or more activities."""
        for reply in replies:
            for activity in reply_activities(reply):
                await self.connector.send(self.ref, activity)


class TeamsBot:
    """HuriBot's agent for the Microsoft 365 Agents SDK (`on_turn` is what the SDK calls)."""

    def __init__(
        self,
        *,
        connector: TeamsConnector,
        intake: Intake,
        answerer: Answerer,
        moderation: TeamsModeration | None = None,
        commands: ChatCommands | None = None,
        conversations: KnownConversations | None = None,
        clock: Clock = system_clock,
        answer_inline: bool = True,
        answer_concurrency: int = ANSWER_CONCURRENCY,
    ) -> None:
        """With `answer_inline` false, questions are only stored here, and `huribot worker`
        answers them. Conversations are remembered (with `conversations`) so scheduled
        messages can reach them later."""
        self.connector = connector
        self.channels = TeamsConversation.factory(connector)
        """The reply channel of each conversation."""
        self._intake = intake
        self._answerer = answerer
        self._moderation = moderation
        self._commands = commands
        self._conversations = conversations
        self._clock = clock
        self._answer_inline = answer_inline
        self.answering = InFlight(answer_concurrency)
        """The answers under way (`serve` lets them finish before it stops)."""
        self._tasks: set[asyncio.Task[None]] = set()

    async def on_turn(self, context: TurnContext) -> None:
        """Dispatch one incoming activity by its type."""
        activity = context.activity
        if activity.type in REMEMBERED and self._conversations is not None:
            ref = conversation_ref(activity, in_reply_chain=False)
            await self._conversations.remember(ref, now=self._clock())
        if activity.type == ActivityTypes.message:
            if isinstance(activity.value, Mapping):
                await self._on_submit(context, activity.value)
            else:
                await self._on_message(context)
        elif activity.type == ActivityTypes.conversation_update:
            await self._on_conversation_update(context)
        elif activity.type == ActivityTypes.invoke and self._moderation is not None:
            await self._moderation.on_invoke(context)

    def route(self) -> TeamsRoute:
        """What the web server needs to serve `POST /api/messages` for this bot."""
        return TeamsRoute(adapter=self.connector.adapter, agent=self, auth=self.connector.auth)

    async def settle(self, timeout: float | None = None) -> bool:
        """Wait for the answers being sent (before shutting down, and in tests); False when
        `timeout` seconds passed first."""
        loop = asyncio.get_running_loop()
        deadline = None if timeout is None else loop.time() + timeout
        while self._tasks:  # answers may start others (a notice after a failure)
            left = None if deadline is None else max(deadline - loop.time(), 0.0)
            _, pending = await asyncio.wait(set(self._tasks), timeout=left)  # never cancels
            if pending:
                return False
        return True

    async def _on_message(self, context: TurnContext) -> None:
        activity = context.activity
        found = question_from_activity(activity, now=self._clock())
        if found is None:
            return
        if self._commands is not None and is_command(found.message.text):
            answer = await self._command(self._commands, activity, found)
            await self.connector.reply(context, text_activity(answer))
            return
        with self._intake.pacing.receiving():  # stored before any answer takes the loop
            received = await self._intake.receive(found.message, event_key=found.event_key)
        if received is not None and self._answer_inline:
            self._spawn(self.answer_event(received))

    @staticmethod
    async def _command(commands: ChatCommands, activity: Activity, found: TeamsQuestion) -> str:
        """A chat command (`subscribe KEN`, `stats`...) typed to the bot, run for this
        conversation (not its reply chain: digests start their own posts)."""
        command = CommandContext(
            actor=Actor(PLATFORM, found.message.user_id),
            ref=conversation_ref(activity, in_reply_chain=False),
        )
        return await commands.run(found.message.text, context=command) or HELP_TEXT

    async def answer_event(self, received: Received) -> None:
        """Answer a stored question in its conversation and reply chain (here, or in a worker)."""
        async with self.answering.slot():
            await self._intake.answer(received, self.channels(received.message.ref))

    async def _on_submit(self, context: TurnContext, value: Mapping[str, Any]) -> None:
        """A card's button: a rating, a related item, or (for moderators) a group action."""
        action = value.get(ACTION_KEY)
        if action == FEEDBACK:
            await self.connector.reply(
                context, text_activity(await self._rate(context.activity, value))
            )
        elif action == RELATED:
            item = value.get("reply_id")
            if not isinstance(item, str):
                await self.connector.reply(context, text_activity(OUT_OF_DATE_TEXT))
                return
            reply = await self._answerer.present(item)
            shown = reply_activities(reply) if reply is not None else [text_activity(GONE_TEXT)]
            for activity in shown:
                await self.connector.reply(context, activity)
        elif self._moderation is not None:
            await self._moderation.on_submit(context, value)

    async def _rate(self, activity: Activity, value: Mapping[str, Any]) -> str:
        """Store a rating; the thanks to show, or why a button out of date did nothing."""
        question_id = row_id(value.get("question_id"))
        rating = value.get("feedback")
        if question_id is None or rating not in {feedback.value for feedback in Feedback}:
            return OUT_OF_DATE_TEXT
        return await self._intake.feedback(question_id, Feedback(rating), user_id=user_id(activity))

    async def _on_conversation_update(self, context: TurnContext) -> None:
        """Greet a conversation the bot was just added to."""
        activity = context.activity
        bot_id = activity.recipient.id if activity.recipient else None
        if any(member.id == bot_id for member in activity.members_added or ()):
            logger.info("teams.installed", conversation=activity.conversation.id)
            await self.connector.reply(context, text_activity(WELCOME_TEXT))

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(self._logged(work))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    @staticmethod
    async def _logged(work: Coroutine[Any, Any, None]) -> None:
        try:
            await work
        except Exception as exc:  # the question is stored and went to a human: log and go on
            logger.error("teams.answer_failed", error=repr(exc))
