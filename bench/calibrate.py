"""Fit the answering policy's confidence models on the evaluation sets and pick their thresholds.

Both corpora (the sample, and the real documents beside the project) are used. Each of the
policy's candidate hits is a training row: label 1 when it answers the question, 0 when it does
not (every candidate of a question nothing answers is a 0). The suggest (abstain) threshold is
the highest that keeps wrong abstentions on answerable questions at or under the target; the
answer threshold is where the chosen answer is right at least `--answer-precision` of the time.
Two models are fitted: with the embedding model's similarity features (the shipped
configuration) and with lexical features only (no model installed). Held-out figures come from
k-fold cross-validation by question (`folds`), so no question is scored by a model fitted on it;
`bench.eval_retrieval` reports them. Writes `bot/data/calibration.json` unless `--dry-run`.

    python -m bench.calibrate [--dry-run]
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.evalset import Outcome, collect_all
from bot.answers.calibration import (
    DOC_KINDS,
    Calibration,
    CalibrationModel,
    Thresholds,
    fit_logistic,
)
from bot.answers.policy import Decision, choose, decision
from knowledge.features import FEATURE_NAMES, LEXICAL_FEATURES, weight_signs

CALIBRATION_FILE = Path(__file__).resolve().parent.parent / "bot" / "data" / "calibration.json"
MAX_WRONG_ABSTAIN = {"reply": 0.09, "passage": 0.05}
"""Share of answerable questions the bot may send to the Secretariat, by kind of answer. A
passage's confidence separates right from wrong less well than a reply's (long real documents,
no question written for them), so its threshold errs towards answering with alternatives,
which cite their sources, rather than making a member wait for a moderator."""
ANSWER_PRECISION = 0.85
FOLDS = 5


@dataclass(frozen=True, slots=True)
class Replay:
    """What the policy does with one question under a given model."""

    outcome: Outcome
    chosen: int | None
    """Index of the chosen candidate (None when there were no hits)."""
    confidence: float
    order: tuple[bool, ...]
    """Whether each hit answers, in the order the bot presents them (chosen first)."""
    kind: str
    """The chosen answer's kind (reply or passage)."""
    decision: Decision

    @property
    def rank(self) -> int | None:
        """1-based rank of the first hit that answers, None when none does."""
        return next((i for i, ok in enumerate(self.order, start=1) if ok), None)


def replay(model: CalibrationModel, outcome: Outcome) -> Replay:
    """Choose and score as `AnsweringPolicy.decide` does, from the recorded candidates."""
    if not outcome.candidates:
        return Replay(outcome, None, 0.0, outcome.correct, "passage", Decision.ABSTAIN)
    confidences = [model.confidence(c.features) for c in outcome.candidates]
    chosen = choose(
        [c.doc for c in outcome.candidates], confidences, language=outcome.language, model=model
    )
    correct = outcome.correct
    order = (correct[chosen], *(ok for i, ok in enumerate(correct) if i != chosen))
    kind = outcome.candidates[chosen].doc.kind
    features = outcome.candidates[chosen].features
    verdict = decision(model, kind, confidences[chosen], features, language=outcome.language)
    return Replay(outcome, chosen, confidences[chosen], order, kind, verdict)


def choose_thresholds(
    model: CalibrationModel, outcomes: Sequence[Outcome], *, answer_precision: float
) -> dict[str, Thresholds]:
    """Thresholds for each kind of answer meeting the abstention and precision targets."""
    replays = [replay(model, o) for o in outcomes]
    return {
        kind: _thresholds(
            [r for r in replays if r.kind == kind], answer_precision, MAX_WRONG_ABSTAIN[kind]
        )
        for kind in DOC_KINDS
    }


