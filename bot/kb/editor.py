"""Curating consolidated replies one at a time (the web dashboard's knowledge-base pages):
read one with its history, create, edit, retire, and list those due for review.

Every change goes through `KnowledgeService`, as imports and moderators' answers do: one
transaction stores the reply, its new version, its audit event and the change log that the
other processes' indexes follow, and this process's index is updated at once. An edit names
the version it started from, so one moderator never silently overwrites another's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.clock import Clock, system_clock
from bot.db.models import ConsolidatedReply
from bot.kb.queries import get_reply
from bot.kb.review import due_for_review
from bot.kb.service import KnowledgeService
from bot.kb.versions import VersionView, latest_numbers, reply_history
from knowledge.records import IngestBatch, ReplyRecord, SourceLink


@dataclass(frozen=True, slots=True)
class ReplyView:
    """A consolidated reply as adapters see it (never the database row)."""

    slug: str
    question: str
    alt_questions: tuple[str, ...]
    answer_md: str
    tags: tuple[str, ...]
    language: str
    sources: tuple[SourceLink, ...]
    status: str
    last_reviewed: date | None
    review_by: date | None
    owner: str | None
    origin: str
    updated_at: datetime
    version: int
    """Its latest version's number: what an edit of it starts from."""


def _view(reply: ConsolidatedReply, version: int) -> ReplyView:
    return ReplyView(
        slug=reply.slug,
        question=reply.question,
        alt_questions=tuple(reply.alt_questions),
        answer_md=reply.answer_md,
        tags=tuple(reply.tags),
        language=reply.language,
        sources=tuple(SourceLink(title=s["title"], url=s["url"]) for s in reply.sources),
        status=reply.status,
        last_reviewed=reply.last_reviewed,
        review_by=reply.review_by,
        owner=reply.owner,
        origin=reply.origin,
        updated_at=reply.updated_at,
        version=version,
    )


class ReplyEditor:
    """Reads and changes consolidated replies through the knowledge service."""

    def __init__(self, *, knowledge: KnowledgeService, clock: Clock = system_clock) -> None:
        self._knowledge = knowledge
        self._clock = clock

    async def reply(self, slug: str) -> ReplyView:
        """The reply of this id, whatever its status (UnknownItemError when none)."""
        async with self._knowledge.database.sessions() as session:
            reply = await get_reply(session, slug)
            latest = await latest_numbers(session, [slug])
        return _view(reply, latest.get(slug, 0))

    async def history(self, slug: str) -> list[VersionView]:
        """Every version of the reply, newest first."""
        async with self._knowledge.database.sessions() as session:
            return await reply_history(session, slug)

    async def create(self, record: ReplyRecord, *, actor: str) -> None:
        """Store a new reply (VersionConflictError when its id is taken)."""
        await self._save(record, actor=actor, based_on=0)

    async def edit(self, record: ReplyRecord, *, actor: str, based_on: int) -> None:
        """Store a reply's new content, if it is still at version `based_on`
        (VersionConflictError when someone changed it meanwhile)."""
        await self._save(record, actor=actor, based_on=based_on)

    async def retire(self, slug: str, *, actor: str) -> None:
        """Retire the reply: kept with its history, no longer used in answers."""
        await self._knowledge.retire(slug, actor=actor, now=self._clock())

    async def due_for_review(self, *, before: date, owner: str | None = None) -> list[ReplyView]:
        """Published replies to review before `before` (one owner's, when named), the
        longest overdue first."""
        async with self._knowledge.database.sessions() as session:
            due = await due_for_review(session, before=before, owner=owner)
            latest = await latest_numbers(session, [reply.slug for reply in due])
        return [_view(reply, latest.get(reply.slug, 0)) for reply in due]

    async def _save(self, record: ReplyRecord, *, actor: str, based_on: int) -> None:
        await self._knowledge.ingest(
            IngestBatch(replies=(record,)), actor=actor, based_on={record.slug: based_on}
        )
