"""The `huribot ask --json` contract: a stable shape other tools depend on. Change nothing here
without a new major version."""

from __future__ import annotations

from typing import Any

from bot.policy import Verdict


def verdict_json(query: str, verdict: Verdict) -> dict[str, Any]:
    """`{"query", "answered", "confidence", "hits": [{"id", "kind", "title", "text", "source",
    "score"}]}` with hits best first."""
    return {
        "query": query,
        "answered": verdict.answered,
        "confidence": float(min(1.0, max(0.0, verdict.confidence))),
        "hits": [
            {
                "id": hit.doc.id,
                "kind": hit.doc.kind,
                "title": hit.doc.title,
                "text": hit.doc.text,
                "source": hit.doc.source,
                "score": float(hit.score),
            }
            for hit in verdict.hits
        ],
    }
