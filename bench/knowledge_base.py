"""The knowledge the benchmarked bot answers from: the shipped sample, synthetic guidance up to
a number of passages, and the sample calendar (what `huribot ingest --sample` and
`huribot calendar import --sample` store, so calendar commands find events)."""

from __future__ import annotations

import time
from typing import Any

from adapters.cli.calendar import sample_calendar_text
from adapters.wiring.services import Services
from bench.synthetic import synthetic_docs
from bot.calendar.rows import parse_calendar_csv
from bot.calendar.store import store_calendar
from knowledge.hashing import stable_hash
from knowledge.ingest.loader import load_paths, sample_knowledge_path
from knowledge.records import DocumentRecord, IngestBatch, PassageRecord

DOC_SEED = 7


def synthetic_batch(count: int) -> IngestBatch:
    """`count` synthetic passages as guidance documents of 50 passages each."""
    by_source: dict[str, list[Any]] = {}
    for doc in synthetic_docs(count, seed=DOC_SEED):
        by_source.setdefault(doc.source, []).append(doc)
    documents = tuple(
        DocumentRecord(
            slug=f"synthetic-{number}",
            title=f"Guidance {number}: {docs[0].title}",
            source=source,
            content_hash=stable_hash(*(d.text for d in docs)),
            passages=tuple(
                PassageRecord(position=i, heading_path=d.heading_path, text=d.text)
                for i, d in enumerate(docs)
            ),
        )
        for number, (source, docs) in enumerate(by_source.items())
    )
    return IngestBatch(documents=documents)


async def build_knowledge(services: Services, passages: int) -> dict[str, Any]:
    """Ingest the sample and enough synthetic passages to reach `passages` in all."""
    start = time.perf_counter()
    sample = load_paths([sample_knowledge_path()])
    await services.knowledge.ingest(sample)
    sample_passages = sum(len(d.passages) for d in sample.documents)
    synthetic = max(0, passages - sample_passages)
    if synthetic:
        await services.knowledge.ingest(synthetic_batch(synthetic))
    return {
        "passages": sample_passages + synthetic,
        "replies": len(sample.replies),
        "build_s": round(time.perf_counter() - start, 1),
    }


def sample_countries() -> list[str]:
    """The ISO3 codes the sample calendar has events for, in a fixed order."""
    return sorted({row.country for row in parse_calendar_csv(sample_calendar_text())})


async def import_sample_calendar(services: Services) -> int:
    """Store the sample calendar; returns how many events it holds."""
    rows = parse_calendar_csv(sample_calendar_text())
    async with services.database.sessions() as session:
        await store_calendar(session, rows)
        await session.commit()
    return len(rows)
