"""The `huribot ask --json` contract: a stable shape other tools depend on. Change nothing here
without a new major version."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.messages import ReplyKind

if TYPE_CHECKING:
    from bot.answers.policy import Verdict
    from bot.chat.router import Triage


def verdict_json(query: str, verdict: Verdict) -> dict[str, Any]:
    """`{"query", "answered", "confidence", "hits": [{"id", "kind", "title", "text", "source",
    "score"}], "kind"}` with hits best first; `kind` (added later) is what the chat replies."""
    return {
        "query": query,
        "answered": verdict.answered,
        "kind": (ReplyKind.ANSWER if verdict.answered else ReplyKind.ABSTAIN).value,
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


def triaged_json(query: str, triage: Triage) -> dict[str, Any]:
    """The same shape for a message the chat answers without searching, so tools see what
    members see: greetings and help are answered, office chit-chat and over-long messages are
    not; none of them is logged for the Secretariat."""
    return {
        "query": query,
        "answered": triage.handled,
        "kind": triage.reply.kind.value,
        "confidence": 1.0 if triage.handled else 0.0,
        "hits": [],
    }
