"""Storing batches and keeping the index in step, on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from bot.db.audit import audit_trail
from bot.db.engine import Database
from bot.db.models import ConsolidatedReply, KnowledgeChange, Passage
from bot.kb.queries import UnknownItemError, get_reply
from bot.kb.service import KnowledgeService
from bot.kb.store import store_batch
from knowledge.bm25_reference import ReferenceBM25Index
from knowledge.records import IngestBatch, PassageRecord, ReplyStatus, SourceLink
from tests.corpus import GUIDE, HRBA_REPLY, SMALL_BATCH, UPR_REPLY
from tests.statements import statements

WHEN = datetime(2026, 11, 27, tzinfo=UTC)


def ids(service: KnowledgeService, query: str) -> list[str]:
    return [hit.doc.id for hit in service.search(query, top_k=10)]


@pytest.fixture
def service(database: Database) -> KnowledgeService:
    return KnowledgeService(database=database, index=ReferenceBM25Index())


async def test_ingest_stores_everything_and_indexes_published_items(
    service: KnowledgeService,
) -> None:
    report = await service.ingest(SMALL_BATCH)
    assert sorted(report.replies.added) == ["draft-wifi", "hrba-programming", "upr-unct-submission"]
    assert report.documents.added == ["guide-visits"]
    assert ids(service, "UNCT submission universal periodic review")[0] == "upr-unct-submission"
    assert ids(service, "terms of reference mandate holder")[0] == "guide-visits#0"
    assert "draft-wifi" not in ids(service, "office wifi")
    assert service.index.stats().replies == 2
    assert service.index.stats().passages == 2


async def test_reingesting_unchanged_items_changes_nothing(service: KnowledgeService) -> None:
    await service.ingest(SMALL_BATCH)
    report = await service.ingest(SMALL_BATCH)
    assert report.replies.changed() == []
    assert report.documents.changed() == []
    assert len(report.replies.unchanged) == 3


async def test_changed_document_replaces_its_passages(
    service: KnowledgeService, database: Database
) -> None:
    await service.ingest(SMALL_BATCH)
    shorter = dataclasses.replace(
        GUIDE,
        content_hash="hash-v2",
        passages=(
            PassageRecord(position=0, heading_path=("Only",), text="Brand new briefing text."),
        ),
    )
    report = await service.ingest(IngestBatch(documents=(shorter,)))
    assert report.documents.updated == ["guide-visits"]
    async with database.sessions() as session:
        texts = (await session.scalars(select(Passage.text))).all()
    assert texts == ["Brand new briefing text."]
    assert ids(service, "briefing") == ["guide-visits#0"]
    assert "guide-visits#1" not in ids(service, "national mechanism implementation follow-up")


async def test_changed_reply_is_updated_in_place_and_reindexed(service: KnowledgeService) -> None:
    await service.ingest(SMALL_BATCH)
    edited = dataclasses.replace(HRBA_REPLY, answer_md="Participation and accountability matter.")
    report = await service.ingest(IngestBatch(replies=(edited,)))
    assert report.replies.updated == ["hrba-programming"]
    assert ids(service, "accountability participation")[0] == "hrba-programming"


async def test_failed_batch_stores_nothing(service: KnowledgeService, database: Database) -> None:
    clashing = dataclasses.replace(
        GUIDE, slug="clashing", passages=(GUIDE.passages[0], GUIDE.passages[0])
    )
    batch = IngestBatch(replies=(UPR_REPLY,), documents=(GUIDE, clashing))
    with pytest.raises(IntegrityError):
        await service.ingest(batch)
    async with database.sessions() as session:
        assert await session.scalar(select(func.count(ConsolidatedReply.id))) == 0
        assert await session.scalar(select(func.count(Passage.id))) == 0


async def test_retired_reply_leaves_search_but_stays_on_record(
    service: KnowledgeService, database: Database
) -> None:
    await service.ingest(SMALL_BATCH)
    await service.retire("upr-unct-submission", actor="cli:amina", now=WHEN)
    assert "upr-unct-submission" not in ids(service, "universal periodic review submission")
    async with database.sessions() as session:
        reply = await get_reply(session, "upr-unct-submission")
        trail = await audit_trail(session, target="reply:upr-unct-submission")
    assert reply.status == ReplyStatus.RETIRED.value
    assert sorted((e.actor, e.action, e.after) for e in trail) == [
        ("cli:amina", "retire", {"version": 2, "status": "retired"}),
        ("import", "create", {"version": 1, "status": "published"}),
    ]


async def test_retiring_an_unknown_reply_says_so(service: KnowledgeService) -> None:
    with pytest.raises(UnknownItemError, match="no-such-reply"):
        await service.retire("no-such-reply", actor="cli:amina", now=WHEN)


async def test_index_is_rebuilt_from_the_database(database: Database) -> None:
    await KnowledgeService(database=database, index=ReferenceBM25Index()).ingest(SMALL_BATCH)
    fresh = KnowledgeService(database=database, index=ReferenceBM25Index())
    assert await fresh.load_index() == 4
    assert ids(fresh, "human rights-based approach")[0] == "hrba-programming"
    meta = await fresh.reply_meta("hrba-programming")
    assert meta.sources == (
        {"title": "UNSDG HRBA portal", "url": "https://unsdg.un.org/2030-agenda/hrba"},
    )
    assert meta.review_by is None


async def test_another_process_sees_changes_after_sync(database: Database) -> None:
    def engine() -> KnowledgeService:
        return KnowledgeService(database=database, index=ReferenceBM25Index())

    first, second = engine(), engine()
    await first.ingest(IngestBatch(replies=(UPR_REPLY,), documents=(GUIDE,)))
    await second.load_index()
    assert not await second.sync()

    await first.ingest(IngestBatch(replies=(HRBA_REPLY,)))
    assert not await first.sync()  # its own change is already in its index
    assert "hrba-programming" not in ids(second, "human rights-based approach")
    assert await second.sync()
    assert ids(second, "human rights-based approach")[0] == "hrba-programming"

    await first.retire("hrba-programming", actor="cli:amina", now=WHEN)
    assert await second.sync()
    assert "hrba-programming" not in ids(second, "human rights-based approach")


async def test_another_process_updates_its_index_item_by_item_never_rebuilding(
    database: Database,
) -> None:
    first = KnowledgeService(database=database, index=ReferenceBM25Index())
    second = KnowledgeService(database=database, index=ReferenceBM25Index())
    await first.ingest(SMALL_BATCH)
    await second.load_index()
    index = second.index

    shorter = dataclasses.replace(
        GUIDE,
        content_hash="hash-v2",
        passages=(
            PassageRecord(position=0, heading_path=(), text="Debriefing notes go to the donors."),
        ),
    )
    await first.ingest(IngestBatch(documents=(shorter,)))
    assert await second.sync()
    assert second.index is index  # updated in place
    assert second.index.stats().passages == 1  # the old second passage is gone
    assert "guide-visits#1" not in ids(second, "terms of reference mandate holder")
    assert ids(second, "debriefing notes donors")[:1] == ["guide-visits#0"]


async def test_a_change_committed_after_a_later_one_is_still_applied(database: Database) -> None:
    """Two replicas' transactions: the one holding the smaller id commits last."""
    first = KnowledgeService(database=database, index=ReferenceBM25Index())
    second = KnowledgeService(database=database, index=ReferenceBM25Index())
    await first.ingest(IngestBatch(replies=(UPR_REPLY,), documents=(GUIDE,)))
    await second.load_index()
    async with database.transaction() as session:
        newest = await session.scalar(select(func.max(KnowledgeChange.id)))
    assert newest is not None
    late, early = newest + 2, newest + 10
    async with database.transaction() as session:  # the later id commits first
        session.add(KnowledgeChange(id=early, kind="reply", item=UPR_REPLY.slug, at=WHEN))
    assert await second.sync()
    async with database.transaction() as session:  # then the earlier one, with a new reply
        await store_batch(session, IngestBatch(replies=(HRBA_REPLY,)))
        session.add(KnowledgeChange(id=late, kind="reply", item=HRBA_REPLY.slug, at=WHEN))
    assert await second.sync()
    assert ids(second, "human rights-based approach")[0] == "hrba-programming"
    assert not await second.sync()


