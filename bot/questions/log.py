"""The question log: every question, what the bot replied, and what the member thought of it."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from functools import partial
from typing import Any

import structlog
from sqlalchemy import Connection, Select, Update, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock, system_clock
from bot.db.claims import won
from bot.db.engine import Database, without_nul
from bot.db.group_commit import GroupCommit
from bot.db.models import Question
from bot.messages import IncomingMessage, Reply, ReplyKind
from bot.questions import statements
from bot.questions.redaction import redact_contacts
from bot.questions.status import QuestionStatus
from knowledge.language import detect_language

logger = structlog.get_logger(__name__)


class Feedback(StrEnum):
    """The buttons under an answer."""

    HELPFUL = "helpful"
    NOT_HELPFUL = "not_helpful"
    ASK_SECRETARIAT = "ask_secretariat"


NEEDS_SECRETARIAT = frozenset({Feedback.NOT_HELPFUL, Feedback.ASK_SECRETARIAT})
LOGGED_KINDS = frozenset({ReplyKind.ANSWER, ReplyKind.ABSTAIN})
REPLY_STATUS = {
    ReplyKind.ABSTAIN: QuestionStatus.OPEN,
    ReplyKind.ANSWER: QuestionStatus.ANSWERED_BY_BOT,
}
"""Where a reply of these kinds leaves the question (other kinds leave it where it is)."""


@dataclass(frozen=True, slots=True)
class LoggedQuestion:
    """A logged question as adapters read it (for the App Home, the CSV export)."""

    id: int
    received_at: datetime
    platform: str
    language: str | None
    text: str
    status: str
    group_id: int | None
    item_id: str | None
    confidence: float | None
    feedback: str | None

    @classmethod
    def from_row(cls, row: Question) -> LoggedQuestion:
        """The view of a stored question."""
        return cls(
            id=row.id,
            received_at=row.received_at,
            platform=row.platform,
            language=row.language,
            text=row.text,
            status=row.status,
            group_id=row.group_id,
            item_id=row.item_id,
            confidence=row.confidence,
            feedback=row.feedback,
        )


class NotTheAskerError(PermissionError):
    """Someone rated an answer given to another member (its buttons are in a shared thread)."""


class UnknownQuestionError(LookupError):
    """No question has that id."""


@dataclass(frozen=True, slots=True)
class RecentQuestions:
    """How many questions arrived shortly before one (itself included): from its asker, and
    in its conversation."""

    by_asker: int
    in_conversation: int


EVENT_KEY_CHARS = 255
"""The event key column's size."""


def stored_key(event_key: str | None) -> str | None:
    """The key as stored: as given when it fits the column, else its start and a digest of
    the whole (a platform's id that long is unusual, yet its retries must still match)."""
    if event_key is None or len(event_key) <= EVENT_KEY_CHARS:
        return event_key
    digest = hashlib.sha256(event_key.encode("utf-8", "surrogatepass")).hexdigest()
    return f"{event_key[: EVENT_KEY_CHARS - len(digest) - 1]}:{digest}"


