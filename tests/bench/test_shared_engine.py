"""The shared-engine benchmark on a small corpus: PostgreSQL finds passages for the same
queries as tantivy, its scratch schema is gone afterwards, and the table row adds up."""

from __future__ import annotations

import psycopg
import pytest

from bench.bench_shared_engine import (
    main,
    measure_postgres,
    measure_tantivy,
    overlap,
    scratch_schema,
)
from bench.synthetic import synthetic_queries
from tests.conftest import _postgres_url

POSTGRES_URL = _postgres_url()
pytestmark = pytest.mark.skipif(
    POSTGRES_URL is None,
    reason="HURIBOT_TEST_POSTGRES_URL is not set; PostgreSQL tests are skipped",
)


def _schemas(url: str) -> set[str]:
    with psycopg.connect(url) as connection:
        rows = connection.execute(
            "SELECT nspname FROM pg_namespace WHERE nspname LIKE 'perf_fts_%'"
        ).fetchall()
    return {row[0] for row in rows}


def test_both_engines_rank_the_same_queries_and_the_schema_is_dropped() -> None:
    assert POSTGRES_URL is not None
    url = POSTGRES_URL.replace("+psycopg", "")
    queries = synthetic_queries(30, seed=11)
    before = _schemas(url)
    ours, our_ranking = measure_tantivy(300, queries)
    with scratch_schema(url) as connection:
        theirs, their_ranking = measure_postgres(connection, 300, queries)
    assert _schemas(url) == before
    assert len(our_ranking) == len(their_ranking) == len(queries)
    assert sum(1 for ids in their_ranking if ids) > len(queries) // 2
    assert all(len(ids) <= 10 for ids in their_ranking)
    assert theirs["size_mb"] > 0 and ours["p50_ms"] > 0
    assert 0.0 < overlap(our_ranking, their_ranking) <= 1.0


def test_the_table_has_a_row_per_size(capsys: pytest.CaptureFixture[str]) -> None:
    main(["--passages", "200"])
    rows = [line for line in capsys.readouterr().out.splitlines() if line.startswith("| 200 |")]
    assert len(rows) == 1 and rows[0].count("|") == 9
