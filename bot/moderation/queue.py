"""The moderation queue: open questions grouped, answered once, every asker notified.

Only moderators may answer, link, assign or dismiss; every such change is written to the
audit trail in the same transaction. Answers become (or extend) consolidated replies, are
indexed at once, and reach each asker through the outbox in their original thread.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from functools import partial
from typing import Any, cast

import structlog
from sqlalchemy import Connection, Table, bindparam, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from bot.answers.answerer import Answerer
from bot.clock import Clock, system_clock
from bot.db.audit import record_audit
from bot.db.engine import Database
from bot.db.locks import Lock, hold
from bot.db.models import Question, QuestionGroup
from bot.delivery import keys as delivery_keys
from bot.delivery.outbox import enqueue
from bot.delivery.payloads import ReplyPayload
from bot.kb.queries import get_reply
from bot.kb.service import KnowledgeService
from bot.messages import ConversationRef
from bot.moderation.announce import ModeratorChannels
from bot.moderation.directory import Actor, ModeratorDirectory, require_moderator
from bot.moderation.grouping import Similarity
from bot.moderation.resolution import AnswerDraft, answer_record, linked_record, notification
from bot.moderation.views import CardLocation, GroupView, UnknownGroupError, group_view
from bot.questions.statements import QUESTION
from bot.questions.status import QuestionStatus
from knowledge.glossary import Glossary
from knowledge.records import IngestBatch

logger = structlog.get_logger(__name__)

ACTIVE = (QuestionStatus.OPEN.value, QuestionStatus.ASSIGNED.value)
CANDIDATE_GROUPS = 300
GROUP = cast(Table, QuestionGroup.__table__)
_CANDIDATES = (
    select(GROUP.c.id)
    .where(GROUP.c.status.in_(ACTIVE))
    .order_by(GROUP.c.updated_at.desc())
    .limit(CANDIDATE_GROUPS)
)
CANDIDATE_TITLES = select(GROUP.c.id, GROUP.c.title, GROUP.c.status).where(
    GROUP.c.id.in_(_CANDIDATES)
)
"""The most recently active groups a new open question may join, with their titles."""
CANDIDATE_WORDINGS = select(QUESTION.c.group_id, QUESTION.c.text).where(  # not a bound list:
    QUESTION.c.group_id.in_(_CANDIDATES)  # binding 300 ids cost 2 ms an abstention
)
"""Their questions' wordings. A fifth of questions group, so these statements are built once
(building them cost more than running them) and on the tables, not the mapped classes: the
ORM's loading of rows and objects cost several times the statements themselves."""
TO_GROUP = select(QUESTION.c.text, QUESTION.c.language, QUESTION.c.group_id).where(
    QUESTION.c.id == bindparam("question_id")
)
NEW_GROUP = insert(GROUP).returning(GROUP.c.id)
JOIN_GROUP = (
    update(QUESTION)
    .where(QUESTION.c.id == bindparam("question_id"))
    .values(group_id=bindparam("group_id"), status=bindparam("status"))
)
TOUCH_GROUP = (
    update(GROUP).where(GROUP.c.id == bindparam("group_id")).values(updated_at=bindparam("now"))
)


