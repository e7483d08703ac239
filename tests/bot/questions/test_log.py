"""The question log's keys: a platform's retry of a stored question is recognised, however
long the platform's ids make its key."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.db.engine import Database
from bot.messages import ConversationRef, IncomingMessage
from bot.questions.log import EVENT_KEY_CHARS, QuestionLog, stored_key


def test_a_key_that_fits_is_stored_as_given_and_a_longer_one_fits_its_column() -> None:
    assert stored_key("slack:Ev0MENTION01") == "slack:Ev0MENTION01"
    long_key = "teams:" + "a" * 300
    assert len(stored_key(long_key) or "") == EVENT_KEY_CHARS
    assert stored_key(long_key) != stored_key(long_key + "b")


async def test_a_retry_with_a_key_past_the_column_is_still_a_retry(database: Database) -> None:
    """Found by fuzzing on PostgreSQL: a key past 255 characters was refused (DataError)."""
    log = QuestionLog(database=database)
    message = IncomingMessage(
        ref=ConversationRef(platform="teams", conversation_id="a:1"),
        user_id="29:1",
        text="How does a UNCT contribute to the UPR?",
        received_at=datetime(2026, 5, 4, tzinfo=UTC),
    )
    key = "teams:a:1:" + "7" * 300

    first = await log.record(message, event_key=key)
    again = await log.record(message, event_key=key)

    assert first is not None
    assert again is None
