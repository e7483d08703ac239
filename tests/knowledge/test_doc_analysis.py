"""Parallel analysis of large batches gives exactly what serial analysis gives, in order."""

from __future__ import annotations

from bench.synthetic import synthetic_docs
from knowledge.doc_analysis import CHUNK, DocAnalyser


def test_worker_processes_analyse_like_this_process() -> None:
    docs = list(synthetic_docs(CHUNK * 2 + 17, seed=3))
    analyser = DocAnalyser(keep_whole=frozenset({"upr"}))
    serial = list(analyser.analyse_many(docs, workers=1))
    parallel = list(analyser.analyse_many(iter(docs), workers=2))
    assert [a.doc.id for a in parallel] == [d.id for d in docs]
    assert parallel == serial


def test_a_small_batch_stays_in_this_process() -> None:
    docs = list(synthetic_docs(5, seed=4))
    analysed = list(DocAnalyser(keep_whole=frozenset()).analyse_many(docs, workers=2))
    assert [a.doc for a in analysed] == docs
    assert all(a.body.startswith(a.question) for a in analysed)
