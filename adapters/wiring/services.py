"""The core services (database, index, answering, moderation, calendar), built once per
process from settings and closed together."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
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
from bot.db.engine import Database, open_database
from bot.delivery.conversations import KnownConversations
from bot.kb.embeddings import EmbeddingStore
from bot.kb.service import KnowledgeService
from bot.kb.snapshots import IndexSnapshots, database_key
from bot.messages import ConversationRef, Suggestion
from bot.moderation.directory import ModeratorDirectory, Moderators
from bot.moderation.grouping import Similarity
from bot.moderation.queue import Moderation
from bot.questions.log import QuestionLog
from bot.settings import Settings
from knowledge.embedding import load_embedder
from knowledge.glossary import load_glossary
from knowledge.index_snapshots import SnapshotStore
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
    kept: tuple[SnapshotStore, Path] | None = None,
) -> tuple[KnowledgeService, Answerer]:
    """The search engine and answering policy over a database (also used by the benchmarks);
    `embedder` names the re-ranking model (HURIBOT_EMBEDDER; entry points pass the setting);
    `kept`, the snapshot folder and this process's working folder in it, keeps the index on
    disk between runs."""
    planner = QueryPlanner(glossary=load_glossary(glossary_path))
    model = load_embedder(embedder)
    index = TantivyIndex(planner=planner, workspace=kept[1] if kept else None)
    snapshots = (
        IndexSnapshots(store=kept[0], database=database_key(database.url), index=index)
        if kept
        else None
    )
    knowledge = KnowledgeService(
        database=database,
        index=index,
        embeddings=EmbeddingStore(database=database, embedder=model) if model else None,
        snapshots=snapshots,
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
    """Upgrade the database, open the index (unless `load_index` is false: the caller opens it
    later, or never), and close everything afterwards, saving the index when it changed.
    `moderators` (by default the configured ids) may add the platforms' moderators' channels."""
    async with AsyncExitStack() as stack:
        database = await stack.enter_async_context(open_database(settings.database_url))
        knowledge, answerer = build_answerer(
            database,
            glossary_path=settings.glossary_path,
            embedder=settings.embedder,
            kept=index_folders(settings, stack),
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
        if knowledge.opened_from is not None:
            await knowledge.save_index()


def index_folders(settings: Settings, stack: AsyncExitStack) -> tuple[SnapshotStore, Path] | None:
    """The index's snapshot folder (HURIBOT_INDEX_DIR, or beside a SQLite file) and a working
    folder of this process in it, removed when `stack` closes; None to keep no index on disk."""
    folder = settings.search_index_dir()
    if folder is None:
        return None
    store = SnapshotStore(folder)
    return store, stack.enter_context(store.work_folder())
