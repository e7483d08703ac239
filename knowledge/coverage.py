"""How much of a query a retrieved doc covers: a score-independent signal for confidence.

BM25 scores are not comparable across queries, but the share of the query's (IDF-weighted)
terms that a doc contains is, so the answering policy leans on it.
"""

from __future__ import annotations

from knowledge.analysis import Analyzer
from knowledge.bm25_reference import indexed_text
from knowledge.search_types import SearchDoc


def term_coverage(analyzer: Analyzer, query: str, doc: SearchDoc) -> float:
    """Share of the query's distinct terms present in the doc, in [0, 1] (0 for an empty query)."""
    query_terms = set(analyzer.terms(query))
    if not query_terms:
        return 0.0
    doc_terms = set(analyzer.terms(indexed_text(doc)))
    return len(query_terms & doc_terms) / len(query_terms)
