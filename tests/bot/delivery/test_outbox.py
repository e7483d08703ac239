"""The outbox delivers each message once, retries failures with back-off, survives restarts."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar, Self

import pytest
from sqlalchemy import select, text
from sqlalchemy.engine import make_url

from bot.calendar.digest import Digest
from bot.calendar.payloads import CalendarDigestPayload
from bot.db.claims import LEASE
from bot.db.engine import Database
from bot.db.models import OutboxMessage
from bot.delivery.dispatcher import Dispatcher
from bot.delivery.outbox import (
    FIRST_RETRY,
    MAX_ATTEMPTS,
    Outgoing,
    claim_due,
    enqueue,
    queue_messages,
)
from bot.delivery.payloads import Payload, PayloadCodec, stored
from bot.messages import ConversationRef
from bot.payload_types import PAYLOAD_TYPES
from tests.fakes.clock import FakeClock

START = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
REF = ConversationRef(platform="slack", conversation_id="C1", thread_id="1.1")


@dataclass(frozen=True, slots=True)
class Numbered:
    """A payload that only names itself, so tests can tell messages apart."""

    kind: ClassVar[str] = "numbered"
    n: str

    def to_dict(self) -> dict[str, Any]:
        return {"n": self.n}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        return cls(n=str(data["n"]))


CODEC = PayloadCodec((*PAYLOAD_TYPES, Numbered))


class RecordingSender:
    platform = "slack"

    def __init__(self, *, failures: int = 0) -> None:
        self.sent: list[tuple[ConversationRef, dict[str, Any]]] = []
        self.failures = failures

    async def send(self, ref: ConversationRef, payload: Payload) -> None:
        if self.failures:
            self.failures -= 1
            raise RuntimeError("slack is down")
        self.sent.append((ref, stored(payload)))


async def put(database: Database, key: str, *, now: datetime = START) -> bool:
    async with database.transaction() as session:
        return await enqueue(session, key=key, ref=REF, payload=Numbered(key), now=now)


async def rows(database: Database) -> list[OutboxMessage]:
    async with database.sessions() as session:
        return list((await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))).all())


async def test_enqueueing_a_key_twice_queues_it_once(database: Database) -> None:
    assert await put(database, "a")
    assert not await put(database, "a")
    assert [r.idempotency_key for r in await rows(database)] == ["a"]


async def test_a_batch_queues_the_keys_not_queued_before_once_each(database: Database) -> None:
    assert await put(database, "a")
    batch = [Outgoing(key, REF, Numbered(key)) for key in ("a", "b", "c", "b")]
    async with database.transaction() as session:
        assert await session.run_sync(queue_messages, batch, now=START) == {"b", "c"}
    assert [r.idempotency_key for r in await rows(database)] == ["a", "b", "c"]
    assert [r.payload for r in await rows(database)] == [stored(Numbered(k)) for k in "abc"]


async def test_a_key_two_processes_queue_at_once_is_queued_once(postgres_schema_url: str) -> None:
    first = Database(url=postgres_schema_url)
    racer = Database(url=make_url(postgres_schema_url).update_query_dict(RACER).render_as_string())
    await first.upgrade()
    try:
        async with first.transaction() as session:
            assert await enqueue(session, key="a", ref=REF, payload=Numbered("a"), now=START)
            await session.flush()
            racing = asyncio.create_task(put(racer, "a"))  # sees no "a", and inserts it too:
            await _waiting_for_a_lock(first)  # its insert waits on this transaction's
        assert await racing is False
        assert [r.idempotency_key for r in await rows(first)] == ["a"]
    finally:
        await first.dispose()
        await racer.dispose()


RACER = {"application_name": "huribot-test-racer"}


async def _waiting_for_a_lock(database: Database) -> None:
    """Until the racer's connection waits for a lock another transaction holds."""
    waiting = text(
        "SELECT count(*) FROM pg_stat_activity"
        " WHERE application_name = :name AND wait_event_type = 'Lock'"
    )
    async with asyncio.timeout(30):
        while True:
            async with database.sessions() as session:
                if await session.scalar(waiting, {"name": RACER["application_name"]}):
                    return
            await asyncio.sleep(0.05)


async def test_due_messages_are_delivered_once(database: Database) -> None:
    clock, sender = FakeClock(START), RecordingSender()
    dispatcher = Dispatcher(database=database, codec=CODEC, senders=[sender], clock=clock)
    await put(database, "a")
    await put(database, "b")
    assert await dispatcher.run_once() == 2
    assert await dispatcher.run_once() == 0
    assert [payload["n"] for _, payload in sender.sent] == ["a", "b"]
    assert sender.sent[0][0] == REF
    assert {r.status for r in await rows(database)} == {"sent"}


