"""The retrieval evaluation set and a harness that runs it through the real product path."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import structlog
import yaml

from adapters.wiring.services import build_answerer
from bot.answers.answerer import CANDIDATES, Answerer
from bot.answers.calibration import Calibration, load_calibration
from bot.answers.policy import AnsweringPolicy
from bot.chat.router import Router
from bot.db.engine import Database
from bot.kb.service import KnowledgeService
from bot.messages import ConversationRef, IncomingMessage, ReplyKind
from knowledge.analysis import Analyzer
from knowledge.bm25_reference import ReferenceBM25Index
from knowledge.embedder_choice import embedder_installed
from knowledge.features import MatchFeatures
from knowledge.glossary import Glossary
from knowledge.ingest.loader import load_paths, sample_knowledge_path
from knowledge.query import QueryPlanner
from knowledge.search_types import Hit, SearchDoc

EVAL_FOLDER = Path(__file__).with_name("eval")
EVAL_FILE = EVAL_FOLDER / "questions.yaml"
REAL_DOCUMENTS_FILE = EVAL_FOLDER / "real_documents.yaml"
REAL_DOCUMENTS = Path(__file__).resolve().parents[2] / "shared" / "eval-documents"
"""Real UN documents the project did not write, kept beside the project (`../shared/`)."""
DEPTH = 10
CACHE = Path(__file__).with_name(".cache")
"""Evaluation databases, kept between runs so embeddings are computed once (a re-import of
unchanged files changes nothing)."""


@dataclass(frozen=True, slots=True)
class Corpus:
    """A knowledge base to evaluate on: the sample, plus documents, with questions over it."""

    name: str
    questions_file: Path
    extra_documents: tuple[Path, ...] = ()

    def knowledge_paths(self) -> list[Path]:
        """What is ingested: the sample knowledge base and the corpus's own documents."""
        return [sample_knowledge_path(), *self.extra_documents]


def corpora(real_documents: Path = REAL_DOCUMENTS) -> tuple[Corpus, ...]:
    """The sample corpus, and the real documents next to the sample (their .txt files)."""
    documents = tuple(sorted(real_documents.glob("*.txt")))
    return (
        Corpus("sample", EVAL_FILE),
        Corpus("real-documents", REAL_DOCUMENTS_FILE, documents),
    )


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
            return hit.doc.kind == "passage" and _plain(self.phrase) in _plain(hit.doc.text)
        return False


def _plain(text: str) -> str:
    """Case and runs of white space ignored (a phrase may cross a line break)."""
    return " ".join(text.casefold().split())


def load_questions(path: Path = EVAL_FILE) -> list[EvalQuestion]:
    """The evaluation set."""
    return [EvalQuestion(**item) for item in yaml.safe_load(path.read_text(encoding="utf-8"))]


@dataclass(frozen=True, slots=True)
class Candidate:
    """One of the hits the policy chooses the answer from, with what the model reads."""

    doc: SearchDoc
    features: MatchFeatures
    correct: bool


@dataclass(frozen=True, slots=True)
class Outcome:
    """How a system handled one question, with everything needed to replay the policy under
    another confidence model (so held-out figures need no second search)."""

    item: EvalQuestion
    corpus: str
    language: str
    """The language the bot read the question in."""
    correct: tuple[bool, ...]
    """For each hit, best first (at most DEPTH), whether it answers the question."""
    candidates: tuple[Candidate, ...]
    kind: ReplyKind
    """What the router replied with the shipped model (answer, abstain, small talk...)."""


@dataclass(frozen=True, slots=True)
class System:
    """A searchable, answering configuration under evaluation."""

    name: str
    answerer: Answerer
    knowledge: KnowledgeService
    router: Router
    policy: AnsweringPolicy


@asynccontextmanager
async def evaluation_systems(
    corpus: Corpus | None = None, *, calibration: Calibration | None = None
) -> AsyncIterator[tuple[System, ...]]:
    """Over one database of `corpus` (the sample when None): HuriBot as shipped (re-ranked by
    meaning when the model is installed), HuriBot with lexical search only, and plain
    rank-bm25 with no glossary."""
    paths = corpus.knowledge_paths() if corpus is not None else [sample_knowledge_path()]
    calibration = calibration or load_calibration()
    CACHE.mkdir(exist_ok=True)
    name = corpus.name if corpus is not None else "sample"
    database = Database(url=f"sqlite:///{CACHE / f'eval-{name}.db'}")
    try:
        await database.upgrade()
        knowledge, answerer = build_answerer(database, embedder="auto", calibration=calibration)
        await knowledge.load_index()
        await knowledge.ingest(load_paths(paths), prune=True)
        lexical_knowledge, lexical = build_answerer(
            database, embedder="none", calibration=calibration
        )
        await lexical_knowledge.load_index()
        baseline_knowledge = KnowledgeService(
            database=database, index=ReferenceBM25Index(analyzer=Analyzer())
        )
        await baseline_knowledge.load_index()
        plain = QueryPlanner(glossary=Glossary(()))
        baseline = Answerer(
            knowledge=baseline_knowledge,
            policy=AnsweringPolicy(planner=plain, calibration=calibration),
        )
        systems = [("huribot", answerer)] if embedder_installed() else []
        systems.append(("huribot-lexical", lexical))
        yield tuple(_system(label, a) for label, a in [*systems, ("rank-bm25", baseline)])
    finally:
        await database.dispose()


def _system(name: str, answerer: Answerer) -> System:
    return System(
        name=name,
        answerer=answerer,
        knowledge=answerer.knowledge,
        router=Router(answerer=answerer),
        policy=answerer.policy,
    )


async def run(
    system: System, questions: Sequence[EvalQuestion], *, corpus: str = ""
) -> list[Outcome]:
    """Every question through search and the policy's features (for ranks and held-out
    decisions) and through the router (for what the member sees with the shipped model)."""
    outcomes = []
    ref = ConversationRef(platform="eval", conversation_id="eval")
    index = system.knowledge.index
    for item in questions:
        hits = system.knowledge.search(item.question, top_k=DEPTH)
        plan = system.policy.planner.plan(item.question)
        features = system.policy.candidate_features(plan, hits[:CANDIDATES], index=index)
        candidates = tuple(
            Candidate(doc=hit.doc, features=found, correct=item.is_answered_by(hit))
            for hit, found in zip(hits, features, strict=False)
        )
        message = IncomingMessage(
            ref=ref, user_id="eval", text=item.question, received_at=datetime.now(UTC)
        )
        kind = (await system.router.handle(message))[0].kind
        outcomes.append(
            Outcome(
                item=item,
                corpus=corpus,
                language=plan.language,
                correct=tuple(item.is_answered_by(hit) for hit in hits),
                candidates=candidates,
                kind=kind,
            )
        )
    return outcomes


async def collect_all(
    corpus_list: Sequence[Corpus] | None = None, *, calibration: Calibration | None = None
) -> dict[str, list[Outcome]]:
    """Every corpus's questions through every system: outcomes by system name."""
    quiet_logs()
    by_system: dict[str, list[Outcome]] = {}
    for corpus in corpus_list or corpora():
        questions = load_questions(corpus.questions_file)
        async with evaluation_systems(corpus, calibration=calibration) as systems:
            for system in systems:
                outcomes = await run(system, questions, corpus=corpus.name)
                by_system.setdefault(system.name, []).extend(outcomes)
    return by_system


def quiet_logs() -> None:
    """Benchmarks print tables; the product's info logs would drown them."""
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
