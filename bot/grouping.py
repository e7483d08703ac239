"""Whether two questions mean the same thing, so moderators answer each question once.

Questions are compared on their analysed, weighted terms, including glossary expansions and
their English equivalents, so "HRA request" and "how do we get a human rights adviser", or a
French and an English wording, can meet.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from knowledge.query import QueryPlanner

GROUP_THRESHOLD = 0.4


class Similarity:
    """Cosine similarity of questions' weighted term vectors."""

    def __init__(self, *, planner: QueryPlanner, threshold: float = GROUP_THRESHOLD) -> None:
        self._planner = planner
        self.threshold = threshold

    def vector(self, text: str) -> dict[str, float]:
        """Weighted terms of a question."""
        return {term.text: term.weight for term in self._planner.plan(text).terms}

    def score(self, first: str, second: str) -> float:
        """Similarity in [0, 1]."""
        return cosine(self.vector(first), self.vector(second))

    def best(self, text: str, wordings: Iterable[str]) -> float:
        """Highest similarity of `text` to any of the wordings (0 when there are none)."""
        vector = self.vector(text)
        return max((cosine(vector, self.vector(w)) for w in wordings), default=0.0)


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    """Cosine of two sparse vectors."""
    dot = sum(weight * b[term] for term, weight in a.items() if term in b)
    norm = math.sqrt(sum(w * w for w in a.values())) * math.sqrt(sum(w * w for w in b.values()))
    return dot / norm if norm else 0.0
