"""Score-independent evidence that a hit answers the query, for calibrated confidence.

Raw BM25 scores grow with query length and corpus statistics, so the answering policy learns
from features that mean the same thing for every query and in every language. They count the
question's *units* (its content words and glossary concepts, each with its forms in English
and the question's language), so a French question over English guidance is judged as an
English one would be: how much of the question, and of its rare words, the hit holds; whether
a rare word the question turns on is missing from it (what tells "who is the special rapporteur
on Kenya" from a question the visit guide answers); how many of its words the knowledge base
has never seen; the hit's lead over the others; and, when an embedding model re-ranked the
hits, how close in meaning the question and the hit are.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import OSA

from knowledge.analysis import tokenize
from knowledge.bm25_reference import indexed_text
from knowledge.ingest.sentences import split_sentences
from knowledge.query import QueryPlan, QueryPlanner, QueryUnit
from knowledge.search_types import Hit, SearchDoc
from knowledge.semantic import rescaled_similarity

LEXICAL_FEATURES = (
    "coverage",
    "idf_coverage",
    "sentence_coverage",
    "missing_rare",
    "missing_number",
    "unknown_share",
    "margin",
    "score_per_unit",
    "is_reply",
)
SEMANTIC_FEATURES = ("similarity", "similarity_lead")
FEATURE_NAMES = (*LEXICAL_FEATURES, *SEMANTIC_FEATURES)
EVIDENCE_AGAINST = frozenset({"missing_rare", "missing_number", "unknown_share"})
"""Features that can only lower confidence (the rest can only raise it, but `is_reply`):
fitted weights keep these signs, so a quirk of the evaluation set cannot teach the model that
words nobody wrote about make an answer likelier."""


def weight_signs(names: Sequence[str]) -> tuple[int, ...]:
    """+1, -1 or 0 (free) for each feature, in `names` order."""
    return tuple(-1 if n in EVIDENCE_AGAINST else 0 if n == "is_reply" else 1 for n in names)


DocumentFrequency = Callable[[str], int]


@dataclass(frozen=True, slots=True)
class MatchFeatures:
    """What the policy's model reads; all values are in [0, 1]."""

    coverage: float
    """Share of the question's units the hit holds."""
    idf_coverage: float
    """The same, each unit weighted by its rarity: missing the one rare word weighs most."""
    sentence_coverage: float
    """The rarity-weighted share held by the best two consecutive sentences: an answer says
    in one place what the question asks, a long passage may hold its words scattered."""
    missing_rare: float
    """Rarity of the rarest unit the knowledge base knows but the hit lacks (0: none lacks)."""
    missing_number: float
    """1 when the question names a number of two digits or more (a year, a session) the hit
    lacks while naming others of its kind: "what did the HRM spend in 2014" is not answered
    by the 2011-2013 budget. 0.5 when the hit names none (guidance that holds whatever the
    year: "our UPR is in 2026, how do we prepare"). A number is found inside a word ("42nd
    session", "A/HRC/42/30"), and a year also by its last two digits ("2011-13")."""
    unknown_share: float
    """Share of units no document holds (out-of-scope vocabulary)."""
    margin: float
    """Lead of the hit's lexical score over the best other one, relative to its own, times
    its rarity-weighted coverage: leading on one stray word of the question is no evidence."""
    score_per_unit: float
    """Lexical score per unit, squashed into [0, 1)."""
    is_reply: float
    similarity: float = 0.0
    """Closeness in meaning of question and hit (embedding cosine, rescaled); 0 without one."""
    similarity_lead: float = 0.0
    """How much closer the hit is than the closest other hit (0 when it is not the closest)."""

    def vector(self, names: Sequence[str] = FEATURE_NAMES) -> tuple[float, ...]:
        """Values in `names` order."""
        return tuple(getattr(self, name) for name in names)


NO_MATCH = MatchFeatures(0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0)


@dataclass(frozen=True, slots=True)
class _UnitWeights:
    """What the question's units weigh, the same for every hit it is compared with."""

    units: Sequence[QueryUnit]
    counts: Sequence[int]
    """Docs that may hold each unit."""
    rarity: Sequence[float]
    total: float
    names_a_number: bool


