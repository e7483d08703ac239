"""Retrieval and answering quality, held out: HuriBot (re-ranked by meaning, and lexical only)
against plain rank-bm25, on the sample corpus and on real UN documents, in one run.

Each question is decided by a confidence model fitted on the other folds only (k-fold by
question, see `bench.calibrate`), so the abstention figures are what new questions can
expect. Prints hit@1, hit@3 and MRR by language, how often the bot abstains when nothing
answers and when something does, and small-talk handling, one table per corpus.

    python -m bench.eval_retrieval [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
from collections.abc import Sequence
from typing import Any

from bench.calibrate import Replay, held_out, model_names
from bench.evalset import Outcome, collect_all
from bot.answers.policy import Decision

LANGUAGES = ("en", "fr", "es")


def ranking_metrics(replays: Sequence[Replay]) -> dict[str, float]:
    """hit@1, hit@3 and MRR over answerable questions, in the order the bot presents hits."""
    answerable = [r for r in replays if r.outcome.item.answerable]
    if not answerable:
        return {"n": 0, "hit@1": 0.0, "hit@3": 0.0, "mrr": 0.0}
    n = len(answerable)
    ranks = [r.rank for r in answerable]
    return {
        "n": n,
        "hit@1": round(sum(rank == 1 for rank in ranks) / n, 3),
        "hit@3": round(sum(rank is not None and rank <= 3 for rank in ranks) / n, 3),
        "mrr": round(sum(1 / rank for rank in ranks if rank) / n, 3),
    }


def abstention_metrics(replays: Sequence[Replay], smalltalk: Sequence[Outcome]) -> dict[str, float]:
    """How often the bot says it does not know when it should, and only then."""

    def abstained(replayed: Replay) -> bool:
        return replayed.decision is Decision.ABSTAIN

    unanswerable = [r for r in replays if r.outcome.item.unanswerable]
    answerable = [r for r in replays if r.outcome.item.answerable]
    silent = [r for r in replays if abstained(r)]
    metrics = {
        "abstain_on_unanswerable": round(
            sum(map(abstained, unanswerable)) / max(1, len(unanswerable)), 3
        ),
        "wrong_abstain_on_answerable": round(
            sum(map(abstained, answerable)) / max(1, len(answerable)), 3
        ),
        "abstention_precision": round(
            sum(r.outcome.item.unanswerable for r in silent) / max(1, len(silent)), 3
        ),
    }
    if smalltalk:
        handled = sum(o.kind.value == "smalltalk" for o in smalltalk)
        metrics["smalltalk_handled"] = round(handled / len(smalltalk), 3)
    return metrics


def report(system: str, outcomes: Sequence[Outcome]) -> dict[str, dict[str, Any]]:
    """Held-out metrics of one system, per corpus."""
    names = model_names(system)
    replays = held_out(outcomes, names=names)
    results: dict[str, dict[str, Any]] = {}
    for corpus in dict.fromkeys(o.corpus for o in outcomes):
        mine = [r for r in replays if r.outcome.corpus == corpus]
        by_language = {
            lang: ranking_metrics([r for r in mine if r.outcome.item.language == lang])
            for lang in LANGUAGES
        }
        by_language["fr+es"] = ranking_metrics([r for r in mine if r.outcome.item.language != "en"])
        by_language["all"] = ranking_metrics(mine)
        smalltalk = [o for o in outcomes if o.corpus == corpus and o.item.smalltalk]
        results[corpus] = {
            "ranking": by_language,
            "abstention": abstention_metrics(mine, smalltalk),
        }
    return results


def render(corpus: str, results: dict[str, dict[str, dict[str, Any]]]) -> str:
    """One table for a corpus, a column per system."""
    systems = list(results)
    width = 16
    lines = [f"== {corpus} (held-out, {', '.join(systems)})"]
    lines.append(f"{'':<30}" + "".join(f"{name:>{width}}" for name in systems))
    first = results[systems[0]][corpus]
    for lang in first["ranking"]:
        n = first["ranking"][lang]["n"]
        for metric in ("hit@1", "hit@3", "mrr"):
            label = f"{metric} {lang} ({n})"
            row = "".join(
                f"{results[s][corpus]['ranking'][lang][metric]:>{width}}" for s in systems
            )
            lines.append(f"{label:<30}{row}")
    for key in first["abstention"]:
        row = "".join(f"{results[s][corpus]['abstention'][key]:>{width}}" for s in systems)
        lines.append(f"{key:<30}{row}")
    return "\n".join(lines)


async def evaluate() -> dict[str, dict[str, dict[str, Any]]]:
    """Results by system, then corpus."""
    by_system = await collect_all()
    return {system: report(system, outcomes) for system, outcomes in by_system.items()}


def main() -> None:
    """Print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    results = asyncio.run(evaluate())
    if args.json:
        print(json.dumps(results))
        return
    corpora = list(next(iter(results.values())))
    for corpus in corpora:
        print(render(corpus, results))
        print()


if __name__ == "__main__":
    main()
