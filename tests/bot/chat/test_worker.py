"""Workers claim each stored question once; a claim abandoned by a dead worker is retried."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import pytest

from bot.chat.intake import Received
from bot.chat.worker import QuestionWorker
from bot.db.claims import LEASE
from bot.db.engine import Database
from bot.messages import ConversationRef, IncomingMessage
from bot.questions.log import QuestionLog
from tests.fakes.clock import FakeClock

RECEIVED_AT = datetime(2026, 11, 27, 9, tzinfo=UTC)


class RecordingIntake:
    """Stands for the intake: keeps what it was asked to answer, and on which channel."""

    def __init__(self) -> None:
        self.answered: list[Received] = []
        self.channels: list[ConversationRef] = []

    async def answer(self, received: Received, channel: ConversationRef, *, taken: bool) -> None:
        assert taken, "the worker claimed the question before answering it"
        self.answered.append(received)
        self.channels.append(channel)


def worker_on(log: QuestionLog, intake: RecordingIntake, *, batch: int) -> QuestionWorker:
    """A worker whose Slack "channel" is the stored conversation itself."""
    channels: dict[str, Any] = {"slack": lambda ref: ref}
    return QuestionWorker(questions=log, intake=cast(Any, intake), channels=channels, batch=batch)


async def store(log: QuestionLog, count: int) -> None:
    for n in range(count):
        ref = ConversationRef(platform="slack", conversation_id="C1", thread_id=f"{n}.0")
        message = IncomingMessage(
            ref=ref, user_id="U1", text=f"question {n}", received_at=RECEIVED_AT
        )
        await log.record(message, event_key=f"slack:E{n}")


async def test_each_question_is_answered_once_in_order(database: Database) -> None:
    log = QuestionLog(database=database, clock=FakeClock(RECEIVED_AT))
    await store(log, 5)
    intake = RecordingIntake()
    worker = worker_on(log, intake, batch=2)
    assert await worker.run_until_idle() == 5
    assert await worker.run_until_idle() == 0
    answered = intake.answered
    assert [r.message.text for r in answered] == [f"question {n}" for n in range(5)]
    assert answered[3].message.ref.thread_id == "3.0"
    assert intake.channels[3] == answered[3].message.ref


async def test_two_workers_never_take_the_same_question(database: Database) -> None:
    if database.dialect == "sqlite":
        pytest.skip("several workers share PostgreSQL; with SQLite run one")
    log = QuestionLog(database=database, clock=FakeClock(RECEIVED_AT))
    await store(log, 30)
    intake = RecordingIntake()
    workers = [worker_on(log, intake, batch=4) for _ in range(2)]
    await asyncio.gather(*(w.run_until_idle() for w in workers for _ in range(3)))
    taken = [received.question_id for received in intake.answered]
    assert sorted(taken) == sorted(set(taken)) and len(taken) == 30


async def test_a_claim_abandoned_by_a_dead_worker_is_taken_again(database: Database) -> None:
    clock = FakeClock(RECEIVED_AT)
    log = QuestionLog(database=database, clock=clock)
    await store(log, 1)
    assert len(await log.claim_unanswered(limit=5, lease=LEASE)) == 1  # its worker dies
    assert await log.claim_unanswered(limit=5, lease=LEASE) == []
    clock.now += LEASE + timedelta(seconds=1)
    assert len(await log.claim_unanswered(limit=5, lease=LEASE)) == 1
