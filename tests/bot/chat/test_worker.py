"""Workers claim each stored question once; a claim abandoned by a dead worker is retried."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from bot.chat.intake import Received
from bot.chat.worker import LEASE, AnswerWorker
from bot.db.engine import Database
from bot.messages import ConversationRef, IncomingMessage
from bot.questions.log import QuestionLog
from tests.fakes.clock import FakeClock

RECEIVED_AT = datetime(2026, 11, 27, 9, tzinfo=UTC)


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
    answered: list[Received] = []

    async def answer(received: Received) -> None:
        answered.append(received)

    worker = AnswerWorker(questions=log, answerers={"slack": answer}, batch=2)
    assert await worker.run_until_idle() == 5
    assert await worker.run_until_idle() == 0
    assert [r.message.text for r in answered] == [f"question {n}" for n in range(5)]
    assert answered[3].message.ref.thread_id == "3.0"


async def test_two_workers_never_take_the_same_question(database: Database) -> None:
    if database.dialect == "sqlite":
        pytest.skip("several workers share PostgreSQL; with SQLite run one")
    log = QuestionLog(database=database, clock=FakeClock(RECEIVED_AT))
    await store(log, 30)
    taken: list[int] = []

    async def answer(received: Received) -> None:
        taken.append(received.question_id)

    workers = [AnswerWorker(questions=log, answerers={"slack": answer}, batch=4) for _ in range(2)]
    await asyncio.gather(*(w.run_until_idle() for w in workers for _ in range(3)))
    assert sorted(taken) == sorted(set(taken)) and len(taken) == 30


async def test_a_claim_abandoned_by_a_dead_worker_is_taken_again(database: Database) -> None:
    clock = FakeClock(RECEIVED_AT)
    log = QuestionLog(database=database, clock=clock)
    await store(log, 1)
    assert len(await log.claim_unanswered(limit=5, lease=LEASE)) == 1  # its worker dies
    assert await log.claim_unanswered(limit=5, lease=LEASE) == []
    clock.now += LEASE + timedelta(seconds=1)
    assert len(await log.claim_unanswered(limit=5, lease=LEASE)) == 1
