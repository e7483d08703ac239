"""PostgreSQL full-text search beside the per-replica tantivy index, on the same synthetic
passages and queries as `bench.bench_index`: what a shared engine every replica reaches
would cost per search, and how far its ranking strays from ours.

    python -m bench.bench_shared_engine --passages 10000 100000

PostgreSQL is the one at `HURIBOT_TEST_POSTGRES_URL` (default: the local test database);
the passages go into a schema of their own, dropped at the end whatever happens. A query is
the English lexemes of its words joined by OR (members' questions rarely share every word
with a passage), ranked by `ts_rank_cd` over a GIN-indexed tsvector.
"""

from __future__ import annotations

import argparse
import os
import secrets
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import psycopg

from bench.bench_index import DOC_SEED, QUERIES, percentile, time_calls
from bench.synthetic import synthetic_docs, synthetic_queries
from knowledge.glossary import load_glossary
from knowledge.query import QueryPlanner
from knowledge.tantivy_index import TantivyIndex

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/test"
TOP_K = 10
SEARCH = """
    SELECT id FROM passage, to_tsquery('english', %(query)s) AS q
    WHERE body @@ q ORDER BY ts_rank_cd(body, q) DESC LIMIT %(k)s
"""


@contextmanager
def scratch_schema(url: str) -> Iterator[psycopg.Connection[Any]]:
    """A connection whose search path is a new schema, dropped on the way out."""
    schema = f"perf_fts_{secrets.token_hex(4)}"
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f"CREATE SCHEMA {schema}")
        try:
            connection.execute(f"SET search_path TO {schema}")
            yield connection
        finally:
            connection.execute(f"DROP SCHEMA {schema} CASCADE")


def or_query(connection: psycopg.Connection[Any], text: str) -> str:
    """The question's words as an OR of their English lexemes (plainto_tsquery would AND
    them, and find nothing for most questions)."""
    row = connection.execute("SELECT plainto_tsquery('english', %s)::text", (text,)).fetchone()
    lexemes = row[0] if row else ""
    return lexemes.replace(" & ", " | ") if lexemes else "''"


def measure_postgres(
    connection: psycopg.Connection[Any], size: int, queries: Sequence[str]
) -> tuple[dict[str, Any], list[list[str]]]:
    """Build and search figures of PostgreSQL full-text search, and its top ids per query."""
    start = time.perf_counter()
    connection.execute("CREATE TABLE passage (id text PRIMARY KEY, body tsvector NOT NULL)")
    with connection.cursor() as cursor, cursor.copy("COPY passage (id, body) FROM STDIN") as copy:
        for doc in synthetic_docs(size, seed=DOC_SEED):
            copy.write_row((doc.id, f"{doc.title} {doc.text}"))
    connection.execute("UPDATE passage SET body = to_tsvector('english', body::text)")
    connection.execute("CREATE INDEX passage_body ON passage USING gin (body)")
    connection.execute("ANALYZE passage")
    build_s = time.perf_counter() - start
    tsqueries = {query: or_query(connection, query) for query in queries}
    ranked: list[list[str]] = []

    def search(query: str) -> None:
        rows = connection.execute(SEARCH, {"query": tsqueries[query], "k": TOP_K}).fetchall()
        ranked.append([row[0] for row in rows])

    for query in queries[:20]:
        search(query)
    ranked.clear()
    timings = time_calls(search, queries)
    size_row = connection.execute("SELECT pg_total_relation_size('passage') / 1048576.0").fetchone()
    figures = {
        "build_s": round(build_s, 1),
        "p50_ms": round(percentile(timings, 50), 2),
        "p99_ms": round(percentile(timings, 99), 2),
        "size_mb": round(float(size_row[0]) if size_row else 0.0, 1),
    }
    return figures, ranked


def measure_tantivy(size: int, queries: Sequence[str]) -> tuple[dict[str, Any], list[list[str]]]:
    """The same figures for our engine (query analysis included), and its top ids."""
    index = TantivyIndex(planner=QueryPlanner(glossary=load_glossary()))
    start = time.perf_counter()
    index.add(synthetic_docs(size, seed=DOC_SEED))
    build_s = time.perf_counter() - start
    ranked: list[list[str]] = []

    def search(query: str) -> None:
        ranked.append([hit.doc.id for hit in index.search(query, top_k=TOP_K)])

    for query in queries[:20]:
        search(query)
    ranked.clear()
    timings = time_calls(search, queries)
    figures = {
        "build_s": round(build_s, 1),
        "p50_ms": round(percentile(timings, 50), 2),
        "p99_ms": round(percentile(timings, 99), 2),
    }
    return figures, ranked


def overlap(ours: Sequence[Sequence[str]], theirs: Sequence[Sequence[str]]) -> float:
    """Mean share of tantivy's top ten that PostgreSQL's top ten also holds."""
    shares = [len(set(a) & set(b)) / len(a) for a, b in zip(ours, theirs, strict=True) if a]
    return round(sum(shares) / len(shares), 2) if shares else 0.0


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--passages", type=int, nargs="+", default=[10_000, 100_000])
    args = parser.parse_args(argv)
    url = os.environ.get("HURIBOT_TEST_POSTGRES_URL", DEFAULT_URL).replace("+psycopg", "")
    queries = synthetic_queries(QUERIES, seed=11)
    print(f"load average {os.getloadavg()[0]:.1f}; {len(queries)} queries; top {TOP_K}")
    print(
        "| passages | tantivy build | tantivy p50 / p99 | PostgreSQL build | PostgreSQL p50 / p99"
        " | PostgreSQL size | p50 ratio (PG / tantivy) | top-10 overlap |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for size in args.passages:
        ours, our_ranking = measure_tantivy(size, queries)
        with scratch_schema(url) as connection:
            theirs, their_ranking = measure_postgres(connection, size, queries)
        ratio = theirs["p50_ms"] / ours["p50_ms"] if ours["p50_ms"] else float("inf")
        print(
            f"| {size:,} | {ours['build_s']} s | {ours['p50_ms']} / {ours['p99_ms']} ms"
            f" | {theirs['build_s']} s | {theirs['p50_ms']} / {theirs['p99_ms']} ms"
            f" | {theirs['size_mb']} MB | {ratio:.0f}× | {overlap(our_ranking, their_ranking)} |"
        )


if __name__ == "__main__":
    main()
