"""The one place that decides what to do with search results: which hit answers, and whether
to answer, answer with alternatives, or abstain."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from bot.answers.calibration import Calibration, CalibrationModel
from knowledge.features import NO_MATCH, FeatureExtractor, MatchFeatures
from knowledge.index import SearchIndex
from knowledge.query import QueryPlan, QueryPlanner
from knowledge.search_types import Hit, SearchDoc

CHOICE_DEPTH = 3
"""The answer is chosen among the best few hits, not only the first."""
REPLY_PREFERENCE = 0.10
"""A consolidated reply about as likely to answer as a passage is the better answer: it was
written for the question."""
LANGUAGE_PREFERENCE = 0.05
"""An answer in the asker's language is preferred; one in a third language (neither theirs nor
English, the language of most guidance) is the last resort."""


MIN_LEXICAL_COVERAGE = 0.34
MAX_UNKNOWN_SHARE = 0.5
NAMES_ANOTHER_NUMBER = 1.0
"""`MatchFeatures.missing_number` of an answer about another year or session."""


class Decision(StrEnum):
    """What the bot does with a question."""

    ANSWER = "answer"
    ANSWER_WITH_ALTERNATIVES = "answer_with_alternatives"
    ABSTAIN = "abstain"


@dataclass(frozen=True, slots=True)
class Verdict:
    """The decision with the confidence it rests on and the hits it may cite, the chosen
    answer first."""

    decision: Decision
    confidence: float
    hits: Sequence[Hit]
    features: MatchFeatures | None = None
    language: str = "en"
    """The question's language (detected, or the asker's locale)."""

    @property
    def answered(self) -> bool:
        """True unless the bot abstains."""
        return self.decision is not Decision.ABSTAIN


def preference(
    doc: SearchDoc, confidence: float, *, language: str, model: CalibrationModel
) -> float:
    """How much a candidate is worth as the answer: its confidence, plus a lift for a reply
    the bot would give anyway and for the asker's language."""
    worth = confidence
    if doc.kind == "reply" and confidence >= model.thresholds_for("reply").answer:
        worth += REPLY_PREFERENCE
    if doc.language == language:
        worth += LANGUAGE_PREFERENCE
    elif doc.language != "en":
        worth -= LANGUAGE_PREFERENCE
    return worth


def choose(
    docs: Sequence[SearchDoc],
    confidences: Sequence[float],
    *,
    language: str,
    model: CalibrationModel,
) -> int:
    """The position of the candidate to answer with (the first on ties)."""
    worth = [
        preference(doc, confidence, language=language, model=model)
        for doc, confidence in zip(docs, confidences, strict=True)
    ]
    return max(range(len(worth)), key=lambda i: (worth[i], -i))


class AnsweringPolicy:
    """Turns hits into a chosen answer, a calibrated confidence in [0, 1], and a decision."""

    def __init__(self, *, planner: QueryPlanner, calibration: Calibration) -> None:
        self.planner = planner
        self.calibration = calibration
        self.extractor = FeatureExtractor(planner)

    def candidate_features(
        self, plan: QueryPlan, hits: Sequence[Hit], *, index: SearchIndex
    ) -> list[MatchFeatures]:
        """Features of each of the best CHOICE_DEPTH hits, each among the others of them."""
        return self.extractor.features(
            plan,
            hits[:CHOICE_DEPTH],
            frequency=index.document_frequency,
            documents=index.stats().documents,
        )

    def decide(
        self,
        query: str,
        hits: Sequence[Hit],
        *,
        index: SearchIndex,
        language: str | None = None,
    ) -> Verdict:
        """Choose the answer among the best hits; answer when confident, answer with
        alternatives when unsure, else abstain."""
        plan = self.planner.plan(query, language=language)
        if not hits:
            return Verdict(Decision.ABSTAIN, 0.0, hits, NO_MATCH, language=plan.language)
        model = self.calibration.model_for(semantic=hits[0].similarity is not None)
        candidates = hits[:CHOICE_DEPTH]
        features = self.candidate_features(plan, hits, index=index)
        confidences = [model.confidence(f) for f in features]
        chosen = choose(
            [h.doc for h in candidates],
            confidences,
            language=plan.language,
            model=model,
        )
        ordered = [hits[chosen], *(h for i, h in enumerate(hits) if i != chosen)]
        confidence = round(confidences[chosen], 4)
        return Verdict(
            decision=decision(
                model,
                hits[chosen].doc.kind,
                confidence,
                features[chosen],
                language=plan.language,
            ),
            confidence=confidence,
            hits=ordered,
            features=features[chosen],
            language=plan.language,
        )


def decision(
    model: CalibrationModel, kind: str, confidence: float, features: MatchFeatures, *, language: str
) -> Decision:
    """Answer, answer with alternatives, or abstain, by the chosen answer's thresholds. An
    English question half of whose words no document uses is out of scope (in French or
    Spanish, words the English guidance lacks are expected); without an embedding model
    to vouch for it, an answer holding at most a third of what the question asks about is no
    answer ("per diem rate in Nairobi" against a scorecard that has "rate"); nor is one about
    another year or session than the one the question names ("how much did the HRM spend in
    2014" against the 2011-2013 budget), however close it is otherwise."""
    thresholds = model.thresholds_for(kind)
    lexical_only = "similarity" not in model.feature_names
    if (
        (lexical_only and features.coverage < MIN_LEXICAL_COVERAGE)
        or (language == "en" and features.unknown_share >= MAX_UNKNOWN_SHARE)
        or features.missing_number >= NAMES_ANOTHER_NUMBER
    ):
        return Decision.ABSTAIN
    if confidence >= thresholds.answer:
        return Decision.ANSWER
    if confidence >= thresholds.suggest:
        return Decision.ANSWER_WITH_ALTERNATIVES
    return Decision.ABSTAIN
