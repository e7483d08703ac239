"""The reference engine ranks exactly like BM25Okapi over the same analysed tokens."""

from __future__ import annotations

from rank_bm25 import BM25Okapi

from knowledge.analysis import Analyzer
from knowledge.bm25_reference import ReferenceBM25Index, indexed_text
from knowledge.index import SearchFilters
from knowledge.search_types import SearchDoc

DOCS = [
    SearchDoc(
        id="r1", kind="reply", title="UPR submission by the UNCT", text="Send it early.", source="a"
    ),
    SearchDoc(
        id="r2",
        kind="reply",
        title="Treaty body reporting",
        text="CEDAW and CRC reviews.",
        source="b",
    ),
    SearchDoc(
        id="p1",
        kind="passage",
        title="Guide",
        text="The UPR working group meets three times a year; "
        "the UNCT report feeds the compilation.",
        source="guide.md",
        heading_path=("UPR",),
    ),
    SearchDoc(
        id="p2", kind="passage", title="Guide", text="Lunch is served at noon.", source="guide.md"
    ),
    *(
        SearchDoc(id=f"f{i}", kind="passage", title="Other", text=f"Filler {word}.", source="f.md")
        for i, word in enumerate(["budget", "travel", "security", "payroll", "leave", "badges"])
    ),
]
"""Filler docs keep every query term's IDF positive, as in any real corpus."""


def test_ranking_matches_bm25okapi_on_the_same_tokens() -> None:
    index = ReferenceBM25Index()
    index.add(DOCS)
    analyzer = Analyzer()
    ordered = sorted(DOCS, key=lambda d: d.id)
    model = BM25Okapi([analyzer.terms(indexed_text(d)) for d in ordered])
    query = "UNCT report for the UPR"
    scores = model.get_scores(analyzer.terms(query))
    expected = [
        d.id for s, d in sorted(zip(scores, ordered, strict=True), key=lambda x: -x[0]) if s > 0
    ]
    assert [hit.doc.id for hit in index.search(query)] == expected
    assert expected[0] in {"r1", "p1"}


def test_filters_remove_and_replace() -> None:
    index = ReferenceBM25Index()
    index.add(DOCS)
    only_passages = SearchFilters(kinds=frozenset({"passage"}))
    assert [h.doc.id for h in index.search("UPR UNCT", filters=only_passages)] == ["p1"]
    index.remove(["p1"])
    assert "p1" not in [h.doc.id for h in index.search("UPR UNCT")]
    index.add([SearchDoc(id="r2", kind="reply", title="Lunch", text="noon", source="b")])
    assert [h.doc.id for h in index.search("treaty body")] == []
    assert index.stats().documents == 9


def test_empty_index_and_empty_query_return_nothing() -> None:
    index = ReferenceBM25Index()
    assert index.search("anything") == []
    index.add(DOCS)
    assert index.search("the of and") == []
