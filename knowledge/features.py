"""Score-independent evidence that the best hit answers the query, for calibrated confidence.

Raw BM25 scores grow with query length and corpus statistics, so the answering policy learns
from features that mean the same thing for every query: how much of the (weighted, and
IDF-weighted) query the best hit contains, how many query words the knowledge base has never
seen, how far the best hit leads the runner-up, and how strong its score is per query term.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from knowledge.bm25_reference import indexed_text
from knowledge.query import QueryPlan, QueryPlanner, WeightedTerm
from knowledge.search_types import Hit

FEATURE_NAMES = (
    "primary_coverage",
    "weighted_coverage",
    "idf_coverage",
    "unknown_share",
    "margin",
    "score_per_term",
    "is_reply",
)

DocumentFrequency = Callable[[str], int]


@dataclass(frozen=True, slots=True)
class MatchFeatures:
    """What the policy's model reads; all values are in [0, 1]."""

    primary_coverage: float
    """Share of the query's own-language terms found in the best hit."""
    weighted_coverage: float
    """Share of all query weight (including glossary and cross-language terms) found."""
    idf_coverage: float
    """Share of the primary terms' IDF found: missing the one rare word weighs most."""
    unknown_share: float
    """Share of primary terms that no document contains (out-of-scope vocabulary)."""
    margin: float
    """Lead of the best score over the second, relative to the best."""
    score_per_term: float
    """Best score per primary query term, squashed into [0, 1)."""
    is_reply: float

    def vector(self) -> tuple[float, ...]:
        """Values in FEATURE_NAMES order."""
        return tuple(getattr(self, name) for name in FEATURE_NAMES)


NO_MATCH = MatchFeatures(0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0)


def _idf(frequency: int, documents: int) -> float:
    return math.log(1 + (documents - frequency + 0.5) / (frequency + 0.5))


def match_features(
    planner: QueryPlanner,
    plan: QueryPlan,
    hits: Sequence[Hit],
    *,
    frequency: DocumentFrequency,
    documents: int,
) -> MatchFeatures:
    """Features of the best hit for an analysed query (NO_MATCH when there is none)."""
    primary = [t for t in plan.terms if t.weight >= 1.0]
    if not hits or not primary:
        return NO_MATCH
    best = hits[0]
    doc_terms = set(planner.analyzer_for(best.doc.language).terms(indexed_text(best.doc)))
    if best.doc.language != "en":
        doc_terms |= set(planner.analyzer_for("en").terms(indexed_text(best.doc)))
    frequencies = {t.text: min(frequency(t.text), documents) for t in primary}
    idf = {text: _idf(n, documents) for text, n in frequencies.items()}
    runner_up = hits[1].score if len(hits) > 1 else 0.0
    return MatchFeatures(
        primary_coverage=_share(primary, doc_terms),
        weighted_coverage=_weighted_share(plan.terms, doc_terms),
        idf_coverage=sum(idf[t.text] for t in primary if t.text in doc_terms) / sum(idf.values()),
        unknown_share=sum(1 for n in frequencies.values() if n == 0) / len(primary),
        margin=(best.score - runner_up) / best.score if best.score > 0 else 0.0,
        score_per_term=1 - math.exp(-best.score / len(primary) / 3),
        is_reply=1.0 if best.doc.kind == "reply" else 0.0,
    )


def _share(terms: Sequence[WeightedTerm], found: set[str]) -> float:
    return sum(1 for t in terms if t.text in found) / len(terms)


def _weighted_share(terms: Sequence[WeightedTerm], found: set[str]) -> float:
    total = sum(t.weight for t in terms)
    return sum(t.weight for t in terms if t.text in found) / total if total else 0.0
