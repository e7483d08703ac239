"""From a member's question to weighted index terms: language, glossary expansion, cognates.

The same planner analyses documents (per their language) and queries, so both sides agree on
terms. A French or Spanish question is also read with the English analyser (cognates such as
"discrimination") and expanded through the glossary to the English words the guidance uses.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from knowledge.analysis import SUPPORTED_LANGUAGES, Analyzer, stop_words, tokenize
from knowledge.glossary import Glossary
from knowledge.language import detect_language

CROSS_LANGUAGE_WEIGHT = 0.5
GLOSSARY_WEIGHT = 0.8
SAME_LANGUAGE_GLOSSARY_WEIGHT = 0.4


@dataclass(frozen=True, slots=True)
class WeightedTerm:
    """One index term of a query and how much it counts; `fuzzy` allows typo matching."""

    text: str
    weight: float = 1.0
    fuzzy: bool = True
    surface: str = ""
    """The word as typed (folded), tried too when matching typos: stemming may mangle one."""


@dataclass(frozen=True, slots=True)
class QueryPlan:
    """An analysed query."""

    language: str
    terms: tuple[WeightedTerm, ...]
    concepts: tuple[str, ...] = ()
    """Glossary entry ids the query mentions."""


class QueryPlanner:
    """Analyses documents and queries in English, French and Spanish."""

    def __init__(self, *, glossary: Glossary | None = None) -> None:
        self.glossary = glossary or Glossary(())
        keep = self.glossary.acronyms()
        self._analyzers = {
            lang: Analyzer(language=lang, keep_whole=keep) for lang in SUPPORTED_LANGUAGES
        }

    def analyzer_for(self, language: str) -> Analyzer:
        """The analyser of a language (English for unsupported ones)."""
        return self._analyzers.get(language, self._analyzers["en"])

    def plan(self, query: str, *, language: str | None = None) -> QueryPlan:
        """Weighted terms for `query`; `language` is a hint such as the user's locale."""
        detected = detect_language(query, hint=language)
        weights: dict[str, WeightedTerm] = {}
        own = self.analyzer_for(detected).surfaces(query)
        for term, surface in own.items():
            weights[term] = WeightedTerm(term, 1.0, fuzzy=True, surface=surface)
        if detected != "en":
            own_stops = stop_words(detected)
            content = " ".join(t for t in tokenize(query) if t not in own_stops)
            english = self._analyzers["en"].terms(content)
            self._merge(weights, english, CROSS_LANGUAGE_WEIGHT)
        concepts = self.glossary.find(query)
        for entry in concepts:
            self._expand(weights, entry.preferred(), detected)
        return QueryPlan(
            language=detected,
            terms=tuple(weights.values()),
            concepts=tuple(entry.id for entry in concepts),
        )

    def _expand(
        self, weights: dict[str, WeightedTerm], phrases: dict[str, tuple[str, ...]], language: str
    ) -> None:
        """Add a concept's preferred phrases in English (the guidance's language), which weigh
        most for a foreign question, and in the question's own language."""
        for lang, values in phrases.items():
            if lang not in {"en", language}:
                continue
            base = GLOSSARY_WEIGHT if lang != language else SAME_LANGUAGE_GLOSSARY_WEIGHT
            for phrase in values:
                terms = self.analyzer_for(lang).terms(phrase)
                self._merge(weights, terms, base / math.sqrt(max(1, len(terms))))

    @staticmethod
    def _merge(weights: dict[str, WeightedTerm], terms: list[str], weight: float) -> None:
        """Add secondary terms (never typo-matched), keeping each term's highest weight."""
        for term in dict.fromkeys(terms):
            current = weights.get(term)
            if current is None or current.weight < weight:
                weights[term] = WeightedTerm(term, weight, fuzzy=False)
