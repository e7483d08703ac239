"""The moderation queue: open questions grouped, answered once, every asker notified.

Only moderators may answer, link, assign or dismiss; every such change is written to the
audit trail in the same transaction. Answers become (or extend) consolidated replies, are
indexed at once, and reach each asker through the outbox in their original thread.
"""

from __future__ import annotations

import re
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

import structlog
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.answers.answerer import Answerer
from bot.clock import Clock, system_clock
from bot.db.audit import record_audit
from bot.db.engine import Database
from bot.db.models import Question, QuestionGroup
from bot.delivery import keys as delivery_keys
from bot.delivery.outbox import enqueue
from bot.delivery.payloads import Payload, ReplyPayload
from bot.kb.queries import get_reply
from bot.kb.service import KnowledgeService
from bot.messages import ConversationRef, Reply
from bot.moderation.grouping import Similarity
from bot.moderation.payloads import GroupCardPayload, GroupCardRefreshPayload
from bot.questions.log import QuestionStatus
from knowledge.glossary import Glossary
from knowledge.records import IngestBatch, ReplyRecord, ReplyStatus, SourceLink
from knowledge.search_types import Hit

logger = structlog.get_logger(__name__)

ACTIVE = (QuestionStatus.OPEN.value, QuestionStatus.ASSIGNED.value)
REVIEW_PERIOD = timedelta(days=365)
CANDIDATE_GROUPS = 300


class NotAModeratorError(PermissionError):
    """Raised when someone who is not a moderator tries a moderator's action."""

    def __init__(self) -> None:
        super().__init__(
            "Sorry, only the Secretariat's moderators can do that. If you think you should be "
            "one, ask the Secretariat to add you."
        )


class UnknownGroupError(LookupError):
    """No question group has that id."""


class UnknownWordingError(ValueError):
    """A wording chosen as an alternative question was not asked in the group: refused
    rather than ignored, so a moderator's typo never silently drops what they meant."""

    def __init__(self, group_id: int, wordings: Sequence[str]) -> None:
        self.wordings = tuple(wordings)
        listed = "; ".join(f"“{w[:80]}”" for w in self.wordings)
        super().__init__(f"Group {group_id} was never asked as {listed}.")


class ModeratorDirectory(Protocol):
    """Answers whether someone is a moderator (adapters may add their own sources)."""

    async def is_moderator(self, platform: str, user_id: str) -> bool:
        """True when the user may moderate."""


LOCAL_PLATFORMS = frozenset({"cli", "console"})
"""Actors typing on the server itself (`huribot queue ...`, `huribot chat`)."""


@dataclass(frozen=True, slots=True)
class Moderators:
    """Who may moderate: `platform:user` ids (e.g. `slack:U123`, `teams:<aad id>`).

    The command line and the console chat are run by operators on the server, who can read
    the database anyway, so their actors are moderators (LOCAL_PLATFORMS)."""

    ids: frozenset[str] = frozenset()

    def allows(self, platform: str, user_id: str) -> bool:
        """True for configured moderators and operators at the command line or console."""
        return platform in LOCAL_PLATFORMS or f"{platform}:{user_id}" in self.ids

    async def is_moderator(self, platform: str, user_id: str) -> bool:
        """The directory interface over the configured list."""
        return self.allows(platform, user_id)


MembersSource = Callable[[], Awaitable[Iterable[str]]]
"""Fetches the user ids of a platform's moderators' channel."""
MEMBERSHIP_TTL_SECONDS = 300.0


