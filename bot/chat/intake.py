"""What adapters call: take a question in (persisted first), answer it, take feedback.

Adapters call `receive` before they acknowledge the platform, so a crash never loses a
question, then `respond` after acknowledging, and render what it returns.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable
from dataclasses import dataclass

import structlog

from bot.chat.router import Router
from bot.messages import IncomingMessage, Reply, ReplyKind
from bot.moderation.queue import Moderation
from bot.questions.log import LOGGED_KINDS, NEEDS_SECRETARIAT, Feedback, QuestionLog

logger = structlog.get_logger(__name__)

FEEDBACK_THANKS = {
    Feedback.HELPFUL: "Thanks for the feedback: glad it helped.",
    Feedback.NOT_HELPFUL: "Thanks for telling us. I've passed your question to the "
    "Secretariat's moderators, who will answer here in this thread.",
    Feedback.ASK_SECRETARIAT: "Done: your question is with the Secretariat's moderators. "
    "Their answer will come back to you in this thread.",
}


@dataclass(frozen=True, slots=True)
class Received:
    """A question that was stored and still needs an answer."""

    question_id: int
    message: IncomingMessage


class Assistant:
    """Ties the router to the question log."""

    def __init__(
        self, *, router: Router, questions: QuestionLog, moderation: Moderation | None = None
    ) -> None:
        self._router = router
        self.questions = questions
        self.moderation = moderation

    async def receive(self, message: IncomingMessage, *, event_key: str | None) -> Received | None:
        """Store the question; None for a platform retry of one already stored."""
        question_id = await self.questions.record(message, event_key=event_key)
        if question_id is None:
            return None
        return Received(question_id=question_id, message=message)

    async def respond(self, received: Received) -> list[Reply]:
        """The replies to a stored question (call `delivered` once they reached the member)."""
        replies = await self._router.handle(received.message)
        return [dataclasses.replace(r, question_id=received.question_id) for r in replies]

    async def delivered(self, received: Received, replies: list[Reply]) -> None:
        """Note in the log what the member got; an abstention goes to the Secretariat."""
        for reply in replies:
            if reply.kind in LOGGED_KINDS:
                await self.questions.record_reply(received.question_id, reply)
            if reply.kind is ReplyKind.ABSTAIN:
                await self._to_secretariat(received.question_id)

    async def deliver(
        self, received: Received, replies: list[Reply], posting: Awaitable[None]
    ) -> None:
        """Await `posting` (the adapter sending `replies`), then log what the member got; if
        the platform refused it, the question goes to a human instead."""
        try:
            await posting
        except Exception:
            await self.undelivered(received)
            raise
        await self.delivered(received, replies)

    async def undelivered(self, received: Received) -> None:
        """The platform refused the answer: the member got nothing, so a human should look."""
        logger.warning("assistant.undelivered", question=received.question_id)
        await self._to_secretariat(received.question_id, force_open=True)

    async def feedback(self, question_id: int, feedback: Feedback, *, user_id: str) -> str:
        """Store a rating and return the short acknowledgement to show the member."""
        await self.questions.record_feedback(question_id, feedback, user_id=user_id)
        if feedback in NEEDS_SECRETARIAT:
            await self._to_secretariat(question_id)
        return FEEDBACK_THANKS[feedback]

    async def _to_secretariat(self, question_id: int, *, force_open: bool = False) -> None:
        if force_open:
            await self.questions.reopen(question_id)
        if self.moderation is not None:
            await self.moderation.open_question(question_id)
