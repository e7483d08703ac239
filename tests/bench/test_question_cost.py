"""The question-cost benchmark on the sample knowledge base: every question goes the whole
way (stored, claimed, flood-checked, answered, its outcome noted) and the figures add up."""

from __future__ import annotations

import asyncio

from bench.bench_question import benchmark, describe


def test_each_question_runs_the_whole_answer_path() -> None:
    figures = asyncio.run(benchmark({"passages": 0, "questions": 12, "postgres": None}))
    assert figures["questions"] == 12
    # the INSERT, the claim, the flood check and the outcome at least; more for abstentions
    assert figures["statements_per_question"] >= 4
    for path in ("whole_path", "answering_alone"):
        assert figures["cpu_ms"][path]["mean"] > 0
    assert "whole path" in describe(figures)
