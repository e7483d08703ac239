"""The part of a passage that answers: its best sentences, in order, not its first lines.

Guidance passages run to 250 words and often open with context ("This note walks a UN Country
Team through…"); members should read first the sentences that answer them, with a way to the
whole passage. The best-scoring sentence is shown with its neighbours when they score well
too, as one contiguous stretch of the passage so nothing is quoted out of order.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from knowledge.ingest.sentences import split_sentences

WHOLE_UP_TO_WORDS = 80
"""A passage this short is shown whole."""
MAX_SENTENCES = 3
NEIGHBOUR_SHARE = 0.6
"""A neighbouring sentence joins when it scores at least this share of the best one."""
ELLIPSIS = "…"


def shown_whole(text: str, sentences: Sequence[str]) -> bool:
    """Whether a passage (`text`, split into `sentences`) is short enough to show whole: no
    excerpt is worth choosing."""
    return len(text.split()) <= WHOLE_UP_TO_WORDS or len(sentences) <= MAX_SENTENCES


def answering_excerpt(text: str, scores: Mapping[str, float]) -> str | None:
    """The stretch of `text` around its best sentence (by `scores`, keyed by sentence), or
    None when the passage is short enough to show whole or no sentence scored."""
    sentences = split_sentences(text)
    if shown_whole(text, sentences):
        return None
    scored = [scores.get(s, 0.0) for s in sentences]
    best = max(range(len(sentences)), key=lambda i: scored[i])
    if scored[best] <= 0:
        return None
    start = end = best
    while end - start + 1 < MAX_SENTENCES:
        before = scored[start - 1] if start > 0 else -1.0
        after = scored[end + 1] if end + 1 < len(sentences) else -1.0
        if max(before, after) < NEIGHBOUR_SHARE * scored[best]:
            break
        if after >= before:
            end += 1
        else:
            start -= 1
    stretch = " ".join(sentences[start : end + 1])
    prefix = f"{ELLIPSIS} " if start > 0 else ""
    suffix = f" {ELLIPSIS}" if end + 1 < len(sentences) else ""
    return f"{prefix}{stretch}{suffix}"