class ChannelModerators:
    """Moderators are those `fallback` knows, plus the members of one platform's moderators'
    channel (asked of the platform at most every few minutes), so the Secretariat adds a
    moderator by adding them to the channel."""

    def __init__(
        self,
        *,
        fallback: ModeratorDirectory,
        platform: str,
        members: MembersSource,
        ttl_seconds: float = MEMBERSHIP_TTL_SECONDS,
    ) -> None:
        self._fallback = fallback
        self._platform = platform
        self._members = members
        self._ttl = ttl_seconds
        self._known: frozenset[str] = frozenset()
        self._fetched_at: float | None = None

    async def is_moderator(self, platform: str, user_id: str) -> bool:
        """Known to the fallback, or a member of this platform's moderators' channel."""
        if await self._fallback.is_moderator(platform, user_id):
            return True
        return platform == self._platform and user_id in await self._channel_members()

    async def _channel_members(self) -> frozenset[str]:
        """The cached members; when the platform cannot say, the last known ones (logged:
        the channel id may be wrong, or the bot not in it), and no one is wrongly let in."""
        now = time.monotonic()
        if self._fetched_at is None or now - self._fetched_at > self._ttl:
            self._fetched_at = now
            try:
                self._known = frozenset(await self._members())
            except Exception as exc:  # any platform failure: keep working on what is known
                logger.warning(
                    "moderation.channel_members_unavailable",
                    platform=self._platform,
                    error=repr(exc),
                    fix="check the moderators' channel setting and that the bot is a member",
                )
        return self._known


@dataclass(frozen=True, slots=True)
class Actor:
    """Who is acting, for permission checks and the audit trail."""

    platform: str
    user_id: str
    name: str | None = field(default=None, compare=False)
    """The display name the platform sent with the action, when it sent one."""

    def __str__(self) -> str:
        return f"{self.platform}:{self.user_id}"


@dataclass(frozen=True, slots=True)
class GroupView:
    """A group as moderators see it: every wording, how many asked, the bot's candidates."""

    group: QuestionGroup
    questions: Sequence[Question]
    candidates: Sequence[Hit] = field(default_factory=tuple)

    @property
    def wordings(self) -> list[str]:
        """Distinct wordings, in the order they were asked."""
        return list(dict.fromkeys(q.text for q in self.questions))

    def chosen(self, wordings: Iterable[str], *, besides: Iterable[str] = ()) -> tuple[str, ...]:
        """The wordings a moderator chose as alternative questions, once each, in their order,
        less those in `besides` (the reply's own questions); raises UnknownWordingError for
        any other that the group was never asked as."""
        known = set(besides)
        picked = tuple(w for w in dict.fromkeys(wordings) if w not in known)
        asked = set(self.wordings)
        unknown = [w for w in picked if w not in asked]
        if unknown:
            raise UnknownWordingError(self.group.id, unknown)
        return picked


@dataclass(frozen=True, slots=True)
class AnswerDraft:
    """What a moderator writes when answering a group. `alt_questions` are the askers'
    wordings they chose to keep as the reply's other phrasings: none by default, because
    askers' wordings are often vague, misspelt or off-topic and would then match it."""

    answer_md: str
    question: str | None = None
    tags: tuple[str, ...] = ()
    sources: tuple[SourceLink, ...] = ()
    alt_questions: tuple[str, ...] = ()


def _snapshot(group: QuestionGroup) -> dict[str, Any]:
    return {"status": group.status, "assigned_to": group.assigned_to, "reply": group.reply_slug}


def _audit_group(
    session: AsyncSession,
    group: QuestionGroup,
    actor: Actor,
    action: str,
    *,
    before: dict[str, Any],
    now: datetime,
    extra: dict[str, Any] | None = None,
) -> None:
    """Record a moderator's change to a group, with its state before and after (and, for
    an answer, which wordings became alternative questions)."""
    record_audit(
        session,
        at=now,
        actor=str(actor),
        action=action,
        target=f"group:{group.id}",
        before=before,
        after=_snapshot(group) | (extra or {}),
    )


