"""The question log's keys: a platform's retry of a stored question is recognised, however
long the platform's ids make its key; the flood check counts a sender's recent questions."""

from __future__ import annotations

import asyncio
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Connection, create_engine, event

from bot.db import sqlite_units
from bot.db.engine import Database
from bot.db.models import Base
from bot.messages import ConversationRef, IncomingMessage
from bot.questions.log import EVENT_KEY_CHARS, QuestionLog, stored_key
from bot.questions.statements import RECENT_QUESTIONS

ASKED_AT = datetime(2026, 5, 4, tzinfo=UTC)


def asked(
    text: str,
    *,
    platform: str = "slack",
    conversation: str = "C1",
    user: str = "U1",
    at: datetime = ASKED_AT,
) -> IncomingMessage:
    """A member's question on `platform`, in `conversation`."""
    return IncomingMessage(
        ref=ConversationRef(platform=platform, conversation_id=conversation),
        user_id=user,
        text=text,
        received_at=at,
    )


def test_a_key_that_fits_is_stored_as_given_and_a_longer_one_fits_its_column() -> None:
    assert stored_key("slack:Ev0MENTION01") == "slack:Ev0MENTION01"
    long_key = "teams:" + "a" * 300
    assert len(stored_key(long_key) or "") == EVENT_KEY_CHARS
    assert stored_key(long_key) != stored_key(long_key + "b")


async def test_a_retry_with_a_key_past_the_column_is_still_a_retry(database: Database) -> None:
    """Found by fuzzing on PostgreSQL: a key past 255 characters was refused (DataError)."""
    log = QuestionLog(database=database)
    message = asked("How does a UNCT contribute to the UPR?", platform="teams", conversation="a:1")
    key = "teams:a:1:" + "7" * 300

    first = await log.record(message, event_key=key)
    again = await log.record(message, event_key=key)

    assert first is not None
    assert again is None


async def test_questions_stored_together_keep_their_own_ids_and_retries_are_told_apart(
    database: Database,
) -> None:
    """A burst is committed in one batch: each question gets its own id, a retry of a key
    stored before or earlier in the same batch gets None, and questions without a key are
    stored too."""
    log = QuestionLog(database=database)

    before = await log.record(asked("What is the UPR?"), event_key="slack:Ev0")
    ids = await asyncio.gather(
        log.record(asked("What is the UPR?"), event_key="slack:Ev0"),  # retry, stored before
        log.record(asked("Who reviews the CRC report?"), event_key="slack:Ev1"),
        log.record(asked("Who reviews the CRC report?"), event_key="slack:Ev1"),  # same batch
        log.record(asked("When is our next UPR?"), event_key=None),
        log.record(asked("How do I cite a treaty body?"), event_key="slack:Ev2"),
    )

    assert before is not None
    assert ids[0] is None and ids[2] is None
    stored = [question_id for question_id in ids if question_id is not None]
    assert len(set(stored)) == 3 and before not in stored
    texts = {question_id: (await log.get(question_id)).text for question_id in stored}
    assert texts == {
        ids[1]: "Who reviews the CRC report?",
        ids[3]: "When is our next UPR?",
        ids[4]: "How do I cite a treaty body?",
    }


async def test_a_key_with_nul_characters_is_stored_and_recognised_as_the_database_keeps_it(
    database: Database,
) -> None:
    """Found by fuzzing: the database drops NUL characters from what it stores, so a key
    holding one came back from the INSERT different from the key sent."""
    log = QuestionLog(database=database)
    message = asked("What is the UPR?")
    first = await log.record(message, event_key="slack:command:0\x00")
    again = await log.record(message, event_key="slack:command:0\x00")
    assert first is not None and again is None


async def test_a_question_is_synced_to_the_disk_before_it_is_acknowledged(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On SQLite the INSERT's commit is followed by a sync of the write-ahead log to the disk
    before `record` returns (a power cut after the platform's acknowledgement must not lose
    the question); PostgreSQL syncs every commit itself."""
    happened: list[str] = []
    real_fsync = os.fsync

    def fsync(descriptor: int) -> None:
        real_fsync(descriptor)
        happened.append(Path(os.readlink(f"/proc/self/fd/{descriptor}")).name.split(".")[-1])

    def note(_connection: Connection, _cursor: object, statement: str, *_args: object) -> None:
        if statement.startswith("INSERT INTO question "):
            happened.append("insert")

    monkeypatch.setattr(sqlite_units.os, "fsync", fsync)
    for engine in database.engines:
        event.listen(engine, "before_cursor_execute", note)
    try:
        assert await QuestionLog(database=database).record(asked("hello"), event_key="e1")
    finally:
        for engine in database.engines:
            event.remove(engine, "before_cursor_execute", note)
    assert happened == (["insert", "db-wal"] if database.dialect == "sqlite" else ["insert"])


async def test_the_flood_check_counts_the_askers_and_the_conversations_recent_questions(
    database: Database,
) -> None:
    log = QuestionLog(database=database)
    teams_chat = "19:" + "x" * 300 + "@thread.v2"  # longer than the column: cut to fit
    earlier = ASKED_AT - timedelta(minutes=5)
    for message in (
        asked("old", user="U1", at=earlier),  # before the minute counted
        asked("a", user="U1"),
        asked("b", user="U2"),  # same conversation, another member
        asked("c", user="U1", conversation="C2"),  # same member, another conversation
        asked("d", user="U1", platform="teams", conversation=teams_chat),  # another platform
        asked("e", user="U3", platform="teams", conversation=teams_chat),
    ):
        await log.record(message, event_key=None)
    last = await log.record(asked("f", user="U1"), event_key=None)
    assert last is not None
    recent = await log.recent_questions(last, since=ASKED_AT - timedelta(minutes=1))
    assert (recent.by_asker, recent.in_conversation) == (3, 3)  # a, c, f; a, b, f

    teams_last = await log.record(
        asked("g", user="U4", platform="teams", conversation=teams_chat), event_key=None
    )
    assert teams_last is not None
    in_teams = await log.recent_questions(teams_last, since=ASKED_AT - timedelta(minutes=1))
    assert (in_teams.by_asker, in_teams.in_conversation) == (1, 3)


def test_the_flood_check_reads_only_the_senders_questions() -> None:
    """At 200 questions a second, counting every question of the last minute cost 9 ms a
    question; each count must go through an index on its sender instead."""
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    sql = str(RECENT_QUESTIONS.compile(dialect=engine.dialect))
    with engine.connect() as connection:
        raw = connection.connection.dbapi_connection
        assert raw is not None
        plan = [row[3] for row in raw.execute(f"EXPLAIN QUERY PLAN {sql}", ("t", "t", 1))]
    assert not [step for step in plan if step.startswith("SCAN")], plan
    assert any("ix_question_conversation_received" in step for step in plan), plan
    assert any("ix_question_user_id" in step for step in plan), plan
