"""The confidence model: logistic regression over match features, fitted on the evaluation set.

`bench/calibrate.py` refits it and rewrites `bot/data/calibration.json`; the thresholds in that
file are chosen there to meet the abstention targets, so the decision rule lives in data.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from importlib import resources
from pathlib import Path

from knowledge.features import FEATURE_NAMES, MatchFeatures


class CalibrationError(ValueError):
    """The calibration file does not fit the features this version computes."""


@dataclass(frozen=True, slots=True)
class CalibrationModel:
    """P(best hit answers the question) = sigmoid(weights · features + bias)."""

    weights: tuple[float, ...]
    bias: float
    answer_threshold: float
    suggest_threshold: float
    feature_names: tuple[str, ...] = FEATURE_NAMES

    def confidence(self, features: MatchFeatures) -> float:
        """Calibrated probability in [0, 1]."""
        return self.confidence_of(features.vector())

    def confidence_of(self, vector: Sequence[float]) -> float:
        """The same, from a feature vector in `feature_names` order."""
        return _sigmoid(self.bias + sum(w * x for w, x in zip(self.weights, vector, strict=True)))

    def to_json(self) -> str:
        """Serialised form written by the calibration script."""
        return json.dumps(asdict(self), indent=2) + "\n"


def _sigmoid(z: float) -> float:
    return 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))


def parse_calibration(text: str) -> CalibrationModel:
    """A model from its JSON form, refusing one made for other features."""
    try:
        data = json.loads(text)
        names = tuple(data["feature_names"])
        weights = tuple(float(w) for w in data["weights"])
        bias, answer, suggest = (
            float(data[key]) for key in ("bias", "answer_threshold", "suggest_threshold")
        )
    except (ValueError, KeyError, TypeError) as exc:
        raise CalibrationError(
            f"malformed calibration file ({exc}): run `python -m bench.calibrate`"
        ) from exc
    if names != FEATURE_NAMES or len(weights) != len(FEATURE_NAMES):
        raise CalibrationError(
            f"calibration was fitted for features {names}, this version computes "
            f"{FEATURE_NAMES}: run `python -m bench.calibrate`"
        )
    return CalibrationModel(
        weights=weights, bias=bias, answer_threshold=answer, suggest_threshold=suggest
    )


def load_calibration(path: Path | None = None) -> CalibrationModel:
    """The shipped model, or the one at `path`."""
    if path is not None:
        return parse_calibration(path.read_text(encoding="utf-8"))
    shipped = resources.files("bot.data").joinpath("calibration.json")
    return parse_calibration(shipped.read_text(encoding="utf-8"))


def fit_logistic(
    rows: Sequence[Sequence[float]], labels: Sequence[int], *, l2: float = 0.01, steps: int = 4000
) -> tuple[tuple[float, ...], float]:
    """Weights and bias by gradient descent on the L2-regularised log loss (small data, no deps)."""
    width = len(rows[0])
    weights = [0.0] * width
    bias = 0.0
    rate = 0.5
    count = len(rows)
    for _ in range(steps):
        grad_w = [0.0] * width
        grad_b = 0.0
        for row, label in zip(rows, labels, strict=True):
            error = _sigmoid(bias + sum(w * x for w, x in zip(weights, row, strict=True))) - label
            grad_b += error
            for i, x in enumerate(row):
                grad_w[i] += error * x
        weights = [w - rate * (g / count + l2 * w) for w, g in zip(weights, grad_w, strict=True)]
        bias -= rate * grad_b / count
    return tuple(round(w, 4) for w in weights), round(bias, 4)