class QuestionLog:
    """Writes and reads questions; every write is its own committed transaction."""

    def __init__(
        self, *, database: Database, clock: Clock = system_clock, redact_contacts: bool = False
    ) -> None:
        """With `redact_contacts`, e-mail addresses and phone numbers are never stored."""
        self._database = database
        self._clock = clock
        self._redact = redact_contacts
        self._recording = GroupCommit(self._insert)

    async def record(self, message: IncomingMessage, *, event_key: str | None) -> int | None:
        """Persist a question, in the language it is written in (the asker's locale when
        the platform gives it); None when `event_key` was seen before (a platform retry).
        Questions arriving together are committed together (`GroupCommit`)."""
        question_id = await self._recording.submit(
            {
                "platform": message.ref.platform,
                "conversation": message.ref.to_dict(),
                "conversation_id": stored_key(without_nul(message.ref.conversation_id)),
                "user_id": message.user_id,
                "text": redact_contacts(message.text) if self._redact else message.text,
                "language": detect_language(message.text, hint=message.language),
                "received_at": message.received_at,
                "event_key": stored_key(without_nul(event_key)),  # as the database keeps it
                "status": QuestionStatus.RECEIVED.value,
            }
        )
        if question_id is None:  # logged here, under the request's id
            logger.info("question.duplicate", event_key=event_key)
        return question_id

    async def _insert(self, rows: Sequence[dict[str, Any]]) -> list[int | None]:
        """Store a batch of questions in one transaction, synced to the disk before the
        platform is acknowledged: the ids in order, None for a key stored before (or earlier
        in the batch)."""
        return await self._database.run(partial(_stored_ids, rows), durable=True)

    async def record_reply(self, question_id: int, reply: Reply) -> None:
        """Note what the bot replied; an abstention opens the question for the Secretariat."""
        status = REPLY_STATUS.get(reply.kind)
        values = {
            "question_id": question_id,
            "reply_kind": reply.kind.value,
            "item_id": reply.item_id,
            "confidence": reply.confidence,
            "answered_at": self._clock(),
            "status": None if status is None else status.value,
        }
        if not await self._changed(statements.RECORD_REPLY, values):
            raise UnknownQuestionError(f"No question has the id {question_id}.")

    async def record_replied(self, question_id: int) -> None:
        """Note that the member got a word that needs no answer, so no worker takes the
        question up again (nothing to note for a question since deleted)."""
        await self._changed(statements.RECORD_REPLIED, {"question_id": question_id})

    async def _changed(self, statement: Update, values: Mapping[str, object]) -> bool:
        """Run one of the UPDATEs every answer runs, with no read first; False when it
        matched no row."""
        return await self._database.run(partial(_changes_one, statement, values))

    async def record_feedback(
        self, question_id: int, feedback: Feedback, *, user_id: str
    ) -> Question:
        """Store a member's rating; *Not helpful* and *Ask the Secretariat* open the question.
        Only the asker may rate: anyone else's click raises NotTheAskerError."""
        async with self._database.transaction() as session:
            question = await self._get(session, question_id)
            if question.user_id != user_id:
                logger.info("question.feedback_refused", question=question_id)
                raise NotTheAskerError(question_id)
            question.feedback = feedback.value
            question.feedback_by = user_id
            question.feedback_at = self._clock()
            if feedback in NEEDS_SECRETARIAT and question.status in {
                QuestionStatus.RECEIVED.value,
                QuestionStatus.ANSWERING.value,
                QuestionStatus.ANSWERED_BY_BOT.value,
            }:
                question.status = QuestionStatus.OPEN.value
            logger.info("question.feedback", question=question_id, feedback=feedback.value)
            return question

    async def reopen(self, question_id: int) -> None:
        """Mark a question open for the Secretariat whatever the bot replied."""
        async with self._database.transaction() as session:
            question = await self._get(session, question_id)
            question.status = QuestionStatus.OPEN.value

    async def recent_questions(self, question_id: int, *, since: datetime) -> RecentQuestions:
        """How many questions its asker, and its conversation, sent on its platform after
        `since` up to `question_id`, itself included (a flood shows however many processes
        receive it). One statement, run on every answer: the question is joined, not read
        first."""
        values = {"question_id": question_id, "since": since}
        counts = await self._database.run(partial(_recent_counts, values))
        if counts is None:
            raise UnknownQuestionError(f"No question has the id {question_id}.")
        return RecentQuestions(by_asker=counts[0], in_conversation=counts[1])

    async def claim_counting(self, question_id: int, *, since: datetime) -> RecentQuestions | None:
        """`claim`, then `recent_questions`, in one unit of work (every answer runs both, and
        a unit costs more than its two statements); None when someone else took it first."""
        claim = {"question_id": question_id, "now": self._clock()}
        counts = {"question_id": question_id, "since": since}
        found = await self._database.run(partial(_claimed_counts, claim, counts))
        if found is None:
            return None
        return RecentQuestions(by_asker=found[0], in_conversation=found[1])

    async def claim(self, question_id: int) -> bool:
        """Take one stored question to answer it; False when someone else took it first (a
        worker, or another process's answer to a platform's retry)."""
        values = {"question_id": question_id, "now": self._clock()}
        return await self._changed(statements.CLAIM, values)

    async def claim_unanswered(
        self, *, limit: int, lease: timedelta, grace: timedelta = timedelta(0)
    ) -> list[Question]:
        """Questions stored but not yet answered, each claimed by exactly one worker. A claim
        not completed within `lease` (its worker died) can be claimed again; a question stored
        less than `grace` ago is left to the process that received it."""
        now = self._clock()
        async with self._database.transaction() as session:
            candidates = (
                await session.scalars(
                    select(Question)
                    .where(
                        (
                            (Question.status == QuestionStatus.RECEIVED.value)
                            & (Question.received_at <= now - grace)
                        )
                        | (
                            (Question.status == QuestionStatus.ANSWERING.value)
                            & (Question.answered_at < now - lease)
                        )
                    )
                    .order_by(Question.id)
                    .limit(limit)
                    .with_for_update(skip_locked=True)
                )
            ).all()
            claimed = []
            for question in candidates:
                claim = (
                    update(Question)
                    .where(Question.id == question.id, Question.status == question.status)
                    .values(status=QuestionStatus.ANSWERING.value, answered_at=now)
                )
                if await won(session, claim):
                    claimed.append(question)
            return claimed

    async def move_to_thread(self, question_id: int, thread_id: str) -> None:
        """Record the thread a question now lives in (a slash command's echo message)."""
        async with self._database.transaction() as session:
            question = await self._get(session, question_id)
            question.conversation = {**question.conversation, "thread_id": thread_id}

    async def get(self, question_id: int) -> Question:
        """One question, or UnknownQuestionError."""
        async with self._database.sessions() as session:
            return await self._get(session, question_id)

    async def recent(self, *, platform: str, user_id: str, limit: int = 5) -> list[LoggedQuestion]:
        """A member's latest questions, newest first (for the App Home)."""
        return await self._read(
            select(Question)
            .where(Question.platform == platform, Question.user_id == user_id)
            .order_by(Question.received_at.desc(), Question.id.desc())
            .limit(limit)
        )

    async def with_status(self, statuses: Sequence[str]) -> list[LoggedQuestion]:
        """Every question in one of `statuses`, oldest first (for the CSV export)."""
        return await self._read(
            select(Question).where(Question.status.in_(statuses)).order_by(Question.id)
        )

    async def _read(self, query: Select[Question]) -> list[LoggedQuestion]:
        async with self._database.sessions() as session:
            return [LoggedQuestion.from_row(q) for q in (await session.scalars(query)).all()]

    @staticmethod
    async def _get(session: AsyncSession, question_id: int) -> Question:
        question = await session.get(Question, question_id)
        if question is None:
            raise UnknownQuestionError(f"No question has the id {question_id}.")
        return question


