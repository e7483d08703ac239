"""What the search index stores and returns, independent of the engine behind it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

DocKind = Literal["reply", "passage"]


@dataclass(frozen=True, slots=True)
class SearchDoc:
    """One retrievable unit: a consolidated reply or a passage of a guidance document."""

    id: str
    kind: DocKind
    title: str
    """A reply's question, or a document's title for a passage."""
    text: str
    """The whole reply answer or passage text."""
    source: str
    alt_titles: tuple[str, ...] = ()
    """Alternative phrasings of a reply's question."""
    heading_path: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    language: str = "en"


@dataclass(frozen=True, slots=True)
class Hit:
    """A search result with its engine score (higher is better, not comparable across queries)."""

    doc: SearchDoc
    score: float
    lexical_score: float | None = None
    """The lexical engine's score when re-ranking changed `score` (0: found by meaning only)."""
    similarity: float | None = None
    """Cosine of question and doc embeddings, when an embedder re-ranked the hits."""

    @property
    def lexical(self) -> float:
        """The lexical score, whether or not the hit was re-ranked."""
        return self.score if self.lexical_score is None else self.lexical_score
