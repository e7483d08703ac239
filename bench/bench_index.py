"""Index benchmark: build time, search latency, throughput, memory and freshness, per corpus size.

Each size runs in its own process so resident memory is that size's alone. The production
engine (tantivy behind `TantivyIndex`, analysis included in every timing) is measured against
rank-bm25's `BM25Okapi` over the same analysed tokens in the same run; the reference is skipped
above `--reference-max` passages because it needs minutes per query batch there.

    python -m bench.bench_index                   # 1k, 10k, 100k, 1M
    python -m bench.bench_index --sizes 1000,10000 --json
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from rank_bm25 import BM25Okapi

from bench.synthetic import synthetic_docs, synthetic_queries
from knowledge.bm25_reference import indexed_text
from knowledge.glossary import load_glossary
from knowledge.query import QueryPlanner
from knowledge.search_types import SearchDoc
from knowledge.tantivy_index import TantivyIndex

QUERIES = 300
DOC_SEED = 7
REFERENCE_QUERIES = 30
FRESHNESS_TRIALS = 20


def percentile(samples: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100) of samples."""
    return float(np.percentile(np.asarray(samples), q))


def rss_mb() -> float:
    """Peak resident memory of this process so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def time_calls(call: Callable[[str], object], queries: Sequence[str]) -> list[float]:
    """Wall time of each call in milliseconds."""
    timings = []
    for query in queries:
        start = time.perf_counter()
        call(query)
        timings.append((time.perf_counter() - start) * 1000)
    return timings


def measure_engine(size: int, queries: list[str]) -> dict[str, Any]:
    """Build, search and freshness figures of the production engine.

    Docs stream into one `add` call, as `KnowledgeService.load_index` does at start; the build
    time includes generating the synthetic text (about a tenth of it)."""
    planner = QueryPlanner(glossary=load_glossary())
    index = TantivyIndex(planner=planner)
    start = time.perf_counter()
    index.add(synthetic_docs(size, seed=DOC_SEED))
    build_s = time.perf_counter() - start
    for query in queries[:20]:
        index.search(query, top_k=10)
    timings = time_calls(lambda q: index.search(q, top_k=10), queries)
    freshness = []
    for trial in range(FRESHNESS_TRIALS):
        marker = f"freshmarker{trial}x"
        new = SearchDoc(id=f"fresh-{trial}", kind="passage", title="Fresh", text=marker, source="b")
        start = time.perf_counter()
        index.add([new])
        found = index.search(marker, top_k=1)
        freshness.append((time.perf_counter() - start) * 1000)
        assert found and found[0].doc.id == new.id, "added passage was not searchable"
    return {
        "build_s": round(build_s, 2),
        "p50_ms": round(percentile(timings, 50), 3),
        "p99_ms": round(percentile(timings, 99), 3),
        "qps": round(len(timings) / (sum(timings) / 1000), 1),
        "add_visible_p50_ms": round(percentile(freshness, 50), 2),
        "add_visible_max_ms": round(max(freshness), 2),
        "rss_mb": round(rss_mb(), 1),
    }


def measure_reference(size: int, queries: list[str]) -> dict[str, Any]:
    """The same figures for rank-bm25 over the same analysed tokens (analysis included)."""
    analyzer = QueryPlanner(glossary=load_glossary()).analyzer_for("en")
    docs = list(synthetic_docs(size, seed=DOC_SEED))
    start = time.perf_counter()
    corpus = [analyzer.terms(indexed_text(d)) for d in docs]
    model = BM25Okapi(corpus)
    build_s = time.perf_counter() - start

    def search(query: str) -> None:
        scores = model.get_scores(analyzer.terms(query))
        np.argpartition(-scores, 10)[:10]

    timings = time_calls(search, queries[:REFERENCE_QUERIES])
    return {
        "build_s": round(build_s, 2),
        "p50_ms": round(percentile(timings, 50), 3),
        "p99_ms": round(percentile(timings, 99), 3),
        "qps": round(len(timings) / (sum(timings) / 1000), 1),
        "add_visible_p50_ms": round(build_s * 1000, 1),
    }


def run_size(size: int, reference_max: int) -> dict[str, Any]:
    """All figures for one corpus size (run inside a child process)."""
    queries = synthetic_queries(QUERIES, seed=11)
    result: dict[str, Any] = {"passages": size, "engine": measure_engine(size, queries)}
    if size <= reference_max:
        reference = measure_reference(size, queries)
        result["rank_bm25"] = reference
        result["speedup_p50"] = round(reference["p50_ms"] / result["engine"]["p50_ms"], 1)
        result["speedup_p99"] = round(reference["p99_ms"] / result["engine"]["p99_ms"], 1)
    else:
        result["rank_bm25"] = None
        result["note"] = f"rank-bm25 skipped above {reference_max} passages"
    return result


def describe(result: dict[str, Any]) -> str:
    """One readable paragraph for a size."""
    engine = result["engine"]
    lines = [
        f"{result['passages']:>9,} passages  build {engine['build_s']} s  "
        f"p50 {engine['p50_ms']} ms  p99 {engine['p99_ms']} ms  {engine['qps']} q/s  "
        f"add→searchable p50 {engine['add_visible_p50_ms']} ms "
        f"(max {engine['add_visible_max_ms']})  "
        f"peak RSS {engine['rss_mb']} MB"
    ]
    reference = result["rank_bm25"]
    if reference:
        lines.append(
            f"{'':>9}  rank-bm25: build {reference['build_s']} s  p50 {reference['p50_ms']} ms  "
            f"p99 {reference['p99_ms']} ms  → engine {result['speedup_p50']}x faster at p50, "
            f"{result['speedup_p99']}x at p99"
        )
    else:
        lines.append(f"{'':>9}  {result['note']}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    """Run every size in a child process and print the results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000,1000000")
    parser.add_argument("--reference-max", type=int, default=100_000)
    parser.add_argument("--json", action="store_true", help="one JSON object per size")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(run_size(args.child, args.reference_max)))
        return
    for size in (int(s) for s in args.sizes.split(",")):
        child = subprocess.run(
            [
                sys.executable,
                "-m",
                "bench.bench_index",
                "--child",
                str(size),
                "--reference-max",
                str(args.reference_max),
            ],
            check=True,
            capture_output=True,
            text=True,
        )
        result = json.loads(child.stdout.strip().splitlines()[-1])
        print(json.dumps(result) if args.json else describe(result), flush=True)
    if not args.json:
        print(f"(engine timed on {QUERIES} queries per size, rank-bm25 on {REFERENCE_QUERIES})")


if __name__ == "__main__":
    main()