class FeatureExtractor:
    """Computes features of hits for an analysed query, remembering each doc's terms."""

    def __init__(self, planner: QueryPlanner, *, cache_size: int = 4096) -> None:
        self._planner = planner
        self._terms: dict[str, frozenset[str]] = {}
        self._sentence_terms: dict[str, list[tuple[str, frozenset[str]]]] = {}
        self._window_terms: dict[str, list[frozenset[str]]] = {}
        self._surfaces: dict[str, frozenset[str]] = {}
        self._cache_size = cache_size

    def features(
        self,
        plan: QueryPlan,
        hits: Sequence[Hit],
        *,
        frequency: DocumentFrequency,
        documents: int,
    ) -> list[MatchFeatures]:
        """Features of each hit among the others (NO_MATCH when the query has no units): how
        rare each of the question's units is is worked out once for all of them."""
        units = plan.units
        if not units or documents <= 0:
            return [NO_MATCH] * len(hits)
        counts = [_unit_frequency(unit, frequency, documents) for unit in units]
        rarity = [_idf(n, documents) / _idf(1, documents) if n else 1.0 for n in counts]
        weights = _UnitWeights(
            units=units,
            counts=counts,
            rarity=rarity,
            total=sum(rarity),
            names_a_number=any(unit.label.isdigit() for unit in units),
        )
        return [self._features_of(weights, hits, position) for position in range(len(hits))]

    def _features_of(
        self, weights: _UnitWeights, hits: Sequence[Hit], position: int
    ) -> MatchFeatures:
        units, counts, rarity, total = weights.units, weights.counts, weights.rarity, weights.total
        hit = hits[position]
        terms = self.doc_terms(hit.doc)
        words = self._words(hit.doc)
        held = [unit.found_in(terms) for unit in units]
        numbers: frozenset[str] = frozenset()
        if weights.names_a_number:
            numbers = _numbers_in(words)
            held = [h or _holds_number(numbers, u.label) for h, u in zip(held, units, strict=True)]
        typos = [
            n == 0 and _misspelt_in(unit, terms, words)
            for unit, n in zip(units, counts, strict=True)
        ]
        found = [h or typo for h, typo in zip(held, typos, strict=True)]
        idf_coverage = sum(r for r, f in zip(rarity, found, strict=True) if f) / total
        present = [(r, u) for r, u, h in zip(rarity, units, held, strict=True) if h]
        window = max(
            self._windows(hit.doc),
            key=lambda terms: sum(r for r, u in present if u.found_in(terms)),
            default=frozenset(),
        )
        in_window = sum(r for r, u in present if u.found_in(window))
        others = [h for i, h in enumerate(hits) if i != position]
        best_other = max((h.lexical for h in others), default=0.0)
        missing_known = [r for r, f, n in zip(rarity, found, counts, strict=True) if not f and n]
        return MatchFeatures(
            coverage=sum(found) / len(units),
            idf_coverage=idf_coverage,
            sentence_coverage=in_window / total,
            missing_rare=max(missing_known, default=0.0),
            missing_number=_missing_number(
                [u.label for u, f in zip(units, found, strict=True) if not f], numbers
            ),
            unknown_share=sum(
                1 for n, typo in zip(counts, typos, strict=True) if n == 0 and not typo
            )
            / len(units),
            margin=idf_coverage * _score_lead(hit.lexical, best_other),
            score_per_unit=1 - math.exp(-hit.lexical / len(units) / 3),
            is_reply=1.0 if hit.doc.kind == "reply" else 0.0,
            similarity=rescaled_similarity(hit.similarity),
            similarity_lead=_lead(hit, others),
        )

    def doc_terms(self, doc: SearchDoc) -> frozenset[str]:
        """A doc's analysed terms in its language, and in English too for other languages."""
        terms = self._terms.get(doc.id)
        if terms is None:
            if len(self._terms) >= self._cache_size:
                self._terms.clear()
            terms = self._terms[doc.id] = self.text_terms(indexed_text(doc), doc.language)
        return terms

    def _windows(self, doc: SearchDoc) -> list[frozenset[str]]:
        """The terms of each pair of consecutive sentences (a reply's question counts as one)."""
        windows = self._window_terms.get(doc.id)
        if windows is None:
            heads = [doc.title, *doc.alt_titles] if doc.kind == "reply" else []
            sentences = [terms for _, terms in self.sentence_terms(doc)]
            pairs = [a | b for a, b in itertools.pairwise(sentences)] or sentences
            windows = [*(self.text_terms(h, doc.language) for h in heads), *pairs]
            if len(self._window_terms) >= self._cache_size:
                self._window_terms.clear()
            self._window_terms[doc.id] = windows
        return windows

    def sentence_terms(self, doc: SearchDoc) -> list[tuple[str, frozenset[str]]]:
        """Each sentence of a doc's text with its terms (the features' windows and the
        excerpt shown of an answer are both made of them)."""
        sentences = self._sentence_terms.get(doc.id)
        if sentences is None:
            sentences = [(s, self.text_terms(s, doc.language)) for s in split_sentences(doc.text)]
            if len(self._sentence_terms) >= self._cache_size:
                self._sentence_terms.clear()
            self._sentence_terms[doc.id] = sentences
        return sentences

    def _words(self, doc: SearchDoc) -> frozenset[str]:
        """A doc's words as written (folded), for typo matching."""
        words = self._surfaces.get(doc.id)
        if words is None:
            if len(self._surfaces) >= self._cache_size:
                self._surfaces.clear()
            words = self._surfaces[doc.id] = frozenset(tokenize(indexed_text(doc)))
        return words

    def text_terms(self, text: str, language: str) -> frozenset[str]:
        """A text's analysed terms in its language, and in English too for other languages."""
        found = set(self._planner.analyzer_for(language).terms(text))
        if language != "en":
            found |= set(self._planner.analyzer_for("en").terms(text))
        return frozenset(found)

    def forget(self, doc_ids: Sequence[str]) -> None:
        """Drop remembered terms of docs that changed."""
        for doc_id in doc_ids:
            self._terms.pop(doc_id, None)
            self._sentence_terms.pop(doc_id, None)
            self._window_terms.pop(doc_id, None)
            self._surfaces.pop(doc_id, None)


