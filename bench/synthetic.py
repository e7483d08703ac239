"""Synthetic passages and queries with a realistic (Zipfian) word distribution.

The vocabulary mixes the field's own words, taken from the shipped sample knowledge base, with
generated rare words, so term statistics resemble a large real collection.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import numpy as np

from knowledge.ingest.loader import sample_knowledge_path
from knowledge.search_types import SearchDoc

RARE_WORDS = 30_000
_WORD = re.compile(r"[A-Za-zÀ-ÿ]{3,}")


def field_vocabulary() -> list[str]:
    """Distinct words of the sample knowledge base, most frequent first."""
    counts: dict[str, int] = {}
    for path in sorted(sample_knowledge_path().rglob("*.md")):
        for word in _WORD.findall(path.read_text(encoding="utf-8").lower()):
            counts[word] = counts.get(word, 0) + 1
    return sorted(counts, key=lambda w: (-counts[w], w))


def _vocabulary(rng: np.random.Generator) -> list[str]:
    letters = np.array(list("abcdefghijklmnoprstuvwy"))
    lengths = rng.integers(5, 11, size=RARE_WORDS)
    rare = ["".join(rng.choice(letters, size=n)) for n in lengths]
    return field_vocabulary() + rare


def _zipf_ranks(rng: np.random.Generator, count: int, vocabulary: int) -> np.ndarray:
    ranks = rng.zipf(1.15, size=count * 2)
    ranks = ranks[ranks <= vocabulary][:count]
    while len(ranks) < count:
        extra = rng.zipf(1.15, size=count)
        ranks = np.concatenate([ranks, extra[extra <= vocabulary]])[:count]
    return ranks - 1


def synthetic_docs(count: int, *, seed: int, chunk: int = 10_000) -> Iterator[SearchDoc]:
    """`count` passages of 40–160 words, titled like guidance sections, generated lazily so
    that a million of them never sit in memory at once."""
    rng = np.random.default_rng(seed)
    vocabulary = _vocabulary(rng)
    for start in range(0, count, chunk):
        lengths = rng.integers(40, 161, size=min(chunk, count - start))
        ranks = _zipf_ranks(rng, int(lengths.sum()), len(vocabulary)).tolist()
        offset = 0
        for i, length in enumerate(lengths.tolist(), start=start):
            body = [vocabulary[r] for r in ranks[offset : offset + length]]
            offset += length
            yield SearchDoc(
                id=f"syn-{i}",
                kind="passage",
                title=" ".join(body[:4]),
                text=" ".join(body),
                source=f"synthetic-{i // 50}.md",
                heading_path=(" ".join(body[4:7]),),
            )


def synthetic_queries(count: int, *, seed: int) -> list[str]:
    """`count` queries of 2–7 words, mostly mid-frequency field words, like chat questions."""
    rng = np.random.default_rng(seed)
    vocabulary = field_vocabulary()
    pool = vocabulary[20:3000] or vocabulary
    return [" ".join(rng.choice(pool, size=int(rng.integers(2, 8)))) for _ in range(count)]
