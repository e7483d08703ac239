"""The flood-check benchmark: the check and the statement it replaced count the same, at
every rate, on both databases."""

from __future__ import annotations

import asyncio

import pytest

from bench.bench_flood_check import benchmark


def test_both_statements_count_the_newest_questions_sender(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("bench.bench_flood_check.RUNS", 3)
    figures = asyncio.run(benchmark([50, 300], database_url))
    # the newest of 300: the only question of its member (of 500), one of 6 in its conversation
    assert [row["counts"] for row in figures] == [(1, 1), (1, 6)]
    assert all(row["check_ms"] > 0 and row["reference_ms"] > 0 for row in figures)
