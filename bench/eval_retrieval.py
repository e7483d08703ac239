"""Retrieval quality on the evaluation set: HuriBot's engine and policy against rank-bm25.

Prints hit@1, hit@3 and MRR by language, abstention precision and recall, and small-talk
handling, for both systems in one run.

    python -m bench.eval_retrieval [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
from collections.abc import Sequence
from typing import Any

from bench.evalset import Outcome, evaluation_systems, load_questions, run

LANGUAGES = ("en", "fr", "es")


def ranking_metrics(outcomes: Sequence[Outcome]) -> dict[str, float]:
    """hit@1, hit@3 and MRR over answerable questions."""
    answerable = [o for o in outcomes if o.item.answerable]
    if not answerable:
        return {"n": 0, "hit@1": 0.0, "hit@3": 0.0, "mrr": 0.0}
    n = len(answerable)
    return {
        "n": n,
        "hit@1": round(sum(o.rank == 1 for o in answerable) / n, 3),
        "hit@3": round(sum(o.rank is not None and o.rank <= 3 for o in answerable) / n, 3),
        "mrr": round(sum(1 / o.rank for o in answerable if o.rank) / n, 3),
    }


def abstention_metrics(outcomes: Sequence[Outcome]) -> dict[str, float]:
    """How often the bot stays silent when it should, and only then."""
    unanswerable = [o for o in outcomes if o.item.unanswerable]
    answerable = [o for o in outcomes if o.item.answerable]
    abstained = [o for o in outcomes if not o.item.smalltalk and not o.gave_kb_answer]
    correct = [o for o in abstained if o.item.unanswerable]
    smalltalk = [o for o in outcomes if o.item.smalltalk]
    return {
        "abstain_on_unanswerable": round(len(correct) / max(1, len(unanswerable)), 3),
        "wrong_abstain_on_answerable": round(
            sum(not o.gave_kb_answer for o in answerable) / max(1, len(answerable)), 3
        ),
        "abstention_precision": round(len(correct) / max(1, len(abstained)), 3),
        "smalltalk_handled": round(
            sum(o.kind.value == "smalltalk" for o in smalltalk) / max(1, len(smalltalk)), 3
        ),
    }


def report(outcomes: Sequence[Outcome]) -> dict[str, Any]:
    """All metrics for one system."""
    by_language = {
        lang: ranking_metrics([o for o in outcomes if o.item.language == lang])
        for lang in LANGUAGES
    }
    by_language["fr+es"] = ranking_metrics([o for o in outcomes if o.item.language != "en"])
    by_language["all"] = ranking_metrics(outcomes)
    return {"ranking": by_language, "abstention": abstention_metrics(outcomes)}


def render(name: str, result: dict[str, Any]) -> str:
    """A readable table for one system."""
    lines = [f"== {name}", f"{'language':<8} {'n':>4} {'hit@1':>6} {'hit@3':>6} {'MRR':>6}"]
    for lang, m in result["ranking"].items():
        lines.append(f"{lang:<8} {m['n']:>4} {m['hit@1']:>6} {m['hit@3']:>6} {m['mrr']:>6}")
    for key, value in result["abstention"].items():
        lines.append(f"{key:<30} {value}")
    return "\n".join(lines)


async def evaluate() -> dict[str, dict[str, Any]]:
    """Run the set through both systems."""
    questions = load_questions()
    async with evaluation_systems() as systems:
        return {system.name: report(await run(system, questions)) for system in systems}


def main() -> None:
    """Print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    results = asyncio.run(evaluate())
    if args.json:
        print(json.dumps(results))
        return
    for name, result in results.items():
        print(render(name, result))
        print()


if __name__ == "__main__":
    main()
