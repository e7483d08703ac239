"""Hybrid search: the vector table, sentence vectors, and the fused re-ranking."""

from __future__ import annotations

import numpy as np
import pytest

from knowledge.embedding import HashingEmbedder
from knowledge.search_types import Hit, SearchDoc
from knowledge.semantic import (
    DocVectors,
    Fusion,
    SemanticReranker,
    VectorTable,
    embed_docs,
    embedding_text,
    rescaled_similarity,
    sentence_texts,
)

EMBEDDER = HashingEmbedder()


def passage(doc_id: str, text: str) -> SearchDoc:
    return SearchDoc(id=doc_id, kind="passage", title="Guide", text=text, source="guide.md")


VISITS = passage(
    "visits#0",
    "The mandate holder agrees the dates with the government. Meetings with civil society "
    "are arranged by the team in confidence. The report follows within a year.",
)
BUDGET = passage("budget#0", "The budget covers staff, travel and workshops for three years.")
REPLY = SearchDoc(
    id="upr-reply",
    kind="reply",
    title="How does a UNCT contribute to the UPR?",
    alt_titles=("UNCT input to the UPR",),
    text="It sends a joint submission. It supports follow-up.",
    source="https://example.org/upr",
)


def table_of(*docs: SearchDoc) -> VectorTable:
    table = VectorTable(EMBEDDER.dimensions)
    table.put(docs, embed_docs(EMBEDDER, docs))
    return table


def test_a_reply_is_also_recognised_by_its_question_and_phrasings() -> None:
    assert sentence_texts(REPLY)[:2] == [REPLY.title, "UNCT input to the UPR"]
    assert sentence_texts(VISITS) == [
        "The mandate holder agrees the dates with the government.",
        "Meetings with civil society are arranged by the team in confidence.",
        "The report follows within a year.",
    ]


def test_vectors_pack_into_one_matrix_and_back() -> None:
    (vectors,) = embed_docs(EMBEDDER, [VISITS])
    assert vectors.sentences.shape == (3, EMBEDDER.dimensions)
    packed = vectors.packed()
    assert packed.shape == (4, EMBEDDER.dimensions) and packed.dtype == np.float32
    back = DocVectors.unpack(packed)
    assert np.allclose(back.whole, vectors.whole) and np.allclose(back.sentences, vectors.sentences)


def test_the_table_finds_the_nearest_docs_and_forgets_removed_ones() -> None:
    table = table_of(VISITS, BUDGET, REPLY)
    query = EMBEDDER.embed_queries(["budget for staff and travel"])[0]
    assert table.nearest(query, 1)[0][0].id == "budget#0"
    table.remove(["budget#0", "unknown"])
    assert len(table) == 2 and not table.has("budget#0")
    assert [doc.id for doc, _ in table.nearest(query, 5)] != ["budget#0"]
    assert {doc.id for doc, _ in table.nearest(query, 5)} == {"visits#0", "upr-reply"}
    table.put([BUDGET], embed_docs(EMBEDDER, [BUDGET]))
    assert table.nearest(query, 1)[0][0].id == "budget#0"


def test_the_closest_sentence_is_what_a_long_passage_is_recognised_by() -> None:
    table = table_of(VISITS)
    query = EMBEDDER.embed_queries(["who arranges meetings with civil society"])[0]
    scores = table.each_sentence(query, "visits#0")
    assert int(np.argmax(scores)) == 1
    assert table.sentence_similarities(query, ["visits#0"])["visits#0"] == pytest.approx(
        float(scores.max())
    )


def test_reranking_adds_docs_found_by_meaning_and_keeps_lexical_scores() -> None:
    reranker = SemanticReranker(embedder=EMBEDDER, table=table_of(VISITS, BUDGET, REPLY))
    lexical = [Hit(doc=VISITS, score=3.0)]
    hits = reranker.rerank("budget for staff and travel workshops", lexical, top_k=3)
    assert {h.doc.id for h in hits} == {"visits#0", "budget#0", "upr-reply"}
    budget = next(h for h in hits if h.doc.id == "budget#0")
    assert budget.lexical_score == 0.0 and budget.similarity is not None
    query = EMBEDDER.embed_queries(["budget for staff and travel workshops"])[0]
    whole = float(EMBEDDER.embed_passages([embedding_text(BUDGET)])[0] @ query)
    assert budget.score == pytest.approx(
        0.2 * rescaled_similarity(whole) + 0.6 * rescaled_similarity(budget.similarity)
    )
    visits = next(h for h in hits if h.doc.id == "visits#0")
    assert visits.lexical == 3.0
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_a_candidate_without_vectors_ranks_by_its_lexical_score() -> None:
    reranker = SemanticReranker(
        embedder=EMBEDDER, table=table_of(BUDGET), fusion=Fusion(neighbours=0)
    )
    hits = reranker.rerank("meetings", [Hit(doc=VISITS, score=2.0)], top_k=5)
    assert [h.doc.id for h in hits] == ["visits#0"]
    assert hits[0].similarity is None
    assert hits[0].score == pytest.approx(0.2 + 0.8 * Fusion().missing_vector)


def test_similarities_are_spread_over_zero_to_one() -> None:
    assert rescaled_similarity(None) == 0.0
    assert rescaled_similarity(0.5) == 0.0
    assert rescaled_similarity(0.825) == pytest.approx(0.5)
    assert rescaled_similarity(0.99) == 1.0