def _slug_for(group: QuestionGroup, question: str) -> str:
    words = re.sub(r"[^a-z0-9]+", "-", question.casefold()).strip("-")[:60].strip("-")
    return f"q{group.id}-{words}" if words else f"q{group.id}"


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
        self.moderators_conversations = tuple(moderators_conversations)
        self._clock = clock

    async def open_question(self, question_id: int) -> tuple[int, bool]:
        """Put an open question in the group of a near-duplicate, or a new group; returns
        (group id, whether the group is new). A new group is announced to the moderators."""
        now = self._clock()
        async with self.database.transaction() as session:
            question = await session.get(Question, question_id)
            if question is None:
                raise LookupError(f"No question has the id {question_id}.")
            if question.group_id is not None:
                return question.group_id, False
            group = await self._similar_group(session, question.text)
            created = group is None
            if group is None:
                group = QuestionGroup(
                    status=QuestionStatus.OPEN.value,
                    title=question.text,
                    language=question.language or "en",
                    created_at=now,
                    updated_at=now,
                )
                session.add(group)
                await session.flush()
                await self._announce(session, group)
            question.group_id = group.id
            question.status = group.status
            group.updated_at = now
            logger.info("moderation.grouped", question=question_id, group=group.id, new=created)
            return group.id, created

    async def _similar_group(self, session: AsyncSession, text: str) -> QuestionGroup | None:
        """The active group whose title or wordings are closest to `text`, if close enough."""
        active = (
            select(QuestionGroup.id)
            .where(QuestionGroup.status.in_(ACTIVE))
            .order_by(QuestionGroup.updated_at.desc())
            .limit(CANDIDATE_GROUPS)
        )
        rows = await session.execute(
            select(QuestionGroup.id, QuestionGroup.title).where(QuestionGroup.id.in_(active))
        )
        wordings: dict[int, list[str]] = {group_id: [title] for group_id, title in rows}
        asked = await session.execute(
            select(Question.group_id, Question.text).where(Question.group_id.in_(list(wordings)))
        )
        for group_id, wording in asked:
            if group_id is not None:
                wordings[group_id].append(wording)
        best = self._similarity.closest(text, wordings)
        return await session.get(QuestionGroup, best) if best is not None else None

    @property
    def moderators_conversation(self) -> ConversationRef | None:
        """The first moderators' conversation (digests go there), if any is configured."""
        return self.moderators_conversations[0] if self.moderators_conversations else None

    async def _announce(self, session: AsyncSession, group: QuestionGroup) -> None:
        payload = GroupCardPayload(group.id)
        await self._to_moderators(
            session, delivery_keys.group_card(group.id), payload, now=self._clock()
        )

    async def _to_moderators(
        self,
        session: AsyncSession,
        key: str,
        payload: Payload,
        *,
        now: datetime,
        besides: str | None = None,
    ) -> None:
        """Queue a message to every moderators' conversation (a Slack and a Teams channel may
        both be configured) but those on the platform `besides`, one idempotency key per
        platform."""
        for ref in self.moderators_conversations:
            if ref.platform == besides:
                continue
            await enqueue(session, key=f"{key}:{ref.platform}", ref=ref, payload=payload, now=now)

    async def _refresh_cards(
        self, session: AsyncSession, group: QuestionGroup, actor: Actor, *, now: datetime
    ) -> None:
        """Have every platform show the group's new status on its card. The platform the
        actor pressed a button on updates its own card in that interaction (the moderator
        sees it at once), so it is left out here: its card would be updated twice."""
        if group.card:
            payload = GroupCardRefreshPayload(group.id)
            key = delivery_keys.group_refresh(group.id, now)
            await self._to_moderators(session, key, payload, now=now, besides=actor.platform)

    def use_directory(self, directory: ModeratorDirectory) -> None:
        """Let an adapter widen who counts as a moderator (e.g. a Slack channel's members)."""
        self.moderators = directory

    @property
    def glossary(self) -> Glossary:
        """The field glossary (topics of unanswered questions are named by it)."""
        return self._answerer.planner.glossary

    async def set_card(self, group_id: int, card: dict[str, str]) -> None:
        """Remember where the moderators' card of a group was posted (to update it later);
        each platform's adapter keeps its own keys, so a group may have a card on each."""
        async with self.database.transaction() as session:
            group = await self._group(session, group_id)
            group.card = {**(group.card or {}), **card}

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
                await self._to_moderators(
                    session,
                    delivery_keys.group_reminder(group.id, now.date()),
                    GroupCardPayload(group.id, reminder=True),
                    now=now,
                )
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
            return [GroupView(g, await self._questions(session, g.id)) for g in groups]

    async def view(self, group_id: int, *, candidates: int = 3) -> GroupView:
        """One group with its questions and the bot's best candidate answers."""
        async with self.database.sessions() as session:
            group = await self._group(session, group_id)
            questions = await self._questions(session, group_id)
        hits = self._knowledge.search(group.title, top_k=candidates) if candidates else ()
        return GroupView(group, questions, hits)

    async def assign(self, group_id: int, actor: Actor) -> None:
        """Mark a group as taken by a moderator."""
        await self._change(group_id, actor, "assign", status=QuestionStatus.ASSIGNED.value)

    async def dismiss(self, group_id: int, actor: Actor) -> None:
        """Close a group without an answer (spam, out of scope, duplicate of a closed one)."""
        await self._change(group_id, actor, "dismiss", status=QuestionStatus.DISMISSED.value)

    async def answer(self, group_id: int, draft: AnswerDraft, actor: Actor) -> str:
        """Answer a group with a new consolidated reply; returns the reply's id. Only the
        wordings the moderator chose become its alternative questions."""
        await self._check(actor)
        view = await self.view(group_id, candidates=0)
        question = draft.question or view.group.title
        alternatives = view.chosen(draft.alt_questions, besides=(question,))
        today = self._clock().date()
        record = ReplyRecord(
            slug=view.group.reply_slug or _slug_for(view.group, question),
            question=question,
            answer_md=draft.answer_md,
            alt_questions=alternatives,
            tags=draft.tags,
            language=view.group.language,
            sources=draft.sources,
            status=ReplyStatus.PUBLISHED,
            last_reviewed=today,
            review_by=today + REVIEW_PERIOD,
            owner=str(actor),
            origin=f"moderation:group:{group_id}",
        )
        await self._knowledge.ingest(IngestBatch(replies=(record,)))
        await self._resolve(view, record.slug, actor, action="answer", kept=alternatives)
        return record.slug

    async def link(
        self, group_id: int, reply_slug: str, actor: Actor, *, alt_questions: Sequence[str] = ()
    ) -> None:
        """Answer a group with an existing reply, adding to it the wordings the moderator
        chose (`alt_questions`, none by default) that it does not already have."""
        await self._check(actor)
        view = await self.view(group_id, candidates=0)
        async with self.database.sessions() as session:
            reply = await get_reply(session, reply_slug)
        added = view.chosen(alt_questions, besides=(reply.question, *reply.alt_questions))
        record = ReplyRecord(
            slug=reply.slug,
            question=reply.question,
            answer_md=reply.answer_md,
            alt_questions=(*reply.alt_questions, *added),
            tags=tuple(reply.tags),
            language=reply.language,
            sources=tuple(SourceLink(title=s["title"], url=s["url"]) for s in reply.sources),
            status=ReplyStatus(reply.status),
            last_reviewed=reply.last_reviewed,
            review_by=reply.review_by,
            owner=reply.owner,
            origin=reply.origin,
        )
        await self._knowledge.ingest(IngestBatch(replies=(record,)))
        await self._resolve(view, reply_slug, actor, action="link", kept=added)

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
            group.reply_slug = slug
            group.answered_at = group.updated_at = now
            for question in await self._questions(session, group.id):
                question.status = QuestionStatus.ANSWERED.value
                await enqueue(
                    session,
                    key=delivery_keys.answer_notice(group.id, question.id),
                    ref=ConversationRef.from_dict(question.conversation),
                    payload=ReplyPayload(_notification(question, presented)),
                    now=now,
                )
            extra = {"alt_questions": list(kept)}
            _audit_group(session, group, actor, action, before=before, now=now, extra=extra)
            await self._refresh_cards(session, group, actor, now=now)
        logger.info(
            "moderation.answered",
            group=view.group.id,
            reply=slug,
            askers=len(view.questions),
            alt_questions=len(kept),
        )

    async def _change(self, group_id: int, actor: Actor, action: str, *, status: str) -> None:
        await self._check(actor)
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
            await self._refresh_cards(session, group, actor, now=now)

    async def _check(self, actor: Actor) -> None:
        if not await self.moderators.is_moderator(actor.platform, actor.user_id):
            logger.info("moderation.refused", actor=str(actor))
            raise NotAModeratorError()

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


def _notification(question: Question, answer: Reply) -> Reply:
    """The Secretariat's answer, addressed to one asker in their thread."""
    intro = f"The Secretariat has answered your question “{question.text}”:"
    return Reply(
        kind=answer.kind,
        text=f"{intro}\n\n{answer.text}",
        answer_md=f"**{intro}**\n\n{answer.answer_md}",
        sources=answer.sources,
        hit_id=answer.hit_id,
        question_id=question.id,
        by_secretariat=True,
    )
