"""Keeps the database (source of truth) and the search index in step."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

import structlog
from sqlalchemy import select

from bot.audit import record_audit
from bot.db.engine import Database
from bot.db.models import ConsolidatedReply
from bot.kb_queries import (
    document_docs,
    find_doc,
    knowledge_fingerprint,
    reply_doc,
    retire_reply,
    searchable_docs,
)
from bot.kb_store import StoreReport, store_batch
from knowledge.index import SearchIndex
from knowledge.records import IngestBatch, ReplyStatus
from knowledge.search_types import Hit, SearchDoc

logger = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class ReplyMeta:
    """What answers show about a reply besides its text."""

    sources: tuple[dict[str, str], ...]
    review_by: date | None


class KnowledgeService:
    """Ingests, retires and searches; every database change is mirrored in the index."""

    def __init__(
        self,
        *,
        database: Database,
        index: SearchIndex,
        new_index: Callable[[], SearchIndex] | None = None,
    ) -> None:
        """`new_index` builds an empty index, for rebuilding after changes made elsewhere."""
        self.database = database
        self.index = index
        self._new_index = new_index
        self._fingerprint: tuple[object, ...] | None = None

    async def load_index(self) -> int:
        """Fill the index from the database (at start); returns the number of docs."""
        async with self.database.transaction() as session:
            self._fingerprint = await knowledge_fingerprint(session)
            docs = await searchable_docs(session)
        self.index.add(docs)
        logger.info("index.loaded", docs=len(docs))
        return len(docs)

    async def sync(self) -> bool:
        """Rebuild the index if another process changed the knowledge base (several bot
        processes may share one PostgreSQL); True when it was rebuilt."""
        async with self.database.sessions() as session:
            fingerprint = await knowledge_fingerprint(session)
        if fingerprint == self._fingerprint or self._new_index is None:
            return False
        fresh = KnowledgeService(database=self.database, index=self._new_index())
        await fresh.load_index()
        self.index, self._fingerprint = fresh.index, fresh._fingerprint
        logger.info("index.synced", docs=self.index.stats().documents)
        return True

    async def _note_own_change(self) -> None:
        async with self.database.sessions() as session:
            self._fingerprint = await knowledge_fingerprint(session)

    async def ingest(self, batch: IngestBatch, *, prune: bool = False) -> StoreReport:
        """Store a batch in one transaction, then update the index for what changed (see
        `store_batch` for what is withdrawn, and what `prune` adds)."""
        async with self.database.transaction() as session:
            report = await store_batch(session, batch, prune=prune)
            changed_replies = report.replies.changed()
            replies = (
                await session.scalars(
                    select(ConsolidatedReply).where(ConsolidatedReply.slug.in_(changed_replies))
                )
            ).all()
            passages = await document_docs(session, report.documents.changed())
        self.index.remove([*report.documents.superseded_ids, *report.replies.withdrawn])
        self._mirror_replies(replies)
        self.index.add(passages)
        await self._note_own_change()
        return report

    async def retire(self, slug: str, *, actor: str, now: datetime) -> None:
        """Retire a reply, drop it from search at once, and record who did it."""
        async with self.database.transaction() as session:
            reply = await retire_reply(session, slug)
            record_audit(
                session,
                at=now,
                actor=actor,
                action="retire",
                target=f"reply:{slug}",
                before={"status": ReplyStatus.PUBLISHED.value},
                after={"status": reply.status},
            )
        self.index.remove([slug])
        await self._note_own_change()

    async def reply_meta(self, slug: str) -> ReplyMeta:
        """The public sources a reply cites and the date it is due for review."""
        async with self.database.sessions() as session:
            reply = await session.scalar(
                select(ConsolidatedReply).where(ConsolidatedReply.slug == slug)
            )
        if reply is None:
            return ReplyMeta(sources=(), review_by=None)
        return ReplyMeta(sources=tuple(reply.sources), review_by=reply.review_by)

    async def lookup(self, item_id: str) -> SearchDoc | None:
        """A reply or passage by its search id, from the database."""
        async with self.database.sessions() as session:
            return await find_doc(session, item_id)

    def search(self, query: str, *, top_k: int, language: str | None = None) -> Sequence[Hit]:
        """Best hits for a query; `language` is the asker's locale when the platform gives it."""
        return self.index.search(query, top_k=top_k, language=language)

    def _mirror_replies(self, replies: Sequence[ConsolidatedReply]) -> None:
        published = [r for r in replies if r.status == ReplyStatus.PUBLISHED.value]
        self.index.remove(r.slug for r in replies if r.status != ReplyStatus.PUBLISHED.value)
        self.index.add(reply_doc(r) for r in published)
