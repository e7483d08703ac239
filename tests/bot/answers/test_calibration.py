"""The confidence model: fitting, the shipped file, refusing a file made for other features."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.answers.calibration import (
    Calibration,
    CalibrationError,
    CalibrationModel,
    Thresholds,
    fit_logistic,
    load_calibration,
    parse_calibration,
)
from knowledge.features import FEATURE_NAMES, LEXICAL_FEATURES, NO_MATCH, MatchFeatures


def model_json(**changes: object) -> str:
    model: dict[str, object] = {
        "weights": [0.5] * len(FEATURE_NAMES),
        "bias": -1.0,
        "thresholds": {
            "reply": {"answer": 0.8, "suggest": 0.5},
            "passage": {"answer": 0.85, "suggest": 0.55},
        },
        "feature_names": list(FEATURE_NAMES),
    }
    model.update(changes)
    return json.dumps({"lexical": model, "semantic": model})


EVERY_KIND = {kind: Thresholds(answer=1, suggest=0) for kind in ("reply", "passage")}


def sigmoid_side(weights: tuple[float, ...], bias: float, x: float) -> bool:
    model = CalibrationModel(
        weights=weights, bias=bias, thresholds=EVERY_KIND, feature_names=("x",)
    )
    return model.confidence_of([x]) > 0.5


def test_fit_logistic_learns_a_separable_problem() -> None:
    xs = [i / 20 for i in range(21)]
    labels = [int(x > 0.5) for x in xs]
    weights, bias = fit_logistic([[x] for x in xs], labels)
    assert len(weights) == 1
    assert weights[0] > 0
    assert bias < 0
    assert all(sigmoid_side(weights, bias, x) == bool(y) for x, y in zip(xs, labels, strict=True))
    assert not sigmoid_side(weights, bias, 0.0)
    assert sigmoid_side(weights, bias, 1.0)


def test_fit_logistic_learns_a_negative_weight_for_a_negative_signal() -> None:
    rows = [[x / 10, 1 - x / 10] for x in range(11)]
    labels = [int(x < 5) for x in range(11)]
    weights, _ = fit_logistic(rows, labels, steps=2000)
    assert weights[0] < 0 < weights[1]


def test_fit_logistic_without_signal_learns_the_base_rate() -> None:
    weights, bias = fit_logistic([[0.0]] * 8, [1, 1, 1, 0, 0, 0, 0, 0], steps=2000)
    assert weights == (0.0,)
    model = CalibrationModel(
        weights=weights, bias=bias, thresholds=EVERY_KIND, feature_names=("x",)
    )
    assert model.confidence_of([0.0]) == pytest.approx(3 / 8, abs=0.01)


def test_the_shipped_models_load_with_ordered_thresholds() -> None:
    calibration = load_calibration()
    assert calibration.semantic is not None
    assert calibration.lexical.feature_names == LEXICAL_FEATURES
    assert calibration.semantic.feature_names == FEATURE_NAMES
    for model in (calibration.lexical, calibration.semantic):
        assert len(model.weights) == len(model.feature_names)
        for kind in ("reply", "passage"):
            thresholds = model.thresholds_for(kind)
            assert 0 <= thresholds.suggest <= thresholds.answer <= 1


def test_the_semantic_model_serves_re_ranked_hits_only() -> None:
    calibration = load_calibration()
    assert calibration.model_for(semantic=True) is calibration.semantic
    assert calibration.model_for(semantic=False) is calibration.lexical
    lexical_only = Calibration(lexical=calibration.lexical)
    assert lexical_only.model_for(semantic=True) is calibration.lexical


def test_the_shipped_models_trust_a_full_match_more_than_no_match() -> None:
    full = MatchFeatures(1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.8, 0.8, 1.0, 0.9, 1.0)
    for model in (load_calibration().lexical, load_calibration().semantic):
        assert model is not None
        assert 0 <= model.confidence(NO_MATCH) < model.thresholds_for("reply").suggest
        assert model.confidence(full) > model.thresholds_for("reply").answer
        assert 0 <= model.confidence(full) <= 1


def test_a_model_for_other_features_is_refused() -> None:
    renamed = model_json(feature_names=["closeness", *FEATURE_NAMES[1:]])
    with pytest.raises(CalibrationError, match=r"bench\.calibrate"):
        parse_calibration(renamed)
    shorter = model_json(weights=[0.5] * 6)
    with pytest.raises(CalibrationError, match=r"bench\.calibrate"):
        parse_calibration(shorter)


def test_a_malformed_file_names_the_fix(tmp_path: Path) -> None:
    path = tmp_path / "calibration.json"
    path.write_text(json.dumps({"weights": [1.0]}), encoding="utf-8")
    with pytest.raises(CalibrationError, match=r"bench\.calibrate"):
        load_calibration(path)
    no_thresholds = json.loads(model_json())
    del no_thresholds["lexical"]["thresholds"]["passage"]
    with pytest.raises(CalibrationError, match=r"bench\.calibrate"):
        parse_calibration(json.dumps(no_thresholds))


def test_to_json_and_parse_round_trip(tmp_path: Path) -> None:
    model = CalibrationModel(
        weights=tuple(0.1 * i - 0.3 for i in range(len(FEATURE_NAMES))),
        bias=-1.25,
        thresholds={
            "reply": Thresholds(answer=0.87, suggest=0.6),
            "passage": Thresholds(answer=0.9, suggest=0.5),
        },
        feature_names=FEATURE_NAMES,
        scale=1.5,
        shift=0.25,
    )
    calibration = Calibration(lexical=model, semantic=model)
    assert parse_calibration(calibration.to_json()) == calibration
    path = tmp_path / "calibration.json"
    path.write_text(calibration.to_json(), encoding="utf-8")
    assert load_calibration(path) == calibration


def test_the_shipped_file_round_trips() -> None:
    calibration = load_calibration()
    assert parse_calibration(calibration.to_json()) == calibration


def test_confidence_is_a_probability_after_scaling() -> None:
    model = parse_calibration(model_json(weights=[100.0] * len(FEATURE_NAMES), bias=0.0)).lexical
    everything = MatchFeatures(1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1)
    assert model.confidence(everything) == pytest.approx(1.0)
    negative = parse_calibration(model_json(weights=[-100.0] * len(FEATURE_NAMES), bias=0.0))
    assert negative.lexical.confidence(everything) == pytest.approx(0.0)
    assert model.confidence_of([0.0] * len(FEATURE_NAMES)) == pytest.approx(0.5)
    shifted = parse_calibration(model_json(bias=0.0, scale=2.0, shift=1.0)).lexical
    assert shifted.confidence_of([0.0] * len(FEATURE_NAMES)) == pytest.approx(
        1 / (1 + 2.718281828**-1)
    )
