"""The retrieval evaluation set and a harness that runs it through the real product path."""

from __future__ import annotations

import tempfile
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import yaml

from adapters.composition import build_answerer
from bot.answering import Answerer
from bot.calibration import load_calibration
from bot.db.engine import Database
from bot.knowledge_service import KnowledgeService
from bot.messages import ConversationRef, IncomingMessage, ReplyKind
from bot.policy import AnsweringPolicy, Verdict
from bot.router import Router
from knowledge.analysis import Analyzer
from knowledge.bm25_reference import ReferenceBM25Index
from knowledge.glossary import Glossary
from knowledge.ingest.loader import load_paths, sample_knowledge_path
from knowledge.query import QueryPlanner
from knowledge.search_types import Hit

EVAL_FILE = Path(__file__).with_name("eval") / "questions.yaml"
DEPTH = 10


@dataclass(frozen=True, slots=True)
class EvalQuestion:
    """One question and what should answer it (reply id, passage phrase, nothing, small talk)."""

    question: str
    language: str
    reply: str | None = None
    phrase: str | None = None
    unanswerable: bool = False
    smalltalk: bool = False

    @property
    def answerable(self) -> bool:
        """True when something in the knowledge base answers it."""
        return self.reply is not None or self.phrase is not None

    def is_answered_by(self, hit: Hit) -> bool:
        """True when the hit is the expected reply, or a passage holding the expected phrase."""
        if self.reply is not None:
            return hit.doc.id == self.reply
        if self.phrase is not None:
            return hit.doc.kind == "passage" and self.phrase.casefold() in hit.doc.text.casefold()
        return False


def load_questions(path: Path = EVAL_FILE) -> list[EvalQuestion]:
    """The evaluation set."""
    return [EvalQuestion(**item) for item in yaml.safe_load(path.read_text(encoding="utf-8"))]


@dataclass(frozen=True, slots=True)
class Outcome:
    """How the system handled one question."""

    item: EvalQuestion
    rank: int | None
    """1-based rank of the first correct hit within the top DEPTH, None when absent."""
    kind: ReplyKind
    """What the router replied (answer, abstain, small talk...)."""
    verdict: Verdict

    @property
    def gave_kb_answer(self) -> bool:
        """True when the member got a knowledge-base answer rather than an abstention."""
        return self.kind is ReplyKind.ANSWER


@dataclass(frozen=True, slots=True)
class System:
    """A searchable, answering configuration under evaluation."""

    name: str
    answerer: Answerer
    router: Router


@asynccontextmanager
async def evaluation_systems() -> AsyncIterator[tuple[System, System]]:
    """The production engine and the plain rank-bm25 baseline over one sample database."""
    with tempfile.TemporaryDirectory() as folder:
        database = Database(url=f"sqlite:///{folder}/eval.db")
        try:
            await database.upgrade()
            knowledge, answerer = build_answerer(database)
            await knowledge.ingest(load_paths([sample_knowledge_path()]))
            baseline_knowledge = KnowledgeService(
                database=database, index=ReferenceBM25Index(analyzer=Analyzer())
            )
            await baseline_knowledge.load_index()
            plain = QueryPlanner(glossary=Glossary(()))
            baseline = Answerer(
                knowledge=baseline_knowledge,
                policy=AnsweringPolicy(planner=plain, model=load_calibration()),
            )
            yield _system("huribot", answerer), _system("rank-bm25", baseline)
        finally:
            await database.dispose()


def _system(name: str, answerer: Answerer) -> System:
    return System(name=name, answerer=answerer, router=Router(answerer=answerer))


async def run(system: System, questions: Sequence[EvalQuestion]) -> list[Outcome]:
    """Every question through search (for ranks) and the router (for what the member sees)."""
    outcomes = []
    ref = ConversationRef(platform="eval", conversation_id="eval")
    for item in questions:
        verdict = system.answerer.assess(item.question, top_k=DEPTH)
        rank = next(
            (i for i, hit in enumerate(verdict.hits, start=1) if item.is_answered_by(hit)), None
        )
        message = IncomingMessage(
            ref=ref, user_id="eval", text=item.question, received_at=datetime.now(UTC)
        )
        kind = (await system.router.handle(message))[0].kind
        outcomes.append(Outcome(item=item, rank=rank, kind=kind, verdict=verdict))
    return outcomes
