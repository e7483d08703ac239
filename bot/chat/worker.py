"""Answering stored questions outside the web process.

The web process only stores each question and acknowledges the platform; workers (one or more
`huribot worker` processes) claim stored questions and answer them, so answering never delays
an acknowledgement and uses another core.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from datetime import timedelta

import structlog

from bot.chat.intake import ChannelFactory, Intake, Received
from bot.db.claims import LEASE
from bot.db.models import Question
from bot.messages import ConversationRef, IncomingMessage
from bot.questions.log import QuestionLog

logger = structlog.get_logger(__name__)


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


class QuestionWorker:
    """Claims unanswered questions and answers each through the intake, on a reply channel
    its platform's factory makes for the stored conversation."""

    def __init__(
        self,
        *,
        questions: QuestionLog,
        intake: Intake,
        channels: Mapping[str, ChannelFactory],
        batch: int = 8,
        grace: timedelta = timedelta(0),
        lease: timedelta = LEASE,
    ) -> None:
        """`grace` leaves questions stored less than that long ago to the process that
        received them (serve answers its own; its recovery loop takes what a crash left);
        a question claimed more than `lease` ago and still unanswered is claimed again."""
        self._questions = questions
        self._intake = intake
        self._channels = dict(channels)
        self._batch = batch
        self._grace = grace
        self._lease = lease

    async def run_once(self) -> int:
        """Answer what is waiting (up to one batch, concurrently); returns how many."""
        claimed = await self._questions.claim_unanswered(
            limit=self._batch, lease=self._lease, grace=self._grace
        )
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
        channel = self._channels.get(question.platform)
        if channel is None:
            logger.warning("worker.no_platform", platform=question.platform, question=question.id)
            return
        received = received_from(question)
        try:
            await self._intake.answer(received, channel(received.message.ref), taken=True)
        except Exception:  # the intake handed the question to the Secretariat
            logger.exception("worker.answer_failed", question=question.id)