def _thresholds(
    replays: Sequence[Replay], answer_precision: float, wrong_abstain: float
) -> Thresholds:
    """The highest suggest threshold that wrongly abstains on at most `wrong_abstain` of the
    answerable questions, and the lowest answer threshold above it that is right at least
    `answer_precision` of the time."""
    answerable = sorted(r.confidence for r in replays if r.outcome.item.answerable)
    suggest = answerable[int(wrong_abstain * len(answerable))] if answerable else 0.5
    answer = max((r.confidence for r in replays), default=suggest)
    for candidate in sorted({r.confidence for r in replays if r.confidence >= suggest}):
        above = [r for r in replays if r.confidence >= candidate]
        if sum(r.rank == 1 for r in above) / len(above) >= answer_precision:
            answer = candidate
            break
    return Thresholds(
        answer=round(max(answer, suggest), 4), suggest=round(max(0.0, suggest - 1e-4), 4)
    )


def fit(
    outcomes: Sequence[Outcome],
    *,
    names: tuple[str, ...],
    answer_precision: float = ANSWER_PRECISION,
) -> CalibrationModel:
    """A model over `names` and its thresholds, from outcomes."""
    rows = [c.features.vector(names) for o in outcomes for c in o.candidates]
    labels = [int(c.correct) for o in outcomes for c in o.candidates]
    weights, bias = fit_logistic(rows, labels, signs=weight_signs(names))
    neutral = {kind: Thresholds(answer=0.5, suggest=0.5) for kind in DOC_KINDS}
    provisional = CalibrationModel(weights, bias, neutral, feature_names=names)
    chosen = [replay(provisional, o) for o in outcomes if o.candidates]
    logits = [[math.log(r.confidence / (1 - r.confidence))] for r in chosen]
    (scale,), shift = fit_logistic(logits, [int(r.rank == 1) for r in chosen], l2=0.0)
    scaled = dataclasses.replace(provisional, scale=scale, shift=shift)
    thresholds = choose_thresholds(scaled, outcomes, answer_precision=answer_precision)
    return dataclasses.replace(scaled, thresholds=thresholds)


def fold_of(outcome: Outcome, folds: int = FOLDS) -> int:
    """A question's fold, stable across runs and machines."""
    digest = hashlib.sha256(f"{outcome.corpus}\n{outcome.item.question}".encode()).digest()
    return digest[0] % folds


def held_out(
    outcomes: Sequence[Outcome], *, names: tuple[str, ...], folds: int = FOLDS
) -> list[Replay]:
    """Each question replayed under a model fitted on the other folds only."""
    scored = [o for o in outcomes if not o.item.smalltalk]
    replays: list[Replay] = []
    for k in range(folds):
        train = [o for o in scored if fold_of(o, folds) != k]
        model = fit(train, names=names)
        replays.extend(replay(model, o) for o in scored if fold_of(o, folds) == k)
    return replays


def model_names(system: str) -> tuple[str, ...]:
    """The features a system's model reads: similarity only where an embedder re-ranked."""
    return FEATURE_NAMES if system == "huribot" else LEXICAL_FEATURES


def main() -> None:
    """Fit, report, and write the calibration file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--dry-run", action="store_true")
    args = parser.parse_args()
    by_system = asyncio.run(collect_all())
    models: dict[str, CalibrationModel] = {}
    for system in ("huribot", "huribot-lexical"):
        outcomes = [o for o in by_system.get(system, []) if not o.item.smalltalk]
        if not outcomes:
            continue
        model = models[system] = fit(outcomes, names=model_names(system))
        print(f"{system}: weights {model.weights} bias {model.bias}")
        print(f"  confidence scaled by {model.scale}, shifted by {model.shift}")
        for kind, t in model.thresholds.items():
            print(f"  {kind}: answer from {t.answer}, abstain under {t.suggest}")
    calibration = Calibration(lexical=models["huribot-lexical"], semantic=models.get("huribot"))
    if not args.dry_run:
        CALIBRATION_FILE.write_text(calibration.to_json(), encoding="utf-8")
        print(f"wrote {CALIBRATION_FILE}")


if __name__ == "__main__":
    main()
