"""The one path of a question: taken in (persisted first), answered, posted through the
asker's reply channel, logged, and escalated to the Secretariat when the bot cannot answer or
the platform refuses the answer.

Adapters call `receive` before they acknowledge the platform, so a crash never loses a
question, then `answer` with a `ReplyChannel` for the asker's conversation. Workers answer the
same way, with channels their platform's factory makes from the stored conversation.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

import structlog

from bot import metrics
from bot.chat.pacing import Pacing
from bot.chat.router import Router
from bot.clock import Clock, system_clock
from bot.db.claims import LEASE
from bot.db.outage import retry_while_unreachable
from bot.messages import ConversationRef, IncomingMessage, Reply, ReplyKind
from bot.moderation.queue import Moderation
from bot.questions.log import (
    LOGGED_KINDS,
    NEEDS_SECRETARIAT,
    Feedback,
    NotTheAskerError,
    QuestionLog,
    RecentQuestions,
    UnknownQuestionError,
)
from knowledge.language import detect_language

logger = structlog.get_logger(__name__)

FEEDBACK_THANKS = {
    Feedback.HELPFUL: "Thanks for the feedback: glad it helped.",
    Feedback.NOT_HELPFUL: "Thanks for telling us. I've passed your question to the "
    "Secretariat's moderators, who will answer here in this thread.",
    Feedback.ASK_SECRETARIAT: "Done: your question is with the Secretariat's moderators. "
    "Their answer will come back to you in this thread.",
}


QUESTIONS_PER_MINUTE = 10
CONVERSATION_QUESTIONS_PER_MINUTE = 30
MINUTE = timedelta(minutes=1)
SLOW_DOWN = {
    "en": "You are asking faster than I can answer well. Please wait a minute, then ask "
    "again, one question at a time.",
    "fr": "Vous posez vos questions plus vite que je ne peux bien y répondre. Attendez une "
    "minute, puis reposez-les, une à la fois.",
    "es": "Está preguntando más rápido de lo que puedo responder bien. Espere un minuto y "
    "vuelva a preguntar, una pregunta a la vez.",
}
BUSY_CONVERSATION = {
    "en": "This conversation is sending me more questions than I can answer well. Please "
    "wait a minute, then ask again.",
    "fr": "Cette conversation m'envoie plus de questions que je ne peux bien en traiter. "
    "Attendez une minute, puis reposez votre question.",
    "es": "Esta conversación me envía más preguntas de las que puedo responder bien. Espere "
    "un minuto y vuelva a preguntar.",
}
QUESTION_GONE = (
    "That question is no longer in the log (questions are deleted after a while, or on "
    "request), so the rating was not recorded. If you still need an answer, ask again."
)
NOT_THE_ASKER = (
    "Only the colleague who asked can rate this answer. If it does not answer your own "
    "question, ask it yourself: I will answer you, or pass it to the Secretariat."
)


@dataclass(frozen=True, slots=True)
class Received:
    """A question that was stored and still needs an answer."""

    question_id: int
    message: IncomingMessage


class ReplyChannel(Protocol):
    """Posts replies in one conversation (and thread) of one platform; raises when the
    platform refuses them."""

    async def post(self, replies: Sequence[Reply]) -> None:
        """Send the replies, in order."""


ChannelFactory = Callable[[ConversationRef], ReplyChannel]
"""Makes the reply channel of a stored conversation (workers answer through these)."""


class Intake:
    """Ties the router to the question log and to the asker's reply channel."""

    def __init__(
        self,
        *,
        router: Router,
        questions: QuestionLog,
        moderation: Moderation | None = None,
        questions_per_minute: int = QUESTIONS_PER_MINUTE,
        conversation_questions_per_minute: int = CONVERSATION_QUESTIONS_PER_MINUTE,
        clock: Clock = system_clock,
        lease: timedelta = LEASE,
        pacing: Pacing | None = None,
    ) -> None:
        """A member asking more than `questions_per_minute`, or anyone in a conversation
        that sent more than `conversation_questions_per_minute`, is asked to slow down. What a
        member got is recorded through a database outage for as long as the claim's `lease`
        holds, so a reply posted just before it is not posted again after it."""
        self._router = router
        self.questions = questions
        self.moderation = moderation
        self._per_minute = questions_per_minute
        self._per_conversation = conversation_questions_per_minute
        self._clock = clock
        self._lease = lease
        self.pacing = pacing or Pacing()
        """Adapters receive under it; each step of an answer waits for its turn."""

    async def receive(self, message: IncomingMessage, *, event_key: str | None) -> Received | None:
        """Store the question; None for a platform retry of one already stored."""
        question_id = await self.questions.record(message, event_key=event_key)
        if question_id is None:
            return None
        metrics.QUESTIONS.labels(message.ref.platform).inc()
        return Received(question_id=question_id, message=message)

    async def respond(self, received: Received) -> list[Reply]:
        """The replies to a stored question (call `delivered` once they reached the member)."""
        await self.pacing.turn()
        replies = await self._router.handle(received.message)
        return [dataclasses.replace(r, question_id=received.question_id) for r in replies]

    async def delivered(self, received: Received, replies: list[Reply]) -> None:
        """Note in the log what the member got; an abstention goes to the Secretariat."""
        platform = received.message.ref.platform
        waited = self._clock() - received.message.received_at
        metrics.ANSWER_SECONDS.labels(platform).observe(max(waited.total_seconds(), 0.0))
        for reply in replies:
            metrics.REPLIES.labels(platform, reply.kind.value).inc()
            if reply.kind in LOGGED_KINDS:
                await self.questions.record_reply(received.question_id, reply)
            if reply.kind is ReplyKind.ABSTAIN:
                await self._to_secretariat(received.question_id)
        if not any(reply.kind in LOGGED_KINDS for reply in replies):
            await self.questions.record_replied(received.question_id)

    async def _recent(self, received: Received, *, claim: bool) -> RecentQuestions | None:
        """How many questions the asker and their conversation sent in the last minute, the
        question claimed first unless the caller did (`claim`); None when it was taken."""
        await self.pacing.turn()
        since = received.message.received_at - MINUTE
        if not claim:
            return await self.questions.recent_questions(received.question_id, since=since)
        recent = await self.questions.claim_counting(received.question_id, since=since)
        if recent is None:
            logger.info("intake.taken_elsewhere", question=received.question_id)
        return recent

    def _flood_notice(self, recent: RecentQuestions) -> dict[str, str] | None:
        """What to say instead of answering when the asker, or their conversation, is
        asking faster than the limits allow; None when neither is."""
        if recent.by_asker > self._per_minute:
            return SLOW_DOWN
        if recent.in_conversation > self._per_conversation:
            return BUSY_CONVERSATION
        return None

    async def _slow_down(
        self, received: Received, channel: ReplyChannel, notice: dict[str, str]
    ) -> list[Reply]:
        """Ask a member (or conversation) flooding the bot to wait: answered, but neither
        searched nor sent to the moderators, so a flood cannot fill their channel."""
        message = received.message
        language = detect_language(message.text, hint=message.language)
        reply = Reply(kind=ReplyKind.SMALLTALK, text=notice.get(language, notice["en"]))
        logger.info(
            "intake.flood",
            question=received.question_id,
            user=message.user_id,
            conversation=message.ref.conversation_id,
        )
        await self.deliver(received, [reply], channel)
        return [reply]

    async def take(self, received: Received) -> bool:
        """Claim a stored question before answering it, so whoever answers (this process,
        another, or a worker) answers it once; False when it was taken already."""
        await self.pacing.turn()
        if await self.questions.claim(received.question_id):
            return True
        logger.info("intake.taken_elsewhere", question=received.question_id)
        return False

    async def answer(
        self, received: Received, channel: ReplyChannel, *, taken: bool = False
    ) -> list[Reply]:
        """Answer a stored question through `channel`, and log what the member got; nothing
        when another answerer took it first (`taken`: the caller claimed it already)."""
        recent = await self._recent(received, claim=not taken)
        if recent is None:
            return []
        notice = self._flood_notice(recent)
        if notice is not None:
            return await self._slow_down(received, channel, notice)
        replies = await self.respond(received)
        await self.deliver(received, replies, channel)
        return replies

    async def deliver(
        self, received: Received, replies: list[Reply], channel: ReplyChannel
    ) -> None:
        """Post `replies` through `channel`, then log what the member got (waiting for a
        database that went away meanwhile); if the platform refused them, the question goes to
        a human instead."""
        await self.pacing.turn()
        try:
            await channel.post(replies)
        except Exception:
            await self.undelivered(received)
            raise
        await retry_while_unreachable(
            lambda: self.delivered(received, replies), patience=self._lease, what="delivered"
        )

    async def undelivered(self, received: Received) -> None:
        """The platform refused the answer: the member got nothing, so a human should look."""
        logger.warning("intake.undelivered", question=received.question_id)
        metrics.FAILURES.labels("answer_delivery").inc()
        await self._to_secretariat(received.question_id, force_open=True)

    async def feedback(self, question_id: int, feedback: Feedback, *, user_id: str) -> str:
        """Store a rating and return the short acknowledgement to show the member."""
        try:
            await self.questions.record_feedback(question_id, feedback, user_id=user_id)
        except NotTheAskerError:
            return NOT_THE_ASKER
        except UnknownQuestionError:  # purged or deleted since the answer was posted
            return QUESTION_GONE
        if feedback in NEEDS_SECRETARIAT:
            await self._to_secretariat(question_id)
        return FEEDBACK_THANKS[feedback]

    async def _to_secretariat(self, question_id: int, *, force_open: bool = False) -> None:
        if force_open:
            await self.questions.reopen(question_id)
        if self.moderation is not None:
            await self.moderation.open_question(question_id)
