"""The statements every question runs (stored, claimed, flood-checked, its outcome noted),
built once with bound parameters and run on a Core connection: building an ORM statement and
passing it through a session cost more CPU than the database's own work, four times per
question (`bench.bench_question`)."""

from __future__ import annotations

from functools import cache
from typing import cast

from sqlalchemy import (
    ColumnElement,
    Insert,
    ScalarSelect,
    Select,
    Table,
    bindparam,
    func,
    insert,
    select,
    update,
)

from bot.db.inserts import insert_unless_present
from bot.db.models import Question
from bot.questions.status import QuestionStatus

QUESTION = cast(Table, Question.__table__)
ASKED = QUESTION.alias("asked")


def _recent_questions() -> Select[int, int]:
    def sent_since(same_sender: ColumnElement[bool]) -> ScalarSelect[int]:
        return (
            select(func.count())
            .where(
                same_sender,
                QUESTION.c.platform == ASKED.c.platform,
                QUESTION.c.received_at > bindparam("since", type_=QUESTION.c.received_at.type),
                QUESTION.c.id <= ASKED.c.id,
            )
            .scalar_subquery()
        )

    by_asker = sent_since(QUESTION.c.user_id == ASKED.c.user_id)
    in_conversation = sent_since(QUESTION.c.conversation_id == ASKED.c.conversation_id)
    return select(by_asker, in_conversation).where(ASKED.c.id == bindparam("question_id"))


RECENT_QUESTIONS = _recent_questions()
"""(question_id, since) -> how many its asker and its conversation sent since, it included
(no row for an unknown question). Each count reads only its own sender's questions, through
the index on user_id or on (platform, conversation_id, received_at): counting every question
of the last minute cost 9 ms a question at 200 questions a second."""

CLAIM = (
    update(QUESTION)
    .where(
        QUESTION.c.id == bindparam("question_id"),
        QUESTION.c.status == QuestionStatus.RECEIVED.value,
    )
    .values(
        status=QuestionStatus.ANSWERING.value,
        answered_at=bindparam("now", type_=QUESTION.c.answered_at.type),
    )
)
"""(question_id, now) -> one row changed when this process won the question."""

RECORD_REPLY = (
    update(QUESTION)
    .where(QUESTION.c.id == bindparam("question_id"))
    .values(
        reply_kind=bindparam("reply_kind"),
        item_id=bindparam("item_id"),
        confidence=bindparam("confidence"),
        answered_at=bindparam("answered_at", type_=QUESTION.c.answered_at.type),
        status=func.coalesce(bindparam("status", type_=QUESTION.c.status.type), QUESTION.c.status),
    )
)
"""(question_id, reply_kind, item_id, confidence, answered_at, status or None to keep it)."""

RECORD_REPLIED = (
    update(QUESTION)
    .where(
        QUESTION.c.id == bindparam("question_id"),
        QUESTION.c.status.in_([QuestionStatus.RECEIVED.value, QuestionStatus.ANSWERING.value]),
    )
    .values(status=QuestionStatus.REPLIED.value)
)
"""(question_id) -> a question waiting for its answer notes it was given a word instead."""

STORE_UNKEYED = insert(QUESTION).returning(QUESTION.c.id)
"""A question without a platform event key (the console, the CLI): its id."""


@cache
def store_keyed(dialect: str) -> Insert:
    """Questions with event keys, skipping keys stored before: (id, event_key) of the rest."""
    return insert_unless_present(dialect, QUESTION, QUESTION.c.event_key).returning(
        QUESTION.c.id, QUESTION.c.event_key
    )
