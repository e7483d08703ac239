"""The decision rules that stand beside the confidence thresholds."""

from __future__ import annotations

import dataclasses

from bot.answers.calibration import load_calibration
from bot.answers.policy import Decision, decision
from knowledge.features import MatchFeatures

FULL_MATCH = MatchFeatures(1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.8, 0.8, 1.0, 0.9, 1.0)


def test_an_answer_lacking_the_year_the_question_names_is_no_answer() -> None:
    model = load_calibration().model_for(semantic=True)
    for kind in ("reply", "passage"):
        assert decision(model, kind, 0.99, FULL_MATCH, language="en") is Decision.ANSWER
        lacking = dataclasses.replace(FULL_MATCH, missing_number=1.0)
        assert decision(model, kind, 0.99, lacking, language="fr") is Decision.ABSTAIN