class Moderation:
    """Groups open questions and carries out moderators' decisions."""

    def __init__(
        self,
        *,
        database: Database,
        knowledge: KnowledgeService,
        answerer: Answerer,
        similarity: Similarity,
        moderators: ModeratorDirectory,
        moderators_conversations: Sequence[ConversationRef] = (),
        clock: Clock = system_clock,
    ) -> None:
        self.database = database
        self._knowledge = knowledge
        self._answerer = answerer
        self._similarity = similarity
        self.moderators = moderators
        self._channels = ModeratorChannels(moderators_conversations)
        self._clock = clock

    @property
    def moderators_conversations(self) -> tuple[ConversationRef, ...]:
        """Every moderators' conversation."""
        return self._channels.conversations

    @property
    def moderators_conversation(self) -> ConversationRef | None:
        """The first moderators' conversation (digests go there), if any is configured."""
        return self._channels.first

    @property
    def glossary(self) -> Glossary:
        """The field glossary (topics of unanswered questions are named by it)."""
        return self._answerer.planner.glossary

    async def open_question(self, question_id: int) -> tuple[int, bool]:
        """Put an open question in the group of a near-duplicate, or a new group; returns
        (group id, whether the group is new). A new group is announced to the moderators.
        One unit of work: a fifth of questions come here (`Database.run_session`)."""
        grouped = partial(self._grouped, question_id, self._clock())
        group_id, created = await self.database.run_session(grouped)
        logger.info("moderation.grouped", question=question_id, group=group_id, new=created)
        return group_id, created

    def _grouped(self, question_id: int, now: datetime, session: Session) -> tuple[int, bool]:
        hold(session, Lock.GROUPING)  # else paraphrases asked at once open two groups
        connection = session.connection()
        question = connection.execute(TO_GROUP, {"question_id": question_id}).one_or_none()
        if question is None:
            raise LookupError(f"No question has the id {question_id}.")
        if question.group_id is not None:
            return int(question.group_id), False
        similar = self._similar_group(connection, question.text)
        if similar is None:
            group_id, status = self._new_group(session, question.text, question.language, now)
        else:
            group_id, status = similar
            connection.execute(TOUCH_GROUP, {"group_id": group_id, "now": now})
        values = {"question_id": question_id, "group_id": group_id, "status": status}
        connection.execute(JOIN_GROUP, values)
        return group_id, similar is None

    def _new_group(
        self, session: Session, title: str, language: str | None, now: datetime
    ) -> tuple[int, str]:
        """A new open group named after its first question, announced to the moderators."""
        status = QuestionStatus.OPEN.value
        row = {
            "status": status,
            "title": title,
            "language": language or "en",
            "created_at": now,
            "updated_at": now,
        }
        group_id = int(session.connection().execute(NEW_GROUP, row).scalar_one())
        self._channels.announce(session, group_id, now=now)
        return group_id, status

    def _similar_group(self, connection: Connection, text: str) -> tuple[int, str] | None:
        """The active group whose title or wordings are closest to `text`, if close enough:
        its id and status."""
        statuses: dict[int, str] = {}
        wordings: dict[int, list[str]] = {}
        for group_id, title, status in connection.execute(CANDIDATE_TITLES):
            statuses[group_id] = status
            wordings[group_id] = [title]
        for member_of, wording in connection.execute(CANDIDATE_WORDINGS):
            if member_of is not None:
                wordings[member_of].append(wording)
        best = self._similarity.closest(text, wordings)
        return None if best is None else (best, statuses[best])

    async def set_card(self, group_id: int, platform: str, location: CardLocation) -> None:
        """Remember where `platform` posted a group's card (to update it later); each
        platform keeps its own entry, so a group may have a card on each."""
        async with self.database.transaction() as session:
            group = await self._group(session, group_id)
            group.card = {**(group.card or {}), platform: dict(location)}

    async def remind_stale(self, *, untouched_for: timedelta) -> list[int]:
        """Re-post, once per period, the cards of active groups nobody touched for a while."""
        now = self._clock()
        cutoff = now - untouched_for
        if not self.moderators_conversations:
            return []
        async with self.database.transaction() as session:
            stale = (
                await session.scalars(
                    select(QuestionGroup).where(
                        QuestionGroup.status.in_(ACTIVE),
                        QuestionGroup.updated_at < cutoff,
                        (QuestionGroup.reminded_at.is_(None))
                        | (QuestionGroup.reminded_at < cutoff),
                    )
                )
            ).all()
            for group in stale:
                group.reminded_at = now
                await self._channels.remind(session, group, now=now)
        return [group.id for group in stale]

    async def groups(self, *, statuses: Sequence[str] = ACTIVE) -> list[GroupView]:
        """Groups of the given statuses, most recently active first."""
        async with self.database.sessions() as session:
            groups = (
                await session.scalars(
                    select(QuestionGroup)
                    .where(QuestionGroup.status.in_(statuses))
                    .order_by(QuestionGroup.updated_at.desc(), QuestionGroup.id.desc())
                )
            ).all()
            return [group_view(g, await self._questions(session, g.id)) for g in groups]

    async def view(self, group_id: int, *, candidates: int = 3) -> GroupView:
        """One group with its questions and the bot's best candidate answers."""
        async with self.database.sessions() as session:
            group = await self._group(session, group_id)
            view = group_view(group, await self._questions(session, group_id))
        if not candidates:  # the search runs after the connection went back to the pool
            return view
        return replace(view, candidates=self._knowledge.search(view.group.title, top_k=candidates))

    async def assign(self, group_id: int, actor: Actor) -> None:
        """Mark a group as taken by a moderator."""
        await self._change(group_id, actor, "assign", status=QuestionStatus.ASSIGNED.value)

    async def dismiss(self, group_id: int, actor: Actor) -> None:
        """Close a group without an answer (spam, out of scope, duplicate of a closed one)."""
        await self._change(group_id, actor, "dismiss", status=QuestionStatus.DISMISSED.value)

    async def answer(self, group_id: int, draft: AnswerDraft, actor: Actor) -> str:
        """Answer a group with a new consolidated reply; returns the reply's id. Only the
        wordings the moderator chose become its alternative questions."""
        await require_moderator(self.moderators, actor)
        view = await self.view(group_id, candidates=0)
        record = answer_record(view, draft, actor, today=self._clock().date())
        await self._knowledge.ingest(IngestBatch(replies=(record,)), actor=str(actor))
        await self._resolve(view, record.slug, actor, action="answer", kept=record.alt_questions)
        return record.slug

    async def link(
        self, group_id: int, reply_id: str, actor: Actor, *, alt_questions: Sequence[str] = ()
    ) -> None:
        """Answer a group with an existing reply, adding to it the wordings the moderator
        chose (`alt_questions`, none by default) that it does not already have."""
        await require_moderator(self.moderators, actor)
        view = await self.view(group_id, candidates=0)
        async with self.database.sessions() as session:
            reply = await get_reply(session, reply_id)
        added = view.chosen(alt_questions, besides=(reply.question, *reply.alt_questions))
        linked = IngestBatch(replies=(linked_record(reply, added),))
        await self._knowledge.ingest(linked, actor=str(actor))
        await self._resolve(view, reply_id, actor, action="link", kept=added)

    async def _resolve(
        self, view: GroupView, slug: str, actor: Actor, *, action: str, kept: Sequence[str]
    ) -> None:
        """Close the group and its questions, and queue the answer to every asker; the audit
        trail records which wordings the moderator `kept` as alternative questions."""
        now = self._clock()
        presented = await self._answerer.present(slug)
        if presented is None:
            raise LookupError(f"No published reply has the id {slug!r}.")
        async with self.database.transaction() as session:
            group = await self._group(session, view.group.id)
            before = _snapshot(group)
            group.status = QuestionStatus.ANSWERED.value
            group.reply_id = slug
            group.answered_at = group.updated_at = now
            for question in await self._questions(session, group.id):
                question.status = QuestionStatus.ANSWERED.value
                await enqueue(
                    session,
                    key=delivery_keys.answer_notice(group.id, question.id),
                    ref=ConversationRef.from_dict(question.conversation),
                    payload=ReplyPayload(notification(question, presented)),
                    now=now,
                )
            extra = {"alt_questions": list(kept)}
            _audit_group(session, group, actor, action, before=before, now=now, extra=extra)
            await self._channels.refresh(session, group, acted_on=actor.surface, now=now)
        logger.info(
            "moderation.answered",
            group=view.group.id,
            reply=slug,
            askers=len(view.questions),
            alt_questions=len(kept),
        )

    async def _change(self, group_id: int, actor: Actor, action: str, *, status: str) -> None:
        await require_moderator(self.moderators, actor)
        now = self._clock()
        async with self.database.transaction() as session:
            group = await self._group(session, group_id)
            before = _snapshot(group)
            group.status = status
            group.updated_at = now
            if action == "assign":
                group.assigned_to = str(actor)
                group.assignee_name = (actor.name or "")[:200] or None
            for question in await self._questions(session, group_id):
                question.status = status
            _audit_group(session, group, actor, action, before=before, now=now)
            await self._channels.refresh(session, group, acted_on=actor.surface, now=now)

    @staticmethod
    async def _group(session: AsyncSession, group_id: int) -> QuestionGroup:
        group = await session.get(QuestionGroup, group_id)
        if group is None:
            raise UnknownGroupError(f"No question group has the id {group_id}.")
        return group

    @staticmethod
    async def _questions(session: AsyncSession, group_id: int) -> Sequence[Question]:
        return (
            await session.scalars(
                select(Question).where(Question.group_id == group_id).order_by(Question.id)
            )
        ).all()


def _snapshot(group: QuestionGroup) -> dict[str, Any]:
    return {"status": group.status, "assigned_to": group.assigned_to, "reply": group.reply_id}


def _audit_group(
    session: AsyncSession,
    group: QuestionGroup,
    actor: Actor,
    action: str,
    *,
    before: Mapping[str, Any],
    now: datetime,
    extra: Mapping[str, Any] | None = None,
) -> None:
    """Record a moderator's change to a group, with its state before and after (and, for
    an answer, which wordings became alternative questions)."""
    record_audit(
        session,
        at=now,
        actor=str(actor),
        action=action,
        target=f"group:{group.id}",
        before=dict(before),
        after=_snapshot(group) | dict(extra or {}),
    )
