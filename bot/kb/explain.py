"""Why a search hit ranks where it does, for moderators curating the knowledge base: which of
the question's terms it holds and in which of its fields (the index weighs a match in a
reply's question above one in its text), and how much words and meaning each contributed.

It reads the query as the index does (the same planner, the doc's own language), so what it
says matched is what the engine matched, not a guess from the text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from knowledge.query import QueryPlanner, WeightedTerm
from knowledge.search_types import Hit, SearchDoc
from knowledge.semantic import rescaled_similarity

Field = Literal["question", "alt_questions", "headings", "text"]
FoundBy = Literal["words", "meaning", "both"]


@dataclass(frozen=True, slots=True)
class TermMatch:
    """One term of the query found in the hit, and where."""

    term: str
    """As typed when the question holds it, else the index term (a glossary expansion)."""
    asked: bool
    """False for terms the glossary or an English reading of the question added."""
    fields: tuple[Field, ...]


@dataclass(frozen=True, slots=True)
class HitExplanation:
    """A hit with the evidence behind its rank."""

    hit: Hit
    matched: tuple[TermMatch, ...]
    missing: tuple[str, ...]
    """Terms the question asked that the hit lacks (typos may still have matched)."""
    found_by: FoundBy
    meaning: float | None
    """Closeness in meaning on a 0-1 scale, when an embedding model re-ranked the hits."""


@dataclass(frozen=True, slots=True)
class SearchExplanation:
    """How the query was read, and each hit's evidence, best hit first."""

    language: str
    concepts: tuple[str, ...]
    """Glossary entries the query mentions (their phrases are searched too)."""
    hits: tuple[HitExplanation, ...]


def explain_hits(
    planner: QueryPlanner, query: str, hits: Sequence[Hit], *, language: str | None = None
) -> SearchExplanation:
    """The evidence for each hit of `query` (as `KnowledgeService.search` returned them)."""
    plan = planner.plan(query, language=language)
    return SearchExplanation(
        language=plan.language,
        concepts=plan.concepts,
        hits=tuple(_explain(planner, plan.terms, hit) for hit in hits),
    )


def _explain(planner: QueryPlanner, terms: Sequence[WeightedTerm], hit: Hit) -> HitExplanation:
    fields = _field_terms(planner, hit.doc)
    matched, missing = [], []
    for term in terms:
        found = tuple(name for name, held in fields if term.text in held)
        shown = term.surface or term.text
        asked = term.fuzzy
        if found:
            matched.append(TermMatch(shown, asked, found))
        elif asked:
            missing.append(shown)
    return HitExplanation(
        hit=hit,
        matched=tuple(matched),
        missing=tuple(missing),
        found_by=_found_by(hit),
        meaning=rescaled_similarity(hit.similarity) if hit.similarity is not None else None,
    )


def _field_terms(planner: QueryPlanner, doc: SearchDoc) -> list[tuple[Field, frozenset[str]]]:
    """Each field's index terms, analysed in the doc's language as the index analyses it."""
    analyzer = planner.analyzer_for(doc.language)
    texts: list[tuple[Field, str]] = [
        ("question", doc.title),
        ("alt_questions", "\n".join(doc.alt_titles)),
        ("headings", "\n".join(doc.heading_path)),
        ("text", doc.text),
    ]
    return [(name, frozenset(analyzer.terms(text))) for name, text in texts if text]


def _found_by(hit: Hit) -> FoundBy:
    if hit.similarity is None:
        return "words"
    return "meaning" if hit.lexical == 0 else "both"