async def test_prune_keeps_replies_that_came_from_no_file(
    service: KnowledgeService, database: Database
) -> None:
    from_file = dataclasses.replace(UPR_REPLY, origin="replies/upr.md")
    moderated = dataclasses.replace(HRBA_REPLY, origin="moderation:group:7")
    await service.ingest(IngestBatch(replies=(from_file, moderated)))
    report = await service.ingest(IngestBatch(files=("replies/other.md",)), prune=True)
    assert report.replies.withdrawn == ["upr-unct-submission"]
    async with database.sessions() as session:
        assert (await get_reply(session, "hrba-programming")).status == "published"
        assert (await get_reply(session, "upr-unct-submission")).status == "retired"
    assert "upr-unct-submission" not in ids(service, "UNCT submission universal periodic review")


async def test_a_preview_reports_what_ingest_would_change_and_writes_nothing(
    service: KnowledgeService, database: Database
) -> None:
    preview = await service.preview(SMALL_BATCH)
    assert sorted(preview.replies.added) == [
        "draft-wifi",
        "hrba-programming",
        "upr-unct-submission",
    ]
    async with database.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(ConsolidatedReply)) == 0
    assert service.index.stats().replies == 0
    report = await service.ingest(SMALL_BATCH, actor="teams:a", audit_as_import=True)
    assert report.replies.added == preview.replies.added
    async with database.sessions() as session:
        [audited] = await audit_trail(session, target="knowledge")
    assert (audited.actor, audited.action) == ("teams:a", "ingest")
    assert audited.after is not None and audited.after["replies_added"] == 3


async def test_a_cited_replys_sources_are_read_once_and_follow_its_changes(
    database: Database,
) -> None:
    """Answers read a reply's sources from memory; a change made by another process reaches
    them through the change log, as it reaches the index."""
    first = KnowledgeService(database=database, index=ReferenceBM25Index())
    second = KnowledgeService(database=database, index=ReferenceBM25Index())
    await first.ingest(IngestBatch(replies=(HRBA_REPLY,)))
    await second.load_index()
    await second.reply_meta("hrba-programming")
    with statements(database) as sent:
        await second.reply_meta("hrba-programming")
    assert sent == []

    moved = SourceLink(title="HRBA portal", url="https://unsdg.un.org/hrba")
    await first.ingest(IngestBatch(replies=(dataclasses.replace(HRBA_REPLY, sources=(moved,)),)))
    assert await second.sync()
    meta = await second.reply_meta("hrba-programming")
    assert meta.sources == ({"title": "HRBA portal", "url": "https://unsdg.un.org/hrba"},)
