"""Keeps the database (source of truth) and the search index in step, in every process.

Each change is applied to this process's index at once and logged (`bot.kb.changes`); the
other processes (replicas, answer workers) read the log every second and update their own
index for just the items changed, never rebuilding it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

import structlog
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.audit import record_audit
from bot.db.engine import Database
from bot.db.models import ConsolidatedReply
from bot.kb.changes import ChangeFeed, record_changes
from bot.kb.embeddings import EmbeddingStore, Progress
from bot.kb.queries import (
    document_docs,
    find_doc,
    reply_doc,
    retire_reply,
    searchable_docs,
)
from bot.kb.reply_meta import ReplyMeta, ReplyMetas
from bot.kb.store import StoreReport, store_batch
from knowledge.index import SearchIndex
from knowledge.records import IngestBatch, ReplyStatus
from knowledge.search_types import Hit, SearchDoc
from knowledge.semantic import SemanticReranker, VectorTable

LEXICAL_DEPTH = 30
"""Lexical candidates the re-ranker chooses from."""

logger = structlog.get_logger(__name__)


class KnowledgeService:
    """Ingests, retires and searches; every database change is mirrored in the index."""

    def __init__(
        self,
        *,
        database: Database,
        index: SearchIndex,
        embeddings: EmbeddingStore | None = None,
    ) -> None:
        """`embeddings`, when given, re-ranks every search by meaning."""
        self.database = database
        self.index = index
        self._embeddings = embeddings
        self._reranker = (
            SemanticReranker(
                embedder=embeddings.embedder, table=VectorTable(embeddings.embedder.dimensions)
            )
            if embeddings is not None
            else None
        )
        self._unembedded: list[SearchDoc] = []
        self._changes = ChangeFeed()
        self._passages: dict[str, list[str]] = {}
        """The ids of each document's passages in the index, to drop when it changes."""
        self._reply_metas = ReplyMetas()

    async def load_index(self) -> int:
        """Fill the index (and the stored vectors) from the database, at start; returns the
        number of docs. Docs without a vector yet wait for `embed_missing`."""
        async with self.database.transaction() as session:
            await self._changes.start(session)
            docs = await searchable_docs(session)
        self._index_docs(docs)
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
        """Apply the changes other processes made to the knowledge base (several bot
        processes may share one PostgreSQL), item by item; True when there were any."""
        async with self.database.sessions() as session:
            changed = await self._changes.unseen(session)
            if changed is None:
                return False
            replies = await _replies(session, changed.replies)
            passages = await document_docs(session, changed.documents)
        await self._apply(
            reply_ids=changed.replies,
            replies=replies,
            documents=changed.documents,
            passages=passages,
        )
        self._changes.mark(changed.ids)
        logger.info("index.synced", replies=len(changed.replies), documents=len(changed.documents))
        return True

    async def ingest(
        self, batch: IngestBatch, *, prune: bool = False, progress: Progress | None = None
    ) -> StoreReport:
        """Store a batch in one transaction, then update the index (and compute the vectors)
        for what changed; see `store_batch` for what is withdrawn, and what `prune` adds."""
        async with self.database.transaction() as session:
            report = await store_batch(session, batch, prune=prune)
            reply_ids = [*report.replies.changed(), *report.replies.withdrawn]
            document_ids = [*report.documents.changed(), *report.documents.withdrawn]
            logged = record_changes(
                session, replies=reply_ids, documents=document_ids, now=datetime.now(UTC)
            )
            await session.flush()
            replies = await _replies(session, reply_ids)
            passages = await document_docs(session, report.documents.changed())
        await self._apply(
            reply_ids=reply_ids,
            replies=replies,
            documents=document_ids,
            passages=passages,
            progress=progress,
        )
        self._changes.mark(row.id for row in logged)
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
            logged = record_changes(session, replies=[slug], now=now)
            await session.flush()
        self.index.remove([slug])
        if self._reranker is not None:
            self._reranker.table.remove([slug])
        self._changes.mark(row.id for row in logged)

    async def reply_meta(self, slug: str) -> ReplyMeta:
        """The public sources a reply cites and the date it is due for review (read from the
        database once, then kept up to date with the reply's changes)."""
        known = self._reply_metas.get(slug)
        if known is not None:
            return known
        async with self.database.sessions() as session:
            reply = await session.scalar(
                select(ConsolidatedReply).where(ConsolidatedReply.slug == slug)
            )
        return self._reply_metas.learn(slug, ReplyMeta.of(reply))

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

    async def _apply(
        self,
        *,
        reply_ids: Sequence[str],
        replies: Sequence[ConsolidatedReply],
        documents: Sequence[str],
        passages: Sequence[SearchDoc],
        progress: Progress | None = None,
    ) -> None:
        """Bring the index in line with the database for these items: replies (published
        ones indexed, the others and the deleted dropped) and documents (their old passages
        dropped, their current ones indexed); vectors follow."""
        published = [reply_doc(r) for r in replies if r.status == ReplyStatus.PUBLISHED.value]
        self._reply_metas.changed(reply_ids, replies)
        old_passages = [pid for slug in documents for pid in self._passages.pop(slug, [])]
        self.index.remove([*reply_ids, *old_passages])
        self._index_docs([*published, *passages])
        if self._embeddings is None or self._reranker is None:
            return
        # a reply whose tags or dates changed keeps the vectors its unchanged text has
        self._reranker.table.remove([*reply_ids, *old_passages])
        missing = await self._embeddings.load(self._reranker.table, [*published, *passages])
        self._unembedded.extend(missing)
        await self.embed_missing(progress=progress)

    def _index_docs(self, docs: Iterable[SearchDoc]) -> None:
        """Index docs, noting which passages belong to which document."""
        docs = list(docs)
        self.index.add(docs)
        for doc in docs:
            if doc.kind == "passage":
                self._passages.setdefault(doc.id.partition("#")[0], []).append(doc.id)


async def _replies(session: AsyncSession, slugs: Sequence[str]) -> Sequence[ConsolidatedReply]:
    """The stored replies of these slugs (deleted ones are simply absent)."""
    if not slugs:
        return []
    return (
        await session.scalars(select(ConsolidatedReply).where(ConsolidatedReply.slug.in_(slugs)))
    ).all()
