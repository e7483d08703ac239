"""Answering stored questions outside the web process.

The web process only stores each question and acknowledges the platform; workers (one or more
`huribot worker` processes) claim stored questions and answer them, so answering never delays
an acknowledgement and uses another core.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from datetime import timedelta

import structlog

from bot.chat.intake import Received
from bot.db.models import Question
from bot.messages import ConversationRef, IncomingMessage
from bot.questions.log import QuestionLog

logger = structlog.get_logger(__name__)

Answer = Callable[[Received], Awaitable[None]]
LEASE = timedelta(minutes=5)


def received_from(question: Question) -> Received:
    """The stored question as the core's message, ready to answer."""
    message = IncomingMessage(
        ref=ConversationRef.from_dict(question.conversation),
        user_id=question.user_id,
        text=question.text,
        received_at=question.received_at,
        language=question.language,
    )
    return Received(question_id=question.id, message=message)


class AnswerWorker:
    """Claims unanswered questions and hands each to its platform's answering function."""

    def __init__(
        self, *, questions: QuestionLog, answerers: Mapping[str, Answer], batch: int = 8
    ) -> None:
        self._questions = questions
        self._answerers = dict(answerers)
        self._batch = batch

    async def run_once(self) -> int:
        """Answer what is waiting (up to one batch, concurrently); returns how many."""
        claimed = await self._questions.claim_unanswered(limit=self._batch, lease=LEASE)
        await asyncio.gather(*(self._answer(question) for question in claimed))
        return len(claimed)

    async def run_until_idle(self) -> int:
        """Keep answering while full batches are waiting; returns how many were answered."""
        total = 0
        while (answered := await self.run_once()) > 0:
            total += answered
            if answered < self._batch:
                break
        return total

    async def _answer(self, question: Question) -> None:
        answer = self._answerers.get(question.platform)
        if answer is None:
            logger.warning("worker.no_platform", platform=question.platform, question=question.id)
            return
        try:
            await answer(received_from(question))
        except Exception:  # the question was handed to the Secretariat by the adapter
            logger.exception("worker.answer_failed", question=question.id)