def _stored_ids(rows: Sequence[dict[str, Any]], connection: Connection) -> list[int | None]:
    """`QuestionLog._insert`'s unit of work."""
    first_of_key: dict[str, int] = {}
    for position, row in enumerate(rows):
        if row["event_key"] is not None:
            first_of_key.setdefault(row["event_key"], position)
    ids: list[int | None] = [None] * len(rows)
    keyed = [rows[position] for position in first_of_key.values()]
    if keyed:
        statement = statements.store_keyed(connection.dialect.name)
        for question_id, key in connection.execute(statement, keyed):
            ids[first_of_key[key]] = question_id
    for position, row in enumerate(rows):
        if row["event_key"] is None:
            ids[position] = connection.scalar(statements.STORE_UNKEYED, row)
    return ids


def _changes_one(statement: Update, values: Mapping[str, object], connection: Connection) -> bool:
    """Whether an UPDATE changed exactly one row."""
    return connection.execute(statement, values).rowcount == 1


def _claimed_counts(
    claim: Mapping[str, object], counts: Mapping[str, object], connection: Connection
) -> tuple[int, int] | None:
    """`QuestionLog.claim_counting`'s unit of work."""
    if not _changes_one(statements.CLAIM, claim, connection):
        return None
    return _recent_counts(counts, connection)


def _recent_counts(values: Mapping[str, object], connection: Connection) -> tuple[int, int] | None:
    """`QuestionLog.recent_questions`'s counts: by its asker, in its conversation (None for
    a question not stored)."""
    found = connection.execute(statements.RECENT_QUESTIONS, values).one_or_none()
    return None if found is None else (int(found[0]), int(found[1]))
