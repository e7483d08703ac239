"""Contact details are taken out of questions when the setting asks for it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.db.engine import Database
from bot.messages import ConversationRef, IncomingMessage
from bot.questions.log import QuestionLog
from bot.questions.redaction import redact_contacts

NOW = datetime(2026, 12, 1, 9, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "redacted"),
    [
        ("write to amina.diallo@ohchr.org please", "write to [e-mail] please"),
        ("call +254 20 762 1234 or 0722-123-456", "call [phone] or [phone]"),
        ("her number is (212) 963-1234.", "her number is [phone]."),
        ("A/HRC/55/12 of 2024, paragraph 12", "A/HRC/55/12 of 2024, paragraph 12"),
        ("UPR session 47 in 2024-11-04", "UPR session 47 in 2024-11-04"),
    ],
)
def test_contact_details_are_marked_and_the_rest_kept(text: str, redacted: str) -> None:
    assert redact_contacts(text) == redacted


async def test_the_log_stores_questions_without_contacts_when_asked(database: Database) -> None:
    ref = ConversationRef(platform="slack", conversation_id="C1", thread_id="1.1")
    asked = "Who at amina@example.org or +41 22 917 9000 handles the UPR?"
    message = IncomingMessage(ref=ref, user_id="U1", text=asked, received_at=NOW)
    for redact, expected in ((True, "Who at [e-mail] or [phone] handles the UPR?"), (False, asked)):
        log = QuestionLog(database=database, redact_contacts=redact)
        question_id = await log.record(message, event_key=f"slack:{redact}")
        assert question_id is not None
        assert (await log.get(question_id)).text == expected
