"""BM25 over rank-bm25's `BM25Okapi`: the simple reference engine.

It rebuilds its statistics lazily after changes, which is fine for a few thousand docs and
keeps it obviously correct; it is what faster engines are checked and measured against.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from rank_bm25 import BM25Okapi

from knowledge.analysis import Analyzer
from knowledge.index import IndexStats, SearchFilters, count_stats
from knowledge.search_types import Hit, SearchDoc


def indexed_text(doc: SearchDoc) -> str:
    """All the text of a doc that search should match: title, phrasings, headings, body."""
    return " ".join((doc.title, *doc.alt_titles, *doc.heading_path, doc.text))


class ReferenceBM25Index:
    """In-memory BM25Okapi over every doc's analysed text."""

    def __init__(self, *, analyzer: Analyzer | None = None) -> None:
        self._analyzer = analyzer or Analyzer()
        self._docs: dict[str, SearchDoc] = {}
        self._model: BM25Okapi | None = None
        self._order: list[SearchDoc] = []
        self._frequencies: Counter[str] = Counter()

    def add(self, docs: Iterable[SearchDoc]) -> None:
        """Insert or replace docs; statistics are recomputed at the next search."""
        for doc in docs:
            self._docs[doc.id] = doc
        self._model = None

    def remove(self, ids: Iterable[str]) -> None:
        """Delete docs by id."""
        for doc_id in ids:
            self._docs.pop(doc_id, None)
        self._model = None

    def search(
        self,
        query: str,
        *,
        top_k: int = 10,
        filters: SearchFilters | None = None,
        language: str | None = None,
    ) -> Sequence[Hit]:
        """Rank every doc by BM25 against the query analysed in English (language unused)."""
        terms = self._analyzer.terms(query)
        model = self._ensure_model()
        if not terms or model is None:
            return []
        scores = model.get_scores(terms)
        ranked = sorted(range(len(self._order)), key=lambda i: (-scores[i], self._order[i].id))
        hits: list[Hit] = []
        for i in ranked:
            doc = self._order[i]
            if scores[i] <= 0 or (filters is not None and not filters.admits(doc)):
                continue
            hits.append(Hit(doc=doc, score=float(scores[i])))
            if len(hits) == top_k:
                break
        return hits

    def stats(self) -> IndexStats:
        """Counts by kind."""
        return count_stats(self._docs.values())

    def document_frequency(self, term: str) -> int:
        """Docs containing the term."""
        self._ensure_model()
        return self._frequencies[term]

    def _ensure_model(self) -> BM25Okapi | None:
        if self._model is None and self._docs:
            self._order = sorted(self._docs.values(), key=lambda d: d.id)
            corpus = [self._analyzer.terms(indexed_text(doc)) for doc in self._order]
            self._frequencies = Counter(term for terms in corpus for term in set(terms))
            self._model = BM25Okapi(corpus)
        return self._model
