"""The core services (database, index, answering, moderation, calendar), built once per
process from settings and closed together."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from bot.answers.answerer import Answerer
from bot.answers.calibration import Calibration, load_calibration
from bot.answers.policy import AnsweringPolicy
from bot.calendar.digest_builder import DigestBuilder
from bot.calendar.scheduler import CalendarScheduler
from bot.calendar.subscriptions import Subscriptions
from bot.calendar.upcoming import CalendarLookup
from bot.chat.commands import ChatCommands
from bot.chat.intake import Intake
from bot.chat.router import Router
from bot.db.engine import Database
from bot.delivery.conversations import KnownConversations
from bot.kb.embeddings import EmbeddingStore
from bot.kb.service import KnowledgeService
from bot.messages import ConversationRef, Suggestion
from bot.moderation.directory import ModeratorDirectory, Moderators
from bot.moderation.grouping import Similarity
from bot.moderation.queue import Moderation
from bot.questions.log import QuestionLog
from bot.settings import Settings
from knowledge.embedding import load_embedder
from knowledge.glossary import load_glossary
from knowledge.query import QueryPlanner
from knowledge.tantivy_index import TantivyIndex


@dataclass(frozen=True, slots=True)
class Services:
    """Everything an entry point needs, built once."""

    settings: Settings
    database: Database
    knowledge: KnowledgeService
    answerer: Answerer
    router: Router
    intake: Intake
    moderation: Moderation
    subscriptions: Subscriptions
    commands: ChatCommands
    scheduler: CalendarScheduler
    conversations: KnownConversations


def build_answerer(
    database: Database,
    *,
    glossary_path: Path | None = None,
    embedder: str = "none",
    calibration: Calibration | None = None,
) -> tuple[KnowledgeService, Answerer]:
    """The search engine and answering policy over a database (also used by the benchmarks);
    `embedder` names the re-ranking model (HURIBOT_EMBEDDER; entry points pass the setting)."""
    planner = QueryPlanner(glossary=load_glossary(glossary_path))
    model = load_embedder(embedder)
    knowledge = KnowledgeService(
        database=database,
        index=TantivyIndex(planner=planner),
        embeddings=EmbeddingStore(database=database, embedder=model) if model else None,
    )
    calibration = calibration or load_calibration()
    policy = AnsweringPolicy(planner=planner, calibration=calibration)
    return knowledge, Answerer(knowledge=knowledge, policy=policy)


def related_replies(knowledge: KnowledgeService) -> Callable[[str], list[Suggestion]]:
    """Consolidated replies on a topic, for the links in calendar digests."""

    def find(query: str) -> list[Suggestion]:
        hits = knowledge.search(query, top_k=8)
        return [Suggestion(id=h.doc.id, title=h.doc.title) for h in hits if h.doc.kind == "reply"]

    return find


def moderators_conversations(settings: Settings) -> list[ConversationRef]:
    """Where new question groups are announced: the Slack and the Teams moderators' channels,
    whichever are set (Teams needs its service URL to be reached proactively)."""
    conversations = []
    if settings.slack_moderators_channel is not None:
        conversations.append(
            ConversationRef(platform="slack", conversation_id=settings.slack_moderators_channel)
        )
    if settings.teams_moderators_channel is not None:
        conversations.append(
            ConversationRef(
                platform="teams",
                conversation_id=settings.teams_moderators_channel,
                service_url=settings.teams_service_url,
                tenant_id=settings.teams_tenant_id,
            )
        )
    return conversations


@asynccontextmanager
async def open_services(
    settings: Settings, *, load_index: bool = True, moderators: ModeratorDirectory | None = None
) -> AsyncIterator[Services]:
    """Upgrade the database, build the index from it, and close everything afterwards.
    `moderators` (by default the configured ids) may add the platforms' moderators' channels."""
    database = Database(url=settings.database_url)
    try:
        await database.upgrade()
        knowledge, answerer = build_answerer(
            database, glossary_path=settings.glossary_path, embedder=settings.embedder
        )
        if load_index:
            await knowledge.load_index()
        router = Router(answerer=answerer, max_question_chars=settings.max_question_chars)
        moderation = Moderation(
            database=database,
            knowledge=knowledge,
            answerer=answerer,
            similarity=Similarity(planner=answerer.planner),
            moderators=moderators or Moderators(ids=settings.moderator_ids),
            moderators_conversations=moderators_conversations(settings),
        )
        intake = Intake(
            router=router,
            questions=QuestionLog(database=database, redact_contacts=settings.redact_contacts),
            moderation=moderation,
            questions_per_minute=settings.questions_per_minute,
            conversation_questions_per_minute=settings.conversation_questions_per_minute,
            lease=settings.claim_lease,
        )
        subscriptions = Subscriptions(database=database)
        commands = ChatCommands(
            subscriptions=subscriptions,
            calendar=CalendarLookup(database=database),
            moderation=moderation,
            default_timezone=settings.default_timezone,
        )
        scheduler = CalendarScheduler(
            database=database,
            builder=DigestBuilder(related=related_replies(knowledge)),
            skip_empty=settings.digest_skip_empty,
        )
        yield Services(
            settings=settings,
            database=database,
            knowledge=knowledge,
            answerer=answerer,
            router=router,
            intake=intake,
            moderation=moderation,
            subscriptions=subscriptions,
            commands=commands,
            scheduler=scheduler,
            conversations=KnownConversations(database=database),
        )
    finally:
        await database.dispose()
