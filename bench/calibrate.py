"""Fit the answering policy's confidence model on the evaluation set and pick its thresholds.

Label: 1 when one of the engine's top three hits answers the question (the bot then answers
or offers alternatives), 0 when none does or nothing could.
The suggest (abstain) threshold is the highest that keeps wrong abstentions on answerable
questions at or under the target; the answer threshold is where the best hit is right at
least `--answer-precision` of the time. A 5-fold cross-validation prints how well the fitted
model generalises. Writes `bot/data/calibration.json` unless `--dry-run`.

    python -m bench.calibrate [--dry-run]
"""

from __future__ import annotations

import argparse
import asyncio
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.evalset import evaluation_systems, load_questions, run
from bot.calibration import CalibrationModel, fit_logistic
from knowledge.features import NO_MATCH

CALIBRATION_FILE = Path(__file__).resolve().parent.parent / "bot" / "data" / "calibration.json"
MAX_WRONG_ABSTAIN = 0.08


@dataclass(frozen=True, slots=True)
class Sample:
    """One question's features, whether its best hit is right, and whether it is answerable."""

    vector: tuple[float, ...]
    top_correct: int
    answerable: bool
    in_top3: bool


async def collect() -> list[Sample]:
    """Features of every non-small-talk question, from the production engine."""
    questions = [q for q in load_questions() if not q.smalltalk]
    async with evaluation_systems() as (engine, _baseline):
        outcomes = await run(engine, questions)
    return [
        Sample(
            vector=(o.verdict.features or NO_MATCH).vector(),
            top_correct=int(o.rank == 1),
            answerable=o.item.answerable,
            in_top3=o.rank is not None and o.rank <= 3,
        )
        for o in outcomes
    ]


def choose_thresholds(
    model: CalibrationModel, samples: Sequence[Sample], *, answer_precision: float
) -> tuple[float, float]:
    """(answer, suggest) thresholds meeting the abstention and precision targets."""
    scored = [(model.confidence_of(s.vector), s) for s in samples]
    answerable = [c for c, s in scored if s.answerable]
    allowed = int(MAX_WRONG_ABSTAIN * len(answerable))
    suggest = sorted(answerable)[allowed] if answerable else 0.5
    answer = suggest
    for candidate in sorted({c for c, _ in scored if c >= suggest}):
        above = [s for c, s in scored if c >= candidate]
        if above and sum(s.top_correct for s in above) / len(above) >= answer_precision:
            answer = candidate
            break
    return round(answer, 4), round(max(0.0, suggest - 1e-4), 4)


def fit(samples: Sequence[Sample], *, answer_precision: float) -> CalibrationModel:
    """Model and thresholds from samples."""
    weights, bias = fit_logistic([s.vector for s in samples], [int(s.in_top3) for s in samples])
    provisional = CalibrationModel(weights, bias, 0.5, 0.5)
    answer, suggest = choose_thresholds(provisional, samples, answer_precision=answer_precision)
    return CalibrationModel(weights, bias, answer_threshold=answer, suggest_threshold=suggest)


def evaluate(model: CalibrationModel, samples: Sequence[Sample]) -> tuple[float, float]:
    """(abstain rate on unanswerable, wrong-abstain rate on answerable)."""
    unanswerable = [s for s in samples if not s.answerable]
    answerable = [s for s in samples if s.answerable]
    abstains = lambda s: model.confidence_of(s.vector) < model.suggest_threshold  # noqa: E731
    return (
        sum(map(abstains, unanswerable)) / max(1, len(unanswerable)),
        sum(map(abstains, answerable)) / max(1, len(answerable)),
    )


def cross_validate(samples: Sequence[Sample], *, answer_precision: float, folds: int = 5) -> None:
    """Print held-out abstention figures, so the in-sample fit is not mistaken for quality."""
    shuffled = list(samples)
    random.Random(5).shuffle(shuffled)
    rates = []
    for k in range(folds):
        held = shuffled[k::folds]
        train = [s for i, s in enumerate(shuffled) if i % folds != k]
        rates.append(evaluate(fit(train, answer_precision=answer_precision), held))
    recall = sum(r[0] for r in rates) / folds
    wrong = sum(r[1] for r in rates) / folds
    print(f"{folds}-fold held-out: abstain on unanswerable {recall:.3f}, wrong abstain {wrong:.3f}")


def main() -> None:
    """Fit, report, and write the calibration file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--dry-run", action="store_true")
    parser.add_argument("--answer-precision", type=float, default=0.9)
    args = parser.parse_args()
    samples = asyncio.run(collect())
    model = fit(samples, answer_precision=args.answer_precision)
    recall, wrong = evaluate(model, samples)
    print(f"weights {model.weights} bias {model.bias}")
    print(f"thresholds: answer {model.answer_threshold}, suggest {model.suggest_threshold}")
    print(f"in-sample: abstain on unanswerable {recall:.3f}, wrong abstain {wrong:.3f}")
    cross_validate(samples, answer_precision=args.answer_precision)
    if not args.dry_run:
        CALIBRATION_FILE.write_text(model.to_json(), encoding="utf-8")
        print(f"wrote {CALIBRATION_FILE}")


if __name__ == "__main__":
    main()
