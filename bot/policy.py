"""The one place that decides what to do with search results: answer, suggest, or abstain."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from knowledge.analysis import Analyzer
from knowledge.coverage import term_coverage
from knowledge.search_types import Hit


class Decision(StrEnum):
    """What the bot does with a question."""

    ANSWER = "answer"
    ANSWER_WITH_ALTERNATIVES = "answer_with_alternatives"
    ABSTAIN = "abstain"


@dataclass(frozen=True, slots=True)
class PolicyThresholds:
    """Confidence cut-offs; below `suggest` the bot abstains and logs the question."""

    answer: float = 0.62
    suggest: float = 0.4


@dataclass(frozen=True, slots=True)
class Verdict:
    """The decision with the confidence it rests on and the hits it may cite."""

    decision: Decision
    confidence: float
    hits: Sequence[Hit]

    @property
    def answered(self) -> bool:
        """True unless the bot abstains."""
        return self.decision is not Decision.ABSTAIN


class AnsweringPolicy:
    """Turns hits into a confidence in [0, 1] and a decision."""

    def __init__(
        self, *, analyzer: Analyzer, thresholds: PolicyThresholds = PolicyThresholds()
    ) -> None:
        self._analyzer = analyzer
        self._thresholds = thresholds

    def confidence(self, query: str, hits: Sequence[Hit]) -> float:
        """Mostly how much of the query the best hit covers, nudged by its lead over the next."""
        if not hits:
            return 0.0
        coverage = term_coverage(self._analyzer, query, hits[0].doc)
        top = hits[0].score
        runner_up = hits[1].score if len(hits) > 1 else 0.0
        margin = (top - runner_up) / top if top > 0 else 0.0
        return round(min(1.0, 0.8 * coverage + 0.2 * margin), 4)

    def decide(self, query: str, hits: Sequence[Hit]) -> Verdict:
        """Answer when confident, answer with alternatives when unsure, else abstain."""
        confidence = self.confidence(query, hits)
        if confidence >= self._thresholds.answer:
            decision = Decision.ANSWER
        elif confidence >= self._thresholds.suggest:
            decision = Decision.ANSWER_WITH_ALTERNATIVES
        else:
            decision = Decision.ABSTAIN
        return Verdict(decision=decision, confidence=confidence, hits=hits)
