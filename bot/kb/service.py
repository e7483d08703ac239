"""Keeps the database (source of truth) and the search index in step."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

import structlog
from sqlalchemy import select

from bot.db.audit import record_audit
from bot.db.engine import Database
from bot.db.models import ConsolidatedReply
from bot.kb.embeddings import EmbeddingStore, Progress
from bot.kb.queries import (
    document_docs,
    find_doc,
    knowledge_fingerprint,
    reply_doc,
    retire_reply,
    searchable_docs,
)
from bot.kb.store import StoreReport, store_batch
from knowledge.index import SearchIndex
from knowledge.records import IngestBatch, ReplyStatus
from knowledge.search_types import Hit, SearchDoc
from knowledge.semantic import SemanticReranker, VectorTable

LEXICAL_DEPTH = 30
"""Lexical candidates the re-ranker chooses from."""

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
        embeddings: EmbeddingStore | None = None,
    ) -> None:
        """`new_index` builds an empty index, for rebuilding after changes made elsewhere;
        `embeddings`, when given, re-ranks every search by meaning."""
        self.database = database
        self.index = index
        self._new_index = new_index
        self._embeddings = embeddings
        self._reranker = (
            SemanticReranker(
                embedder=embeddings.embedder, table=VectorTable(embeddings.embedder.dimensions)
            )
            if embeddings is not None
            else None
        )
        self._unembedded: list[SearchDoc] = []
        self._fingerprint: tuple[object, ...] | None = None

    async def load_index(self) -> int:
        """Fill the index (and the stored vectors) from the database, at start; returns the
        number of docs. Docs without a vector yet wait for `embed_missing`."""
        async with self.database.transaction() as session:
            self._fingerprint = await knowledge_fingerprint(session)
            docs = await searchable_docs(session)
        self.index.add(docs)
        if self._embeddings is not None and self._reranker is not None:
            self._unembedded = await self._embeddings.load(self._reranker.table, docs)
        logger.info("index.loaded", docs=len(docs))
        return len(docs)

    @property
    def unembedded(self) -> int:
        """Docs searchable only lexically until their vectors are computed."""
        return len(self._unembedded)

    async def embed_missing(self, *, progress: Progress | None = None) -> int:
        """Compute the vectors the database lacks (new model, or docs stored without one);
        returns how many were computed."""
        if self._embeddings is None or self._reranker is None or not self._unembedded:
            return 0
        pending, self._unembedded = self._unembedded, []
        await self._embeddings.compute(self._reranker.table, pending, progress=progress)
        return len(pending)

    async def sync(self) -> bool:
        """Rebuild the index if another process changed the knowledge base (several bot
        processes may share one PostgreSQL); True when it was rebuilt."""
        async with self.database.sessions() as session:
            fingerprint = await knowledge_fingerprint(session)
        if fingerprint == self._fingerprint or self._new_index is None:
            return False
        fresh = KnowledgeService(
            database=self.database, index=self._new_index(), embeddings=self._embeddings
        )
        await fresh.load_index()
        await fresh.embed_missing()
        self.index, self._fingerprint = fresh.index, fresh._fingerprint
        self._reranker = fresh._reranker
        logger.info("index.synced", docs=self.index.stats().documents)
        return True

    async def _note_own_change(self) -> None:
        async with self.database.sessions() as session:
            self._fingerprint = await knowledge_fingerprint(session)

    async def ingest(
        self, batch: IngestBatch, *, prune: bool = False, progress: Progress | None = None
    ) -> StoreReport:
        """Store a batch in one transaction, then update the index (and compute the vectors)
        for what changed; see `store_batch` for what is withdrawn, and what `prune` adds."""
        async with self.database.transaction() as session:
            report = await store_batch(session, batch, prune=prune)
            changed_replies = report.replies.changed()
            replies = (
                await session.scalars(
                    select(ConsolidatedReply).where(ConsolidatedReply.slug.in_(changed_replies))
                )
            ).all()
            passages = await document_docs(session, report.documents.changed())
        gone = [*report.documents.superseded_ids, *report.replies.withdrawn]
        self.index.remove(gone)
        added = self._mirror_replies(replies)
        self.index.add(passages)
        if self._embeddings is not None and self._reranker is not None:
            self._reranker.table.remove([*gone, *(r.slug for r in replies)])
            # a reply whose tags or dates changed keeps the vectors its unchanged text has
            missing = await self._embeddings.load(self._reranker.table, [*added, *passages])
            self._unembedded.extend(missing)
            await self.embed_missing(progress=progress)
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
        if self._reranker is not None:
            self._reranker.table.remove([slug])
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

    async def prepare(self, query: str) -> None:
        """Embed the query off the event loop (a CPU-bound hundredth of a second), so that the
        search that follows finds its vector ready and the bot keeps acknowledging meanwhile."""
        if self._reranker is not None and len(self._reranker.table):
            await asyncio.to_thread(self._reranker.query_vector, query)

    def search(self, query: str, *, top_k: int, language: str | None = None) -> Sequence[Hit]:
        """Best hits for a query, re-ranked by meaning when an embedder is configured;
        `language` is the asker's locale when the platform gives it."""
        reranker = self._reranker
        if reranker is None or not len(reranker.table):
            return self.index.search(query, top_k=top_k, language=language)
        lexical = self.index.search(query, top_k=max(top_k, LEXICAL_DEPTH), language=language)
        return reranker.rerank(query, lexical, top_k=top_k, language=language)

    def sentence_similarities(self, query: str, doc: SearchDoc) -> dict[str, float]:
        """How close in meaning each of a doc's sentences is to the query, by sentence text
        (empty without an embedder or before the doc's vectors are computed)."""
        if self._reranker is None:
            return {}
        return self._reranker.sentence_similarities(query, doc)

    def _mirror_replies(self, replies: Sequence[ConsolidatedReply]) -> list[SearchDoc]:
        """Index the published replies, drop the others; returns the docs indexed."""
        published = [reply_doc(r) for r in replies if r.status == ReplyStatus.PUBLISHED.value]
        self.index.remove(r.slug for r in replies if r.status != ReplyStatus.PUBLISHED.value)
        self.index.add(published)
        return published
