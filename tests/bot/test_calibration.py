"""The confidence model: fitting, the shipped file, refusing a file made for other features."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.calibration import (
    CalibrationError,
    CalibrationModel,
    fit_logistic,
    load_calibration,
    parse_calibration,
)
from knowledge.features import FEATURE_NAMES, NO_MATCH, MatchFeatures


def model_json(**changes: object) -> str:
    data: dict[str, object] = {
        "weights": [0.5] * len(FEATURE_NAMES),
        "bias": -1.0,
        "answer_threshold": 0.8,
        "suggest_threshold": 0.5,
        "feature_names": list(FEATURE_NAMES),
    }
    data.update(changes)
    return json.dumps(data)


def sigmoid_side(weights: tuple[float, ...], bias: float, x: float) -> bool:
    model = CalibrationModel(
        weights=weights, bias=bias, answer_threshold=1, suggest_threshold=0, feature_names=("x",)
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
        weights=weights, bias=bias, answer_threshold=1, suggest_threshold=0, feature_names=("x",)
    )
    assert model.confidence_of([0.0]) == pytest.approx(3 / 8, abs=0.01)


def test_the_shipped_model_loads_with_ordered_thresholds() -> None:
    model = load_calibration()
    assert model.feature_names == FEATURE_NAMES
    assert len(model.weights) == len(FEATURE_NAMES)
    assert 0 <= model.suggest_threshold <= model.answer_threshold <= 1


def test_the_shipped_model_trusts_a_full_match_more_than_no_match() -> None:
    model = load_calibration()
    full = MatchFeatures(1.0, 1.0, 1.0, 0.0, 0.8, 0.8, 1.0)
    assert 0 <= model.confidence(NO_MATCH) < model.suggest_threshold
    assert model.confidence(full) > model.confidence(NO_MATCH)
    assert 0 <= model.confidence(full) <= 1


def test_a_model_for_other_features_is_refused() -> None:
    renamed = model_json(feature_names=["coverage", *FEATURE_NAMES[1:]])
    with pytest.raises(CalibrationError, match=r"bench\.calibrate"):
        parse_calibration(renamed)
    shorter = model_json(weights=[0.5] * 6, feature_names=list(FEATURE_NAMES[:-1]))
    with pytest.raises(CalibrationError, match=r"bench\.calibrate"):
        parse_calibration(shorter)


def test_a_model_file_for_other_features_is_refused_at_load(tmp_path: Path) -> None:
    path = tmp_path / "calibration.json"
    path.write_text(model_json(feature_names=list(reversed(FEATURE_NAMES))), encoding="utf-8")
    with pytest.raises(CalibrationError, match=r"bench\.calibrate"):
        load_calibration(path)


def test_a_model_with_the_wrong_number_of_weights_is_refused() -> None:
    with pytest.raises(CalibrationError):
        parse_calibration(model_json(weights=[0.5] * (len(FEATURE_NAMES) - 1)))


def test_to_json_and_parse_round_trip(tmp_path: Path) -> None:
    model = CalibrationModel(
        weights=tuple(0.1 * i - 0.3 for i in range(len(FEATURE_NAMES))),
        bias=-1.25,
        answer_threshold=0.87,
        suggest_threshold=0.6,
    )
    assert parse_calibration(model.to_json()) == model
    path = tmp_path / "calibration.json"
    path.write_text(model.to_json(), encoding="utf-8")
    assert load_calibration(path) == model
    assert json.loads(model.to_json())["feature_names"] == list(FEATURE_NAMES)


def test_the_shipped_file_round_trips() -> None:
    model = load_calibration()
    assert parse_calibration(model.to_json()) == model


def test_confidence_is_a_probability() -> None:
    model = parse_calibration(model_json(weights=[100.0] * len(FEATURE_NAMES), bias=0.0))
    assert model.confidence(MatchFeatures(1, 1, 1, 1, 1, 1, 1)) == pytest.approx(1.0)
    negative = parse_calibration(model_json(weights=[-100.0] * len(FEATURE_NAMES), bias=0.0))
    assert negative.confidence(MatchFeatures(1, 1, 1, 1, 1, 1, 1)) == pytest.approx(0.0)
    assert model.confidence_of([0.0] * len(FEATURE_NAMES)) == pytest.approx(0.5)
