"""Stored embeddings of replies and passages: computed once, loaded at start, kept in step.

A passage takes about a tenth of a second to embed, so vectors are kept in the database with
the model that made them and a hash of the text they were made from; at start they are read
into the re-ranker's table, and only what is new, changed, or made by another model is
computed again.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence

import numpy as np
import structlog
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from bot.db.engine import Database
from bot.db.models import ItemEmbedding
from knowledge.embedding import Embedder
from knowledge.hashing import stable_hash
from knowledge.search_types import SearchDoc
from knowledge.semantic import DocVectors, VectorTable, embed_docs, embedding_text

logger = structlog.get_logger(__name__)

BATCH = 8
Progress = Callable[[int, int], None]


VECTOR_RULES = "whole+sentences/1"
"""Names how vectors are made from a doc (`embed_docs`); change it when that changes."""


def text_hash(doc: SearchDoc) -> str:
    """Changes whenever what a doc's vectors are made from changes: its text, title and
    phrasings (its sentences derive from them, so start-up need not split every doc)."""
    return stable_hash(VECTOR_RULES, embedding_text(doc), *doc.alt_titles)


class EmbeddingStore:
    """Reads, computes and writes the embeddings of one embedder."""

    def __init__(self, *, database: Database, embedder: Embedder) -> None:
        self._database = database
        self.embedder = embedder

    async def load(self, table: VectorTable, docs: Sequence[SearchDoc]) -> list[SearchDoc]:
        """Put the stored, still valid vectors of `docs` into `table`; returns the docs that
        have none yet."""
        async with self._database.sessions() as session:
            rows = await session.execute(
                select(ItemEmbedding.item_id, ItemEmbedding.text_hash, ItemEmbedding.vector).where(
                    ItemEmbedding.model == self.embedder.name
                )
            )
            stored = {item_id: (digest, vector) for item_id, digest, vector in rows}
        ready: list[SearchDoc] = []
        vectors: list[DocVectors] = []
        missing: list[SearchDoc] = []
        width = self.embedder.dimensions
        for doc in docs:
            found = stored.get(doc.id)
            if found is not None and found[0] == text_hash(doc):
                ready.append(doc)
                matrix = np.frombuffer(found[1], dtype="<f4").reshape(-1, width)
                vectors.append(DocVectors.unpack(matrix))
            else:
                missing.append(doc)
        table.put(ready, vectors)
        logger.info("embeddings.loaded", ready=len(ready), missing=len(missing))
        return missing

    async def compute(
        self, table: VectorTable, docs: Sequence[SearchDoc], *, progress: Progress | None = None
    ) -> None:
        """Embed `docs` (off the event loop, a batch at a time), store and table them."""
        for start in range(0, len(docs), BATCH):
            batch = list(docs[start : start + BATCH])
            vectors = await asyncio.to_thread(embed_docs, self.embedder, batch)
            await self._save(batch, vectors)
            table.put(batch, vectors)
            if progress is not None:
                progress(min(start + BATCH, len(docs)), len(docs))
        if docs:
            logger.info("embeddings.computed", docs=len(docs), model=self.embedder.name)

    async def _save(self, docs: Sequence[SearchDoc], vectors: Sequence[DocVectors]) -> None:
        """Replace the stored vectors of `docs`. Another process may be storing the same ones
        (serve computes what an import just added): then its rows stand, as good as ours."""
        try:
            await self._replace(docs, vectors)
        except IntegrityError:
            logger.info("embeddings.stored_elsewhere", docs=len(docs))

    async def _replace(self, docs: Sequence[SearchDoc], vectors: Sequence[DocVectors]) -> None:
        ids = [doc.id for doc in docs]
        async with self._database.transaction() as session:
            await session.execute(
                delete(ItemEmbedding).where(
                    ItemEmbedding.model == self.embedder.name, ItemEmbedding.item_id.in_(ids)
                )
            )
            session.add_all(
                ItemEmbedding(
                    item_id=doc.id,
                    model=self.embedder.name,
                    text_hash=text_hash(doc),
                    vector=vector.packed().astype("<f4").tobytes(),
                )
                for doc, vector in zip(docs, vectors, strict=True)
            )
