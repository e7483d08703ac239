"""Keeps the database (source of truth) and the search index in step, in every process.

Each change is applied to this process's index at once and logged (`bot.kb.changes`); the
other processes (replicas, answer workers) read the log every second and update their own
index for just the items changed, never rebuilding it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

import structlog
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.audit import record_audit
from bot.db.engine import Database
from bot.db.models import ConsolidatedReply, KnowledgeChange
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
from bot.kb.snapshots import IndexSnapshots
from bot.kb.store import StoreReport, store_batch
from bot.kb.versions import CREATE, EDIT, RETIRE, check_bases, record_versions
from knowledge.index import SearchIndex
from knowledge.records import IngestBatch, ReplyStatus
from knowledge.search_types import Hit, SearchDoc
from knowledge.semantic import SemanticReranker, VectorTable

LEXICAL_DEPTH = 30
"""Lexical candidates the re-ranker chooses from."""
IMPORT_ACTOR = "import"
"""Who the versions of an ingest are recorded as when its caller names nobody."""

logger = structlog.get_logger(__name__)


class KnowledgeService:
    """Ingests, retires and searches; every database change is mirrored in the index."""

    def __init__(
        self,
        *,
        database: Database,
        index: SearchIndex,
        embeddings: EmbeddingStore | None = None,
        snapshots: IndexSnapshots | None = None,
    ) -> None:
        """`embeddings`, when given, re-ranks every search by meaning; `snapshots`, when
        given, keep `index` (theirs) on disk between runs."""
        self.database = database
        self.index = index
        self._snapshots = snapshots
        self.opened_from: Literal["snapshot", "database"] | None = None
        """Where `load_index` found the index: None until it is open."""
        self._saved = False
        """Whether the last snapshot written or read holds every change applied since."""
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
        """Open the index at start: reopened from its snapshot and caught up when there is a
        usable one, else built from the database (and saved); the stored vectors are loaded
        too. Returns the number of docs; docs without a vector yet wait for `embed_missing`."""
        docs = await self._reopen()
        if docs is None:
            async with self.database.transaction() as session:
                await self._changes.start(session)
                docs = await searchable_docs(session)
            self._index_docs(docs)
            self.opened_from = "database"
            await self.save_index(force=True)
        else:
            self._note_passages(docs)
            self.opened_from = "snapshot"
            self._saved = True
            await self.sync()  # the changes made since the snapshot
        if self._embeddings is not None and self._reranker is not None:
            self._unembedded = await self._embeddings.load(self._reranker.table, docs)
        logger.info("index.loaded", docs=len(docs), source=self.opened_from)
        return len(docs)

    async def save_index(self, *, force: bool = False) -> bool:
        """Write the index to its snapshot folder when changes were applied since the last
        snapshot (or, with `force`, anyway); True when one was written."""
        if self._snapshots is None or (self._saved and not force):
            return False
        self._saved = True  # a change applied while writing clears it again
        async with self.database.sessions() as session:
            await self._snapshots.save(session, self._changes, force=force)
        return True

    async def _reopen(self) -> list[SearchDoc] | None:
        if self._snapshots is None:
            return None
        async with self.database.sessions() as session:
            return await self._snapshots.reopen(session, self._changes)

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

    async def preview(self, batch: IngestBatch, *, prune: bool = False) -> StoreReport:
        """What `ingest` would change (the same ids, by kind); nothing is written."""
        async with self.database.sessions() as session:
            report = await store_batch(session, batch, prune=prune)
            await session.rollback()
        return report

    async def ingest(
        self,
        batch: IngestBatch,
        *,
        prune: bool = False,
        progress: Progress | None = None,
        actor: str = IMPORT_ACTOR,
        based_on: Mapping[str, int] | None = None,
        audit_as_import: bool = False,
        vectors_later: bool = False,
    ) -> StoreReport:
        """Store a batch in one transaction, then update the index (and compute the vectors,
        unless `vectors_later`: a web request must not wait 0.4 s a passage; the background
        job computes them, and the passages rank by their words until then)
        for what changed; see `store_batch` for what is withdrawn, and what `prune` adds.
        Each reply changed gets a new version by `actor`; `based_on` (slug: the version an
        editor started from, 0 for a new reply) refuses the whole batch with
        VersionConflictError when one of them has moved on. An import of files by someone
        (`audit_as_import`: the command line, the dashboard's upload) is also audited as one
        summing-up event."""
        try:
            async with self.database.transaction() as session:
                stored = await _store(session, batch, prune=prune, actor=actor, based_on=based_on)
                if audit_as_import:
                    _audit_ingest(
                        session, stored.report, actor=actor, files=batch.files, prune=prune
                    )
        except IntegrityError:
            if based_on:  # another save took the same version number first
                async with self.database.sessions() as session:
                    await check_bases(session, based_on)
            raise
        await self._apply(
            reply_ids=stored.reply_ids,
            replies=stored.replies,
            documents=stored.document_ids,
            passages=stored.passages,
            progress=progress,
            vectors_later=vectors_later,
        )
        self._changes.mark(row.id for row in stored.logged)
        return stored.report

    async def retire(self, slug: str, *, actor: str, now: datetime) -> None:
        """Retire a reply, drop it from search at once, and record who did it (a new
        version of it, and the audit trail)."""
        async with self.database.transaction() as session:
            reply = await retire_reply(session, slug)
            await record_versions(session, [(reply, RETIRE)], actor=actor, now=now)
            logged = record_changes(session, replies=[slug], now=now)
            await session.flush()
        self.index.remove([slug])
        self._saved = False
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
        vectors_later: bool = False,
    ) -> None:
        """Bring the index in line with the database for these items: replies (published
        ones indexed, the others and the deleted dropped) and documents (their old passages
        dropped, their current ones indexed); vectors follow."""
        published = [reply_doc(r) for r in replies if r.status == ReplyStatus.PUBLISHED.value]
        self._reply_metas.changed(reply_ids, replies)
        old_passages = [pid for slug in documents for pid in self._passages.pop(slug, [])]
        self.index.remove([*reply_ids, *old_passages])
        self._saved = False
        self._index_docs([*published, *passages])
        if self._embeddings is None or self._reranker is None:
            return
        # a reply whose tags or dates changed keeps the vectors its unchanged text has
        self._reranker.table.remove([*reply_ids, *old_passages])
        missing = await self._embeddings.load(self._reranker.table, [*published, *passages])
        self._unembedded.extend(missing)
        if not vectors_later:
            await self.embed_missing(progress=progress)

    def _index_docs(self, docs: Iterable[SearchDoc]) -> None:
        """Index docs, noting which passages belong to which document."""
        docs = list(docs)
        self.index.add(docs)
        self._saved = False
        self._note_passages(docs)

    def _note_passages(self, docs: Iterable[SearchDoc]) -> None:
        for doc in docs:
            if doc.kind == "passage":
                self._passages.setdefault(doc.id.partition("#")[0], []).append(doc.id)


def _audit_ingest(
    session: AsyncSession,
    report: StoreReport,
    *,
    actor: str,
    files: Sequence[str],
    prune: bool,
) -> None:
    record_audit(
        session,
        at=datetime.now(UTC),
        actor=actor,
        action="ingest",
        target="knowledge",
        after={
            "files": list(files),
            "prune": prune,
            **{
                f"{kind}_{label}": len(ids)
                for kind, part in (("replies", report.replies), ("documents", report.documents))
                for label, ids in (
                    ("added", part.added),
                    ("updated", part.updated),
                    ("withdrawn", part.withdrawn),
                )
            },
        },
    )


async def _replies(session: AsyncSession, slugs: Sequence[str]) -> Sequence[ConsolidatedReply]:
    """The stored replies of these slugs (deleted ones are simply absent)."""
    if not slugs:
        return []
    return (
        await session.scalars(select(ConsolidatedReply).where(ConsolidatedReply.slug.in_(slugs)))
    ).all()


@dataclass(frozen=True, slots=True)
class _Stored:
    """What one ingest transaction changed, for the index to follow."""

    report: StoreReport
    reply_ids: list[str]
    document_ids: list[str]
    replies: Sequence[ConsolidatedReply]
    passages: list[SearchDoc]
    logged: list[KnowledgeChange]


async def _store(
    session: AsyncSession,
    batch: IngestBatch,
    *,
    prune: bool,
    actor: str,
    based_on: Mapping[str, int] | None,
) -> _Stored:
    """The batch stored, each changed reply's version and the change log written."""
    now = datetime.now(UTC)
    if based_on:
        await check_bases(session, based_on)
    report = await store_batch(session, batch, prune=prune)
    reply_ids = [*report.replies.changed(), *report.replies.withdrawn]
    document_ids = [*report.documents.changed(), *report.documents.withdrawn]
    logged = record_changes(session, replies=reply_ids, documents=document_ids, now=now)
    await session.flush()
    replies = await _replies(session, reply_ids)
    added = set(report.replies.added)
    changes = [(r, _action(r, added)) for r in replies]
    await record_versions(session, changes, actor=actor, now=now, based_on=based_on)
    passages = await document_docs(session, report.documents.changed())
    return _Stored(report, reply_ids, document_ids, replies, passages, logged)


def _action(reply: ConsolidatedReply, added: set[str]) -> str:
    """How a stored reply changed: created, retired, or otherwise edited."""
    if reply.slug in added:
        return CREATE
    return RETIRE if reply.status == ReplyStatus.RETIRED.value else EDIT
