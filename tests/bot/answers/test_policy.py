"""The decision rules that stand beside the confidence thresholds."""

from __future__ import annotations

import dataclasses

from bot.answers.calibration import load_calibration
from bot.answers.policy import Decision, decision
from knowledge.features import MatchFeatures

FULL_MATCH = MatchFeatures(1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.8, 0.8, 1.0, 0.9, 1.0)


def test_an_answer_about_another_year_than_the_one_asked_is_no_answer() -> None:
    model = load_calibration().model_for(semantic=True)
    for kind in ("reply", "passage"):
        assert decision(model, kind, 0.99, FULL_MATCH, language="en") is Decision.ANSWER
        another_year = dataclasses.replace(FULL_MATCH, missing_number=1.0)
        assert decision(model, kind, 0.99, another_year, language="fr") is Decision.ABSTAIN
        any_year = dataclasses.replace(FULL_MATCH, missing_number=0.5)  # e.g. general guidance
        assert decision(model, kind, 0.99, any_year, language="en") is Decision.ANSWER
