"""Whether two questions mean the same thing, so moderators answer each question once.

Questions are compared on their analysed, weighted terms, including glossary expansions and
their English equivalents, so "HRA request" and "how do we get a human rights adviser", or a
French and an English wording, can meet.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from knowledge.query import QueryPlanner

GROUP_THRESHOLD = 0.4
VECTOR_CACHE_SIZE = 20_000
K = TypeVar("K")


class Similarity:
    """Cosine similarity of questions' weighted term vectors."""

    def __init__(self, *, planner: QueryPlanner, threshold: float = GROUP_THRESHOLD) -> None:
        self._planner = planner
        self._home = threading.get_ident()
        self._elsewhere = threading.local()
        self.threshold = threshold
        self._vectors: dict[str, Weighted] = {}

    def _planner_here(self) -> QueryPlanner:
        """The planner for the calling thread: questions are grouped on the database's
        threads too (`Moderation.open_question`), and a stemmer must never be used by two
        threads at once, so each other thread plans with a copy of its own."""
        if threading.get_ident() == self._home:
            return self._planner
        planner: QueryPlanner | None = getattr(self._elsewhere, "planner", None)
        if planner is None:
            planner = self._elsewhere.planner = QueryPlanner(glossary=self._planner.glossary)
        return planner

    def vector(self, text: str) -> Weighted:
        """Weighted terms of a question and their norm (remembered: groups are compared
        again and again)."""
        vector = self._vectors.get(text)
        if vector is None:
            if len(self._vectors) >= VECTOR_CACHE_SIZE:
                self._vectors.clear()
            terms = {term.text: term.weight for term in self._planner_here().plan(text).terms}
            vector = self._vectors[text] = Weighted.of(terms)
        return vector

    def score(self, first: str, second: str) -> float:
        """Similarity in [0, 1]."""
        return cosine(self.vector(first), self.vector(second))

    def best(self, text: str, wordings: Iterable[str]) -> float:
        """Highest similarity of `text` to any of the wordings (0 when there are none)."""
        vector = self.vector(text)
        return max((cosine(vector, self.vector(w)) for w in wordings), default=0.0)

    def closest(self, text: str, candidates: Mapping[K, Iterable[str]]) -> K | None:
        """The candidate (e.g. a group id) with the most similar wording, if above threshold."""
        scored = ((self.best(text, wordings), key) for key, wordings in candidates.items())
        score, key = max(scored, default=(0.0, None), key=lambda pair: pair[0])
        return key if score >= self.threshold else None


@dataclass(frozen=True, slots=True)
class Weighted:
    """A question's weighted terms and their norm, computed once for every comparison."""

    terms: dict[str, float]
    norm: float

    @classmethod
    def of(cls, terms: dict[str, float]) -> Weighted:
        return cls(terms, math.sqrt(sum(w * w for w in terms.values())))


def cosine(a: Weighted, b: Weighted) -> float:
    """Cosine of two sparse vectors."""
    if not a.norm or not b.norm:
        return 0.0
    shared = a.terms.keys() & b.terms.keys()  # in C: most pairs share no term at all
    if not shared:
        return 0.0
    return sum(a.terms[term] * b.terms[term] for term in shared) / (a.norm * b.norm)
