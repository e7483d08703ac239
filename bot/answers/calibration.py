"""The confidence models: logistic regression over match features, fitted on the evaluation sets.

There are two: one for hits re-ranked by an embedding model (it also reads how close in
meaning question and hit are) and one for lexical search alone (no model installed, or
HURIBOT_EMBEDDER=none). `bench/calibrate.py` refits both and rewrites
`bot/data/calibration.json`; the thresholds in that file are chosen there to meet the
abstention targets, so the decision rule lives in data.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from knowledge.features import FEATURE_NAMES, LEXICAL_FEATURES, MatchFeatures

DOC_KINDS = ("passage", "reply")


class CalibrationError(ValueError):
    """The calibration file does not fit the features this version computes."""


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Confidence from which the bot answers outright, and below which it abstains."""

    answer: float
    suggest: float


@dataclass(frozen=True, slots=True)
class CalibrationModel:
    """P(hit answers the question) = sigmoid(weights · features + bias), and thresholds for
    each kind of answer: a reply's confidence separates right from wrong far better than a
    long passage's, so one threshold for both would abstain too little or too much."""

    weights: tuple[float, ...]
    bias: float
    thresholds: Mapping[str, Thresholds]
    """By doc kind ("reply", "passage")."""
    feature_names: tuple[str, ...] = LEXICAL_FEATURES
    scale: float = 1.0
    shift: float = 0.0
    """Platt scaling of the score, fitted on the answers the policy chooses: the confidence
    shown is then the chance that the chosen answer is right, not that a candidate is."""

    def thresholds_for(self, kind: str) -> Thresholds:
        """The thresholds of an answer of this kind."""
        return self.thresholds[kind]

    def confidence(self, features: MatchFeatures) -> float:
        """Calibrated probability in [0, 1]."""
        return self.confidence_of(features.vector(self.feature_names))

    def confidence_of(self, vector: Sequence[float]) -> float:
        """The same, from a feature vector in `feature_names` order."""
        score = self.bias + sum(w * x for w, x in zip(self.weights, vector, strict=True))
        return _sigmoid(self.scale * score + self.shift)

    def to_dict(self) -> dict[str, Any]:
        """Serialisable form."""
        return {
            "weights": list(self.weights),
            "bias": self.bias,
            "thresholds": {
                kind: {"answer": t.answer, "suggest": t.suggest}
                for kind, t in sorted(self.thresholds.items())
            },
            "feature_names": list(self.feature_names),
            "scale": self.scale,
            "shift": self.shift,
        }


@dataclass(frozen=True, slots=True)
class Calibration:
    """The lexical model, and the semantic one when it was fitted."""

    lexical: CalibrationModel
    semantic: CalibrationModel | None = None

    def model_for(self, *, semantic: bool) -> CalibrationModel:
        """The model that reads the features the hits carry."""
        return self.semantic if semantic and self.semantic is not None else self.lexical

    def to_json(self) -> str:
        """Serialised form written by the calibration script."""
        data = {"lexical": self.lexical.to_dict()}
        if self.semantic is not None:
            data["semantic"] = self.semantic.to_dict()
        return json.dumps(data, indent=2) + "\n"


def _sigmoid(z: float) -> float:
    return 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))


def _model(data: Mapping[str, Any]) -> CalibrationModel:
    names = tuple(data["feature_names"])
    weights = tuple(float(w) for w in data["weights"])
    if not set(names) <= set(FEATURE_NAMES) or len(weights) != len(names):
        raise CalibrationError(
            f"calibration was fitted for features {names}, this version computes "
            f"{FEATURE_NAMES}: run `python -m bench.calibrate`"
        )
    thresholds = {
        kind: Thresholds(
            answer=float(data["thresholds"][kind]["answer"]),
            suggest=float(data["thresholds"][kind]["suggest"]),
        )
        for kind in DOC_KINDS
    }
    return CalibrationModel(
        weights=weights,
        bias=float(data["bias"]),
        thresholds=thresholds,
        feature_names=names,
        scale=float(data.get("scale", 1.0)),
        shift=float(data.get("shift", 0.0)),
    )


def parse_calibration(text: str) -> Calibration:
    """Models from their JSON form, refusing ones made for other features."""
    try:
        data = json.loads(text)
        semantic = data.get("semantic")
        return Calibration(
            lexical=_model(data["lexical"]),
            semantic=_model(semantic) if semantic is not None else None,
        )
    except CalibrationError:
        raise
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise CalibrationError(
            f"malformed calibration file ({exc}): run `python -m bench.calibrate`"
        ) from exc


def load_calibration(path: Path | None = None) -> Calibration:
    """The shipped models, or those at `path`."""
    if path is not None:
        return parse_calibration(path.read_text(encoding="utf-8"))
    shipped = resources.files("bot.data").joinpath("calibration.json")
    return parse_calibration(shipped.read_text(encoding="utf-8"))


def fit_logistic(
    rows: Sequence[Sequence[float]],
    labels: Sequence[int],
    *,
    l2: float = 0.01,
    steps: int = 3000,
    signs: Sequence[int] | None = None,
) -> tuple[tuple[float, ...], float]:
    """Weights and bias by gradient descent on the L2-regularised log loss (small data, numpy);
    `signs` (+1, -1, 0 free) keeps each weight on its side of zero."""
    x = np.asarray(rows, dtype=np.float64)
    y = np.asarray(labels, dtype=np.float64)
    weights = np.zeros(x.shape[1])
    bias = 0.0
    rate = 0.5
    for _ in range(steps):
        error = 1 / (1 + np.exp(-np.clip(x @ weights + bias, -30, 30))) - y
        weights -= rate * (x.T @ error / len(y) + l2 * weights)
        if signs is not None:
            weights = np.where(np.asarray(signs) > 0, np.maximum(weights, 0), weights)
            weights = np.where(np.asarray(signs) < 0, np.minimum(weights, 0), weights)
        bias -= rate * float(error.mean())
    return tuple(round(float(w), 4) for w in weights), round(bias, 4)
