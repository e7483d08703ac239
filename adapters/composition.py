"""The composition root: the one place that wires settings, database, index and core services."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from bot.answering import Answerer
from bot.db.engine import Database
from bot.knowledge_service import KnowledgeService
from bot.policy import AnsweringPolicy
from bot.router import Router
from bot.settings import Settings
from knowledge.analysis import Analyzer
from knowledge.bm25_reference import ReferenceBM25Index


@dataclass(frozen=True, slots=True)
class Services:
    """Everything an entry point needs, built once."""

    settings: Settings
    database: Database
    knowledge: KnowledgeService
    answerer: Answerer
    router: Router


@asynccontextmanager
async def open_services(settings: Settings, *, load_index: bool = True) -> AsyncIterator[Services]:
    """Upgrade the database, build the index from it, and close everything afterwards."""
    database = Database(url=settings.database_url)
    try:
        await database.upgrade()
        analyzer = Analyzer()
        knowledge = KnowledgeService(database=database, index=ReferenceBM25Index(analyzer=analyzer))
        if load_index:
            await knowledge.load_index()
        answerer = Answerer(knowledge=knowledge, policy=AnsweringPolicy(analyzer=analyzer))
        router = Router(answerer=answerer, max_question_chars=settings.max_question_chars)
        yield Services(
            settings=settings,
            database=database,
            knowledge=knowledge,
            answerer=answerer,
            router=router,
        )
    finally:
        await database.dispose()
