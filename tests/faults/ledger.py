"""What a fault did to the questions: of the events Slack sent, how many were acknowledged,
stored, answered (or handed to the moderators), lost or duplicated. Shared by the fault tests
and `bench.faults`."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass

from sqlalchemy import select

from bot.db.engine import Database
from bot.db.models import OutboxMessage, Question
from bot.delivery.outbox import OutboxStatus
from bot.questions.status import QuestionStatus
from tests.fakes.slack_api import Call
from tests.fakes.slack_events import Delivery
from tests.processes import BOOT_SECONDS

IN_FLIGHT = frozenset({QuestionStatus.RECEIVED.value, QuestionStatus.ANSWERING.value})
QUEUED = frozenset({QuestionStatus.OPEN.value, QuestionStatus.ASSIGNED.value})
UNSENT = frozenset({OutboxStatus.PENDING, OutboxStatus.SENDING})


@dataclass(frozen=True, slots=True)
class Ledger:
    """The figures of one run; `lost` and `duplicated` must be 0."""

    sent: int
    acknowledged: int
    stored: int
    """Events stored as questions (acknowledged or not: one stored and then refused is
    answered like any other)."""
    answered: int
    """Stored questions whose member got a reply in their thread."""
    queued: int
    """Stored questions with no reply posted (the platform refused it) but in the moderators'
    queue, so a person answers."""
    lost: int
    """Acknowledged events not stored, and stored questions neither answered nor queued."""
    duplicated: int
    """Events stored more than once, and questions answered more than once."""

    def figures(self) -> dict[str, int]:
        """The figures by name."""
        return asdict(self)


def event_key(delivery: Delivery) -> str:
    """The key the bot stores the event's question under."""
    return f"slack:{delivery.body['event_id']}"


def answers_by_thread(calls: Iterable[Call]) -> Counter[tuple[str, str]]:
    """Replies that reached Slack (successful chat.postMessage), counted per thread."""
    return Counter(
        (str(call.params.get("channel")), str(call.params.get("thread_ts")))
        for call in calls
        if call.method == "chat.postMessage" and call.answered_ok and call.params.get("thread_ts")
    )


async def stored_questions(database: Database, keys: Sequence[str]) -> list[Question]:
    """The stored questions of these events."""
    async with database.sessions() as session:
        query = select(Question).where(Question.event_key.in_(keys))
        return list((await session.scalars(query)).all())


async def settled(database: Database, keys: Sequence[str], *, timeout: float) -> list[Question]:
    """The stored questions of these events once none is still being answered (the bot
    records what the member got after posting it); AssertionError naming those in flight."""
    deadline = time.monotonic() + timeout
    while True:
        questions = await stored_questions(database, keys)
        in_flight = [(q.id, q.status) for q in questions if q.status in IN_FLIGHT]
        if not in_flight:
            return questions
        if time.monotonic() > deadline:
            raise AssertionError(f"still being answered after {timeout} s: {in_flight}")
        await asyncio.sleep(0.1)


def account(
    deliveries: Sequence[Delivery], questions: Sequence[Question], calls: Iterable[Call]
) -> Ledger:
    """The ledger of a run, from what Slack sent, what the bot stored, and what it posted."""
    stored = Counter(question.event_key for question in questions)
    status = {question.event_key: question.status for question in questions}
    answers = answers_by_thread(calls)
    acknowledged = [d for d in deliveries if d.acknowledged]
    kept = [d for d in deliveries if event_key(d) in stored]
    answered = [d for d in kept if answers[d.thread] > 0]
    queued = [d for d in kept if answers[d.thread] == 0 and status[event_key(d)] in QUEUED]
    unstored = [d for d in acknowledged if event_key(d) not in stored]
    unhandled = len(kept) - len(answered) - len(queued)
    twice_stored = sum(count - 1 for count in stored.values())
    twice_answered = sum(answers[d.thread] - 1 for d in answered)
    return Ledger(
        sent=len(deliveries),
        acknowledged=len(acknowledged),
        stored=len(kept),
        answered=len(answered),
        queued=len(queued),
        lost=len(unstored) + unhandled,
        duplicated=twice_stored + twice_answered,
    )


async def outbox_to(
    database: Database, channel: str, *, settled: bool = False
) -> list[OutboxMessage]:
    """The outbox's messages to `channel`; with `settled`, once there is one and none is
    still pending or being sent (AssertionError after BOOT_SECONDS)."""
    deadline = time.monotonic() + BOOT_SECONDS
    while True:
        async with database.sessions() as session:
            every = (await session.scalars(select(OutboxMessage))).all()
        messages = [m for m in every if m.conversation["conversation_id"] == channel]
        waiting = [m.status for m in messages if m.status in UNSENT]
        if not settled or (messages and not waiting):
            return messages
        if time.monotonic() > deadline:
            raise AssertionError(f"outbox to {channel} unsettled after {BOOT_SECONDS} s")
        await asyncio.sleep(0.1)