TYPO_MIN_LENGTH = 5
NUMBER_RUN = re.compile(r"\d+")
IDENTIFYING_DIGITS = 2
"""A number of this many digits names something (a year, a session, a resolution); a
single digit mostly counts ("3 recommendations") and is not looked for."""


def _numbers_in(words: frozenset[str]) -> frozenset[str]:
    """Every run of digits a doc's words hold."""
    return frozenset(run for word in words for run in NUMBER_RUN.findall(word))


def _holds_number(numbers: frozenset[str], label: str) -> bool:
    """Whether a doc holding `numbers` holds the question's number, a year also by its last
    two digits."""
    return label in numbers or any(_is_year(n) and n[2:] == label for n in numbers)


def _missing_number(lacking: Sequence[str], numbers: frozenset[str]) -> float:
    """`MatchFeatures.missing_number`, from the labels of the question's units the hit
    lacks and the numbers it holds."""
    asked = [label for label in lacking if label.isdigit() and len(label) >= IDENTIFYING_DIGITS]
    if not asked:
        return 0.0
    held_kinds = {_is_year(n) for n in numbers if len(n) >= IDENTIFYING_DIGITS}
    return 1.0 if any(_is_year(label) in held_kinds for label in asked) else 0.5


def _is_year(number: str) -> bool:
    return len(number) == 4 and number[:2] in {"19", "20"}


def _misspelt_in(unit: QueryUnit, terms: frozenset[str], words: frozenset[str]) -> bool:
    """True when a word no document holds is one edit away from a term or word of the hit: a
    typo ("submisison") is not vocabulary the knowledge base lacks."""
    if len(unit.surface) >= TYPO_MIN_LENGTH and _one_edit_from(unit.surface, words):
        return True
    return any(
        len(term) >= TYPO_MIN_LENGTH and _one_edit_from(term, terms)
        for form in unit.forms
        for term in form
    )


def _one_edit_from(word: str, others: frozenset[str]) -> bool:
    """True when one of `others` is `word` with one letter changed, added, removed or two
    neighbours swapped (optimal string alignment distance 1), compared in C: this runs for
    every unknown word against every word of each hit, a few hundred pairs per question. The
    two closest are enough: at most one of them is the word itself."""
    closest = process.extract(word, others, scorer=OSA.distance, score_cutoff=1, limit=2)
    return any(other != word for other, _, _ in closest)


def _unit_frequency(unit: QueryUnit, frequency: DocumentFrequency, documents: int) -> int:
    """Docs that may hold the unit: for each form, at most as many as hold its rarest term."""
    return min(documents, max(min(frequency(term) for term in form) for form in unit.forms))


def _score_lead(score: float, other: float) -> float:
    return max(0.0, (score - other) / score) if score > 0 else 0.0


def _idf(frequency: int, documents: int) -> float:
    return math.log(1 + (documents - frequency + 0.5) / (frequency + 0.5))


def _lead(hit: Hit, others: Sequence[Hit]) -> float:
    if hit.similarity is None:
        return 0.0
    closest_other = max((h.similarity or 0.0 for h in others), default=0.0)
    return min(1.0, max(0.0, (hit.similarity - closest_other) / 0.05))
