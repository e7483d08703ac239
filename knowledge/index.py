"""The one small interface every search engine behind HuriBot implements.

The database is the source of truth; an index is built from it (or reopened from a snapshot
of it, `knowledge.index_snapshots`) at start and kept in step by `add` and `remove` on every
change, so engines can be swapped without touching the bot.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from knowledge.search_types import DocKind, Hit, SearchDoc


@dataclass(frozen=True, slots=True)
class SearchFilters:
    """Restrictions on what a search may return."""

    kinds: frozenset[DocKind] | None = None
    languages: frozenset[str] | None = None

    def admits(self, doc: SearchDoc) -> bool:
        """True when `doc` passes every filter."""
        if self.kinds is not None and doc.kind not in self.kinds:
            return False
        return self.languages is None or doc.language in self.languages


@dataclass(frozen=True, slots=True)
class IndexStats:
    """Size of an index, for `huribot stats` and benchmarks."""

    documents: int
    replies: int
    passages: int


class SearchIndex(Protocol):
    """Add, replace, remove and search retrievable units."""

    def add(self, docs: Iterable[SearchDoc]) -> None:
        """Insert docs, replacing any with the same id."""

    def remove(self, ids: Iterable[str]) -> None:
        """Delete docs by id; unknown ids are ignored."""

    def search(
        self,
        query: str,
        *,
        top_k: int = 10,
        filters: SearchFilters | None = None,
        language: str | None = None,
    ) -> Sequence[Hit]:
        """Best hits first, at most `top_k`; `language` hints the query's language."""

    def stats(self) -> IndexStats:
        """How many docs of each kind the index holds."""

    def document_frequency(self, term: str) -> int:
        """How many docs contain the analysed term (0 for words the knowledge base never uses)."""


def count_stats(docs: Iterable[SearchDoc]) -> IndexStats:
    """Stats of a collection of docs (shared by engines that keep docs in memory)."""
    replies = passages = 0
    for doc in docs:
        if doc.kind == "reply":
            replies += 1
        else:
            passages += 1
    return IndexStats(documents=replies + passages, replies=replies, passages=passages)
