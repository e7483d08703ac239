"""The cost of one question inside the bot: CPU per question through the whole answer path.

A knowledge base of `--passages` passages (the shipped sample plus synthetic guidance) goes
into a temporary SQLite database (or a fresh PostgreSQL schema); then `--questions` real
questions (bench/eval, sample and real-documents sets in turn, each from its own member so no
rate limit applies) are each stored (`Intake.receive`, as an adapter does before
acknowledging) and answered (`Intake.answer`: claim, flood check, search, policy, posting to an
in-memory channel, the outcome logged, an abstention handed to the moderators' queue). Platform
work (HTTP, Block Kit) is left out: `bench.bench_slack` measures it.

The process's CPU time (all threads: the SQLite driver's too) is read around each question.
In the same run, the same questions through `Answerer.answer` alone (search and policy, no
database) are the reference: the difference is what storing and logging a question costs.

    PYTHONPATH=. python -m bench.bench_question [--passages 10000] [--questions 300] [--json]
        [--postgres URL]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import tempfile
import time
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from adapters.cli.serve import freeze_long_lived
from adapters.logs import configure_logging
from adapters.wiring.services import Services, open_services
from bench.evalset import REAL_DOCUMENTS_FILE, load_questions
from bench.knowledge_base import build_knowledge
from bench.loopback import cpu_seconds, database_url
from bot.messages import ConversationRef, IncomingMessage
from bot.settings import load_settings
from tests.fakes.chat import MemoryChannel
from tests.statements import statements

AIM_CPU_MS = 2.0
"""Issue #17: the in-process answer path at 10k passages, without re-ranking."""
WARMUP = 20


def question_texts(count: int) -> list[str]:
    """`count` real questions, the two evaluation sets in turn."""
    texts = [q.question for q in load_questions()]
    texts += [q.question for q in load_questions(REAL_DOCUMENTS_FILE)]
    return list(itertools.islice(itertools.cycle(texts), count))


def message(number: int, text: str) -> IncomingMessage:
    """Question `number`, from its own member in a conversation of its own."""
    ref = ConversationRef(platform="slack", conversation_id=f"C{number:08d}", thread_id="1.0")
    return IncomingMessage(
        ref=ref, user_id=f"U{number:08d}", text=text, received_at=datetime.now(UTC)
    )


async def cpu_ms_each(calls: Sequence[Callable[[], Awaitable[object]]]) -> list[float]:
    """The process's CPU milliseconds spent in each call, one after the other."""
    spent = []
    for call in calls:
        before = cpu_seconds()
        await call()
        spent.append((cpu_seconds() - before) * 1000)
    return spent


async def whole_path(services: Services, texts: Sequence[str], first: int) -> list[float]:
    """Stored, then answered, as a platform's question is."""
    intake = services.intake

    def one(number: int, text: str) -> Callable[[], Awaitable[object]]:
        async def run() -> None:
            incoming = message(number, text)
            received = await intake.receive(incoming, event_key=f"bench:{number}")
            assert received is not None
            await intake.answer(received, MemoryChannel(incoming.ref))

        return run

    return await cpu_ms_each([one(first + n, text) for n, text in enumerate(texts)])


async def answering_alone(services: Services, texts: Sequence[str]) -> list[float]:
    """Search and policy only: the reference."""
    answerer = services.answerer

    def one(text: str) -> Callable[[], Awaitable[object]]:
        return lambda: answerer.answer(text)

    return await cpu_ms_each([one(text) for text in texts])


def summary(spent: Sequence[float]) -> dict[str, float]:
    values = np.asarray(spent)
    return {
        "mean": round(float(values.mean()), 2),
        "p50": round(float(np.percentile(values, 50)), 2),
        "p99": round(float(np.percentile(values, 99)), 2),
    }


async def benchmark(options: dict[str, Any]) -> dict[str, Any]:
    """Build, warm up, measure both paths over the same questions."""
    with (
        tempfile.TemporaryDirectory() as folder,
        database_url(options["postgres"], Path(folder)) as url,
    ):
        settings = load_settings({"HURIBOT_DATABASE_URL": url, "HURIBOT_EMBEDDER": "none"})
        configure_logging(
            level=settings.log_level, fmt=settings.log_format, secrets=settings.secret_values()
        )
        async with open_services(settings) as services:
            knowledge = await build_knowledge(services, options["passages"])
            freeze_long_lived()  # as `huribot serve` does once set up
            texts = question_texts(options["questions"])
            await whole_path(services, question_texts(WARMUP), first=0)
            services.answerer.planner.forget()  # each path analyses each question afresh
            reference = await answering_alone(services, texts)
            services.answerer.planner.forget()
            with statements(services.database) as sent:
                started = time.perf_counter()
                spent = await whole_path(services, texts, first=WARMUP)
                wall = time.perf_counter() - started
    whole, alone = summary(spent), summary(reference)
    return {
        "database": "postgresql" if options["postgres"] else "sqlite",
        "knowledge": knowledge,
        "questions": len(texts),
        "cpu_ms": {"whole_path": whole, "answering_alone": alone},
        "ratio_mean": round(whole["mean"] / alone["mean"], 2) if alone["mean"] else None,
        "statements_per_question": round(len(sent) / len(texts), 2),
        "questions_per_s": round(len(texts) / wall, 1),
        "aim_met": whole["mean"] <= AIM_CPU_MS,
    }


def describe(figures: dict[str, Any]) -> str:
    """A readable summary."""
    whole, alone = figures["cpu_ms"]["whole_path"], figures["cpu_ms"]["answering_alone"]
    kb = figures["knowledge"]
    return "\n".join(
        [
            f"HuriBot question cost: {figures['questions']} questions, {figures['database']}, "
            f"{kb['passages']:,} passages + {kb['replies']} replies (built in {kb['build_s']} s)",
            f"  whole path       CPU mean {whole['mean']} ms  p50 {whole['p50']} ms  "
            f"p99 {whole['p99']} ms   aim mean <= {AIM_CPU_MS:g} ms: "
            f"{'met' if figures['aim_met'] else 'MISSED'}",
            f"  answering alone  CPU mean {alone['mean']} ms  p50 {alone['p50']} ms  "
            f"p99 {alone['p99']} ms   (reference, same run)",
            f"  ratio            {figures['ratio_mean']}x the reference (mean)",
            f"  database         {figures['statements_per_question']} statements per question",
            f"  throughput       {figures['questions_per_s']} questions/s, one at a time",
        ]
    )


def main(argv: Sequence[str] | None = None) -> None:
    """Parse the options, run once, print the figures."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--passages", type=int, default=10_000)
    parser.add_argument("--questions", type=int, default=300)
    parser.add_argument("--json", action="store_true", help="one JSON object")
    parser.add_argument(
        "--postgres", metavar="URL", help="use this PostgreSQL (a fresh schema) instead of SQLite"
    )
    args = parser.parse_args(argv)
    figures = asyncio.run(benchmark(vars(args)))
    print(json.dumps(figures) if args.json else describe(figures))


if __name__ == "__main__":
    main()