async def test_failures_back_off_then_succeed_or_give_up(database: Database) -> None:
    clock, sender = FakeClock(START), RecordingSender(failures=2)
    dispatcher = Dispatcher(database=database, codec=CODEC, senders=[sender], clock=clock)
    await put(database, "a")
    assert await dispatcher.run_once() == 0
    (row,) = await rows(database)
    assert (
        row.status == "pending" and row.attempts == 1 and "slack is down" in (row.last_error or "")
    )
    assert row.next_attempt_at == START + FIRST_RETRY
    assert await dispatcher.run_once() == 0  # not due yet
    clock.now += FIRST_RETRY
    assert await dispatcher.run_once() == 0
    clock.now += FIRST_RETRY * 2
    assert await dispatcher.run_once() == 1
    assert len(sender.sent) == 1

    stubborn = RecordingSender(failures=100)
    failing = Dispatcher(database=database, codec=CODEC, senders=[stubborn], clock=clock)
    await put(database, "z", now=clock.now)
    for _ in range(MAX_ATTEMPTS):
        await failing.run_once()
        clock.now += FIRST_RETRY * 2**MAX_ATTEMPTS
    assert (await rows(database))[-1].status == "failed"


async def test_a_message_given_up_on_is_reported_to_the_moderators(database: Database) -> None:
    clock = FakeClock(START)
    moderators = ConversationRef(platform="slack", conversation_id="CMODS")
    stubborn = RecordingSender(failures=MAX_ATTEMPTS)
    dispatcher = Dispatcher(
        database=database, codec=CODEC, senders=[stubborn], clock=clock, report_to=moderators
    )
    async with database.transaction() as session:
        payload = CalendarDigestPayload(Digest(title="Kenya", language="en"), subscription_id=1)
        await enqueue(session, key="digest", ref=REF, payload=payload, now=clock.now)
    for _ in range(MAX_ATTEMPTS):
        assert await dispatcher.run_once() == 0
        clock.now += FIRST_RETRY * 2**MAX_ATTEMPTS
    assert await dispatcher.run_once() == 1
    [(ref, notice)] = stubborn.sent
    assert ref == moderators and notice["kind"] == "reply"
    text = notice["reply"]["text"]
    assert "could not deliver a calendar digest to slack conversation C1" in text
    assert f"after {MAX_ATTEMPTS} attempts (last error: RuntimeError: slack is down)" in text


async def test_a_claim_abandoned_by_a_dead_dispatcher_is_delivered_later(
    database: Database,
) -> None:
    clock = FakeClock(START)
    await put(database, "a")
    async with database.transaction() as session:
        assert len(await claim_due(session, platforms=["slack"], now=clock.now)) == 1
    sender = RecordingSender()
    dispatcher = Dispatcher(database=database, codec=CODEC, senders=[sender], clock=clock)
    assert await dispatcher.run_once() == 0
    clock.now += LEASE + timedelta(seconds=1)
    assert await dispatcher.run_once() == 1


async def test_two_dispatchers_never_deliver_the_same_message_twice(database: Database) -> None:
    if database.dialect == "sqlite":
        pytest.skip("several bot processes share PostgreSQL; a SQLite deployment runs one")
    clock = FakeClock(START)
    for i in range(40):
        await put(database, f"m{i}")
    senders = [RecordingSender(), RecordingSender()]
    dispatchers = [
        Dispatcher(database=database, codec=CODEC, senders=[s], clock=clock) for s in senders
    ]
    counts = await asyncio.gather(*(d.run_once() for d in dispatchers for _ in range(3)))
    delivered = [payload["n"] for s in senders for _, payload in s.sent]
    assert sum(counts) == 40
    assert sorted(delivered) == sorted(f"m{i}" for i in range(40))


async def test_messages_for_platforms_without_a_sender_wait(database: Database) -> None:
    async with database.transaction() as session:
        teams = ConversationRef(platform="teams", conversation_id="19:abc")
        await enqueue(session, key="t", ref=teams, payload=Numbered("t"), now=START)
    dispatcher = Dispatcher(
        database=database, codec=CODEC, senders=[RecordingSender()], clock=FakeClock(START)
    )
    assert await dispatcher.run_once() == 0
    assert (await rows(database))[0].status == "pending"
