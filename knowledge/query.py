"""From a member's question to weighted index terms: language, glossary expansion, cognates.

The same planner analyses documents (per their language) and queries, so both sides agree on
terms. A French or Spanish question is also read with the English analyser (cognates such as
"discrimination") and expanded through the glossary to the English words the guidance uses.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from knowledge.analysis import SUPPORTED_LANGUAGES, Analyzer, stop_words, tokenize
from knowledge.glossary import Glossary, GlossaryEntry, Mention
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
class QueryUnit:
    """One thing the question asks about (a content word, or a glossary concept), with the
    ways a text in any language can contain it: it is found when every term of one of its
    `forms` is there (the word as analysed in the question's language or in English, or a
    concept's acronym or preferred phrase in English or the question's language)."""

    label: str
    forms: tuple[frozenset[str], ...]
    surface: str = ""
    """The word as typed (folded), for recognising a misspelling the stem no longer shows."""

    def found_in(self, terms: frozenset[str] | set[str]) -> bool:
        """True when `terms` (a text's analysed terms) hold one of the unit's forms."""
        return any(form <= terms for form in self.forms)


@dataclass(frozen=True, slots=True)
class QueryPlan:
    """An analysed query."""

    language: str
    terms: tuple[WeightedTerm, ...]
    concepts: tuple[str, ...] = ()
    """Glossary entry ids the query mentions."""
    units: tuple[QueryUnit, ...] = ()
    """What the question asks about, language-independently: confidence features count
    these, so a French question over English text is judged like an English one."""


PLANS_KEPT = 256
"""Recent queries' plans a planner remembers."""


class QueryPlanner:
    """Analyses documents and queries in English, French and Spanish."""

    def __init__(self, *, glossary: Glossary | None = None) -> None:
        self.glossary = glossary or Glossary(())
        keep = self.glossary.acronyms()
        self._analyzers = {
            lang: Analyzer(language=lang, keep_whole=keep) for lang in SUPPORTED_LANGUAGES
        }
        self._recent: dict[tuple[str, str | None], QueryPlan] = {}

    def analyzer_for(self, language: str) -> Analyzer:
        """The analyser of a language (English for unsupported ones)."""
        return self._analyzers.get(language, self._analyzers["en"])

    def plan(self, query: str, *, language: str | None = None) -> QueryPlan:
        """Weighted terms for `query`; `language` is a hint such as the user's locale. The
        search, the policy and the excerpt each need the plan of one question: it is
        analysed once and the plan (immutable) remembered for a while."""
        key = (query, language)
        plan = self._recent.get(key)
        if plan is None:
            if len(self._recent) >= PLANS_KEPT:
                self._recent.clear()
            plan = self._recent[key] = self._analysed(query, language)
        return plan

    def forget(self) -> None:
        """Drop the remembered plans, so the next of each query is analysed afresh (a
        benchmark measuring analysis needs that)."""
        self._recent.clear()

    def _analysed(self, query: str, language: str | None) -> QueryPlan:
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
        mentions = self.glossary.mentions(query)
        concepts = list({mention.entry.id: mention.entry for mention in mentions}.values())
        for entry in concepts:
            self._expand(weights, entry.preferred(), detected)
        return QueryPlan(
            language=detected,
            terms=tuple(weights.values()),
            concepts=tuple(entry.id for entry in concepts),
            units=self._units(query, detected, mentions),
        )

    def _units(self, query: str, language: str, mentions: list[Mention]) -> tuple[QueryUnit, ...]:
        """The question's content words and concepts, each with its forms in every language."""
        tokens = tokenize(query)
        mentioned = {i: m for m in mentions for i in range(m.start, m.end)}
        own, english = self.analyzer_for(language), self._analyzers["en"]
        own_stops = stop_words(language)
        units: dict[str, QueryUnit] = {}
        for position, token in enumerate(tokens):
            mention = mentioned.get(position)
            if mention is not None:
                if mention.start == position:
                    label = f"concept:{mention.entry.id}"
                    units.setdefault(
                        label, QueryUnit(label, self._concept_forms(mention.entry, language))
                    )
                continue
            forms = {frozenset(own.terms(token))}
            if language != "en" and token not in own_stops:
                forms.add(frozenset(english.terms(token)))
            forms.discard(frozenset())
            if forms:
                label = min(next(iter(f)) for f in forms)
                unit = QueryUnit(label, tuple(sorted(forms, key=sorted)), surface=token)
                units.setdefault(label, unit)
        return tuple(units.values())

    def _concept_forms(self, entry: GlossaryEntry, language: str) -> tuple[frozenset[str], ...]:
        forms: set[frozenset[str]] = set()
        for lang, phrases in entry.preferred().items():
            if lang in {"en", language}:
                for phrase in phrases:
                    forms.add(frozenset(self.analyzer_for(lang).terms(phrase)))
        forms.discard(frozenset())
        return tuple(sorted(forms, key=sorted))

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
