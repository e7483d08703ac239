"""Hybrid search: lexical candidates and nearest neighbours by meaning, fused into one ranking.

The lexical engine is fast and precise on the words colleagues type, but misses a French
question about English guidance when no word or glossary entry bridges them, and cannot tell
which of several passages sharing the words answers. An embedding of the question is compared
with every doc's stored embedding (one matrix product: a millisecond at 10k docs), the nearest
docs join the lexical candidates, and each candidate's score blends its lexical score (relative
to the best), its similarity as a whole, and the similarity of its closest sentence (a reply's
question and phrasings count as its sentences): the sentence that answers is what a long
passage is best recognised by. Docs without vectors yet rank lexically.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from knowledge.embedding import Embedder, Vectors
from knowledge.ingest.sentences import split_sentences
from knowledge.language import detect_language
from knowledge.search_types import Hit, SearchDoc

RECENT_QUERIES = 64
MIN_SENTENCE_WORDS = 4
MAX_SENTENCES = 24

SIMILARITY_FLOOR = 0.70
SIMILARITY_SPAN = 0.25
"""e5 cosines of texts on one subject lie in roughly [0.7, 0.95]; they are spread over [0, 1]."""


def embedding_text(doc: SearchDoc) -> str:
    """What a doc's embedding is computed from: its question or its document title and
    section, then its text (the context a passage's own sentences often leave implicit)."""
    heading = " › ".join((doc.title, *doc.heading_path))
    return f"{heading}\n{doc.text}"


def sentence_texts(doc: SearchDoc) -> list[str]:
    """The sentences a doc is also recognised by: a reply's question and phrasings, then the
    sentences of its text long enough to say something (at most MAX_SENTENCES)."""
    heads = [doc.title, *doc.alt_titles] if doc.kind == "reply" else []
    body = [s for s in split_sentences(doc.text) if len(s.split()) >= MIN_SENTENCE_WORDS]
    return [*heads, *body][:MAX_SENTENCES]


@dataclass(frozen=True, slots=True)
class DocVectors:
    """A doc's embedding as a whole, and one per sentence (in `sentence_texts` order)."""

    whole: Vectors
    sentences: Vectors

    def packed(self) -> Vectors:
        """One (1 + sentences, dimensions) matrix, the whole doc first: how it is stored."""
        return np.vstack([self.whole[None, :], self.sentences]).astype(np.float32)

    @classmethod
    def unpack(cls, matrix: Vectors) -> DocVectors:
        """The inverse of `packed`."""
        return cls(whole=matrix[0], sentences=matrix[1:])


def embed_docs(embedder: Embedder, docs: Sequence[SearchDoc]) -> list[DocVectors]:
    """Every doc's vectors, in one call to the model."""
    texts: list[str] = []
    spans: list[tuple[int, int]] = []
    for doc in docs:
        sentences = sentence_texts(doc)
        start = len(texts)
        texts.append(embedding_text(doc))
        texts.extend(sentences)
        spans.append((start, len(texts)))
    matrix = embedder.embed_passages(texts)
    return [DocVectors(whole=matrix[a], sentences=matrix[a + 1 : b]) for a, b in spans]


def rescaled_similarity(similarity: float | None) -> float:
    """A cosine spread over [0, 1] (0 for None)."""
    if similarity is None:
        return 0.0
    return min(1.0, max(0.0, (similarity - SIMILARITY_FLOOR) / SIMILARITY_SPAN))


class VectorTable:
    """Docs and their embeddings in one growing matrix, for lookups and nearest neighbours."""

    def __init__(self, dimensions: int) -> None:
        self.dimensions = dimensions
        self._matrix: Vectors = np.zeros((64, dimensions), dtype=np.float32)
        self._docs: list[SearchDoc] = []
        self._rows: dict[str, int] = {}
        self._sentences: dict[str, npt.NDArray[np.float16]] = {}
        """Sentence vectors by doc, in half precision: only candidates' are ever read."""

    def __len__(self) -> int:
        return len(self._docs)

    def put(self, docs: Sequence[SearchDoc], vectors: Sequence[DocVectors]) -> None:
        """Insert or replace docs with their vectors (in the same order)."""
        for doc, vector in zip(docs, vectors, strict=True):
            self._sentences[doc.id] = vector.sentences.astype(np.float16)
            row = self._rows.get(doc.id)
            if row is None:
                row = len(self._docs)
                self._grow(row + 1)
                self._docs.append(doc)
                self._rows[doc.id] = row
            self._docs[row] = doc
            self._matrix[row] = vector.whole

    def remove(self, ids: Iterable[str]) -> None:
        """Drop docs by id (the last row moves into the freed one)."""
        for doc_id in ids:
            self._sentences.pop(doc_id, None)
            row = self._rows.pop(doc_id, None)
            if row is None:
                continue
            last = len(self._docs) - 1
            if row != last:
                moved = self._docs[last]
                self._docs[row] = moved
                self._matrix[row] = self._matrix[last]
                self._rows[moved.id] = row
            self._docs.pop()

    def has(self, doc_id: str) -> bool:
        """True when the doc has a vector."""
        return doc_id in self._rows

    def similarities(self, query: Vectors, ids: Iterable[str]) -> dict[str, float]:
        """Cosine of the query vector with each listed doc that has a vector."""
        rows = {doc_id: self._rows[doc_id] for doc_id in ids if doc_id in self._rows}
        if not rows:
            return {}
        scores = self._matrix[list(rows.values())] @ query
        return {doc_id: float(s) for doc_id, s in zip(rows, scores, strict=True)}

    def sentence_similarities(self, query: Vectors, ids: Iterable[str]) -> dict[str, float]:
        """Cosine of the query vector with the closest sentence of each listed doc."""
        found = {}
        for doc_id in ids:
            scores = self.each_sentence(query, doc_id)
            if len(scores):
                found[doc_id] = float(scores.max())
        return found

    def each_sentence(self, query: Vectors, doc_id: str) -> Vectors:
        """Cosine of the query vector with each sentence of a doc (none without vectors)."""
        sentences = self._sentences.get(doc_id)
        if sentences is None:
            return np.zeros(0, dtype=np.float32)
        return sentences.astype(np.float32) @ query

    def nearest(self, query: Vectors, k: int) -> list[tuple[SearchDoc, float]]:
        """The `k` docs closest to the query vector, closest first."""
        count = len(self._docs)
        if count == 0 or k < 1:
            return []
        scores = self._matrix[:count] @ query
        k = min(k, count)
        top = np.argpartition(-scores, k - 1)[:k]
        ordered = top[np.argsort(-scores[top])]
        return [(self._docs[i], float(scores[i])) for i in ordered]

    def _grow(self, needed: int) -> None:
        if needed > len(self._matrix):
            bigger = np.zeros((max(needed, 2 * len(self._matrix)), self.dimensions), np.float32)
            bigger[: len(self._matrix)] = self._matrix
            self._matrix = bigger


@dataclass(frozen=True, slots=True)
class Fusion:
    """How lexical and semantic evidence combine. Chosen on both evaluation corpora: the
    sample (where the lexical engine is strong, replies being written for such questions)
    and the real documents (where the closest sentence is the best single signal)."""

    lexical_weight: float = 0.2
    whole_weight: float = 0.2
    sentence_weight: float = 0.6
    neighbours: int = 10
    """Docs found by meaning alone that join the lexical candidates."""
    missing_vector: float = 0.5
    """Rescaled similarity assumed for a candidate whose vectors are not computed yet."""
    other_language: float = 0.04
    """Added to the cosine of a doc in another language than the question's: e5 rates texts of
    one language closer to each other regardless of meaning (measured on both evaluation
    corpora: a question is on average 0.03 to 0.05 closer to the docs of its own language),
    which would let a French reply on another subject outrank the English passage that answers
    a French question."""


class SemanticReranker:
    """Re-ranks lexical hits with an embedder and the table of doc vectors."""

    def __init__(
        self, *, embedder: Embedder, table: VectorTable, fusion: Fusion | None = None
    ) -> None:
        self.embedder = embedder
        self.table = table
        self._fusion = fusion or Fusion()
        self._recent: dict[str, Vectors] = {}
        self._recent_lock = threading.Lock()

    def query_vector(self, query: str) -> Vectors:
        """The query's embedding; the last few are remembered, so the bot can compute it off
        the event loop first and the excerpt can ask again (thread-safe)."""
        with self._recent_lock:
            vector = self._recent.get(query)
        if vector is None:
            vector = self.embedder.embed_queries([query])[0]
            with self._recent_lock:
                if len(self._recent) >= RECENT_QUERIES:
                    self._recent.pop(next(iter(self._recent)))
                self._recent[query] = vector
        return vector

    def sentence_similarities(self, query: str, doc: SearchDoc) -> dict[str, float]:
        """Closeness of the query to each of the doc's sentences, by sentence text."""
        scores = self.table.each_sentence(self.query_vector(query), doc.id)
        texts = sentence_texts(doc)
        if len(scores) != len(texts):
            return {}
        return {text: float(score) for text, score in zip(texts, scores, strict=True)}

    def rerank(
        self, query: str, hits: Sequence[Hit], *, top_k: int, language: str | None = None
    ) -> list[Hit]:
        """Lexical hits and nearest docs, by fused score, best first, at most `top_k`;
        each hit's `similarity` is that of its closest sentence (or of the whole doc), made
        comparable across languages; `language` hints the question's."""
        vector = self.query_vector(query)
        fusion = self._fusion
        asked_in = detect_language(query, hint=language)
        candidates = {h.doc.id: (h.doc, h.score) for h in hits}
        for doc, _ in self.table.nearest(vector, fusion.neighbours):
            candidates.setdefault(doc.id, (doc, 0.0))
        whole = self.table.similarities(vector, candidates)
        closest = self.table.sentence_similarities(vector, candidates)
        best = max((score for _, score in candidates.values()), default=0.0) or 1.0
        fused = []
        for doc_id, (doc, lexical) in candidates.items():
            shift = fusion.other_language if doc.language != asked_in else 0.0
            overall, sentence = whole.get(doc_id), closest.get(doc_id, whole.get(doc_id))
            overall = overall + shift if overall is not None else None
            sentence = sentence + shift if sentence is not None else None
            score = fusion.lexical_weight * lexical / best + sum(
                weight * (rescaled_similarity(cos) if cos is not None else fusion.missing_vector)
                for weight, cos in (
                    (fusion.whole_weight, overall),
                    (fusion.sentence_weight, sentence),
                )
            )
            fused.append(Hit(doc=doc, score=score, lexical_score=lexical, similarity=sentence))
        fused.sort(key=lambda h: (-h.score, h.doc.kind != "reply", h.doc.id))
        return fused[:top_k]
