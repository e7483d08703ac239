"""The weekly digest of replies past their review date goes out once per week."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from bot.db.engine import Database
from bot.db.models import OutboxMessage
from bot.kb.review import OverdueRepliesPayload, ReviewReminder, overdue_text
from bot.kb.store import store_batch
from bot.messages import ConversationRef
from knowledge.records import IngestBatch
from tests.corpus import HRBA_REPLY, UPR_REPLY
from tests.fakes.clock import FakeClock

MODS = ConversationRef(platform="slack", conversation_id="CMODS")


async def test_overdue_replies_are_listed_once_a_week(database: Database) -> None:
    overdue = dataclasses.replace(HRBA_REPLY, review_by=date(2026, 8, 1), owner="gender-team")
    current = dataclasses.replace(UPR_REPLY, review_by=date(2027, 8, 1))
    async with database.transaction() as session:
        await store_batch(session, IngestBatch(replies=(overdue, current)))
    clock = FakeClock(datetime(2026, 11, 27, 9, tzinfo=UTC))
    digest = ReviewReminder(database=database, moderators_conversation=MODS, clock=clock)

    assert await digest.queue_weekly()
    assert not await digest.queue_weekly()
    clock.now += timedelta(days=7)
    assert await digest.queue_weekly()

    async with database.sessions() as session:
        queued = (await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))).all()
    assert [m.idempotency_key for m in queued] == [
        "review-digest:2026-W48",
        "review-digest:2026-W49",
    ]
    replies = queued[0].payload["replies"]
    assert [r["id"] for r in replies] == ["hrba-programming"]
    text = overdue_text(OverdueRepliesPayload.from_dict(queued[0].payload).replies)
    assert "hrba-programming" in text and "2026-08-01" in text and "gender-team" in text


async def test_nothing_overdue_or_no_moderators_channel_sends_nothing(database: Database) -> None:
    async with database.transaction() as session:
        await store_batch(session, IngestBatch(replies=(UPR_REPLY,)))
    assert not await ReviewReminder(database=database, moderators_conversation=MODS).queue_weekly()
    assert not await ReviewReminder(database=database, moderators_conversation=None).queue_weekly()
