"""The one place that decides what to do with search results: answer, suggest, or abstain."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from bot.calibration import CalibrationModel
from knowledge.features import MatchFeatures, match_features
from knowledge.index import SearchIndex
from knowledge.query import QueryPlanner
from knowledge.search_types import Hit


class Decision(StrEnum):
    """What the bot does with a question."""

    ANSWER = "answer"
    ANSWER_WITH_ALTERNATIVES = "answer_with_alternatives"
    ABSTAIN = "abstain"


@dataclass(frozen=True, slots=True)
class Verdict:
    """The decision with the confidence it rests on and the hits it may cite."""

    decision: Decision
    confidence: float
    hits: Sequence[Hit]
    features: MatchFeatures | None = None

    @property
    def answered(self) -> bool:
        """True unless the bot abstains."""
        return self.decision is not Decision.ABSTAIN


class AnsweringPolicy:
    """Turns hits into a calibrated confidence in [0, 1] and a decision."""

    def __init__(self, *, planner: QueryPlanner, model: CalibrationModel) -> None:
        self.planner = planner
        self._model = model

    def decide(
        self,
        query: str,
        hits: Sequence[Hit],
        *,
        index: SearchIndex,
        language: str | None = None,
    ) -> Verdict:
        """Answer when confident, answer with alternatives when unsure, else abstain."""
        plan = self.planner.plan(query, language=language)
        features = match_features(
            self.planner,
            plan,
            hits,
            frequency=index.document_frequency,
            documents=index.stats().documents,
        )
        confidence = round(self._model.confidence(features), 4) if hits else 0.0
        if confidence >= self._model.answer_threshold:
            decision = Decision.ANSWER
        elif confidence >= self._model.suggest_threshold:
            decision = Decision.ANSWER_WITH_ALTERNATIVES
        else:
            decision = Decision.ABSTAIN
        return Verdict(decision=decision, confidence=confidence, hits=hits, features=features)
