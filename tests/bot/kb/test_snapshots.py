"""The index kept on disk: reopened without a rebuild, caught up on the changes made while no
process ran, rebuilt when it cannot be trusted; on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import dataclasses
import threading
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select, update

import knowledge.index_snapshots
import knowledge.tantivy_index
from bot.db.engine import Database
from bot.db.models import KnowledgeChange
from bot.kb.service import KnowledgeService
from bot.kb.snapshots import IndexSnapshots, database_key
from knowledge.index_snapshots import POINTER, SnapshotStore
from knowledge.query import QueryPlanner
from knowledge.records import IngestBatch
from knowledge.tantivy_index import TantivyIndex
from tests.corpus import GUIDE, HRBA_REPLY, SMALL_BATCH

WHEN = datetime(2026, 12, 1, tzinfo=UTC)


@pytest.fixture
def processes(database: Database, tmp_path: Path) -> Iterator[ProcessFactory]:
    """Makes the knowledge service of a new process over one database and index folder."""
    with ExitStack() as stack:
        yield ProcessFactory(database=database, folder=tmp_path / "index", stack=stack)


@dataclasses.dataclass
class ProcessFactory:
    database: Database
    folder: Path
    stack: ExitStack

    def start(self, *, database: str | None = None) -> KnowledgeService:
        store = SnapshotStore(self.folder)
        index = TantivyIndex(
            planner=QueryPlanner(), workspace=self.stack.enter_context(store.work_folder())
        )
        key = database or database_key(self.database.url)
        snapshots = IndexSnapshots(store=store, database=key, index=index)
        return KnowledgeService(database=self.database, index=index, snapshots=snapshots)


def ids(service: KnowledgeService, query: str) -> list[str]:
    return [hit.doc.id for hit in service.search(query, top_k=10)]


async def test_a_restart_reopens_the_index_without_rebuilding_it(
    processes: ProcessFactory,
) -> None:
    first = processes.start()
    await first.load_index()
    assert first.opened_from == "database"
    await first.ingest(SMALL_BATCH)
    assert await first.save_index()
    again = processes.start()
    assert await again.load_index() == 4
    assert again.opened_from == "snapshot"
    query = "UNCT submission universal periodic review"
    assert ids(again, query) == ids(first, query)
    assert ids(again, "terms of reference mandate holder")[0] == "guide-visits#0"
    assert again.index.stats() == first.index.stats()
    assert not await again.save_index()  # nothing changed since


async def test_changes_made_while_no_process_ran_are_caught_up(
    processes: ProcessFactory,
) -> None:
    first = processes.start()
    await first.ingest(SMALL_BATCH)
    await first.load_index()  # saved with the batch in it
    other = processes.start()  # a process without the index open, e.g. a CLI command
    edited = dataclasses.replace(HRBA_REPLY, answer_md="Participation and accountability matter.")
    shorter = dataclasses.replace(GUIDE, content_hash="v2", passages=GUIDE.passages[:1])
    await other.ingest(IngestBatch(replies=(edited,), documents=(shorter,)))
    await other.retire("upr-unct-submission", actor="test", now=WHEN)
    again = processes.start()
    await again.load_index()
    assert again.opened_from == "snapshot"
    assert ids(again, "accountability participation")[0] == "hrba-programming"
    assert "upr-unct-submission" not in ids(again, "universal periodic review submission")
    assert again.index.stats().passages == 1
    assert again.index.stats().replies == 1


async def test_an_index_made_by_another_analysis_is_rebuilt(
    processes: ProcessFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = processes.start()
    await first.ingest(SMALL_BATCH)
    await first.load_index()
    monkeypatch.setattr(knowledge.tantivy_index, "SCHEMA_VERSION", "next")
    again = processes.start()
    await again.load_index()
    assert again.opened_from == "database"
    assert again.index.stats().documents == 4
    third = processes.start()
    await third.load_index()
    assert third.opened_from == "snapshot"  # the rebuilt index was saved


@pytest.mark.parametrize("damaged", ["docs.bin", "snapshot.json", "tantivy/meta.json"])
async def test_a_corrupt_snapshot_is_rebuilt(processes: ProcessFactory, damaged: str) -> None:
    first = processes.start()
    await first.ingest(SMALL_BATCH)
    await first.load_index()
    current = processes.folder / (processes.folder / POINTER).read_text()
    (current / damaged).write_bytes(b"\x00not what was written")
    again = processes.start()
    await again.load_index()
    assert again.opened_from == "database"
    assert ids(again, "terms of reference mandate holder")[0] == "guide-visits#0"


async def test_a_snapshot_of_another_database_is_not_used(processes: ProcessFactory) -> None:
    first = processes.start()
    await first.ingest(SMALL_BATCH)
    await first.load_index()
    elsewhere = processes.start(database="postgresql://elsewhere/huribot")
    await elsewhere.load_index()
    assert elsewhere.opened_from == "database"


async def test_a_snapshot_ahead_of_the_change_log_is_not_used(
    processes: ProcessFactory, database: Database
) -> None:
    """A database restored from an older backup (or recreated) lacks the snapshot's newest
    change: what the snapshot holds may not exist there."""
    first = processes.start()
    await first.ingest(SMALL_BATCH)
    await first.load_index()
    async with database.transaction() as session:
        newest = await session.scalar(select(func.max(KnowledgeChange.id)))
        await session.execute(delete(KnowledgeChange).where(KnowledgeChange.id == newest))
    again = processes.start()
    await again.load_index()
    assert again.opened_from == "database"


async def test_a_change_committed_late_below_the_snapshots_newest_is_caught_up(
    processes: ProcessFactory, database: Database
) -> None:
    """Change ids come from a sequence: one committed after the snapshot was written may carry
    a smaller id than the newest it reflects (its transaction took longer)."""
    first = processes.start()
    await first.ingest(SMALL_BATCH)
    await first.load_index()
    async with database.transaction() as session:
        newest = int(await session.scalar(select(func.max(KnowledgeChange.id))) or 0)
        session.add(KnowledgeChange(id=newest + 3, kind="reply", item="ghost", at=WHEN))
    assert await first.sync()
    assert await first.save_index()  # reflects newest + 3, not newest + 1 (not there yet)
    edited = dataclasses.replace(HRBA_REPLY, answer_md="Participation and accountability matter.")
    await processes.start().ingest(IngestBatch(replies=(edited,)))
    async with database.transaction() as session:  # the id it was late with (SQLite has none)
        late = KnowledgeChange.item == "hrba-programming"
        logged = await session.scalar(select(func.max(KnowledgeChange.id)).where(late))
        assert logged is not None and logged > newest
        await session.execute(
            update(KnowledgeChange).where(KnowledgeChange.id == logged).values(id=newest + 1)
        )
    again = processes.start()
    await again.load_index()
    assert again.opened_from == "snapshot"
    assert ids(again, "accountability participation")[0] == "hrba-programming"


async def test_a_snapshot_is_packed_and_synced_off_the_event_loop(
    processes: ProcessFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Writing the docs (about half a second at 100k passages) must not stop the loop that
    acknowledges platform events: while the docs are being written, the loop runs."""
    service = processes.start()
    await service.load_index()
    await service.ingest(SMALL_BATCH)
    writing, loop_ran = threading.Event(), threading.Event()
    seen_while_writing: list[bool] = []
    write = knowledge.index_snapshots._write_synced

    def slow_write(path: Path, data: bytes) -> None:
        writing.set()
        seen_while_writing.append(loop_ran.wait(timeout=30))  # on the loop: never set
        write(path, data)

    monkeypatch.setattr(knowledge.index_snapshots, "_write_synced", slow_write)
    saving = asyncio.create_task(service.save_index())
    while not saving.done():
        await asyncio.sleep(0.01)  # polling a condition another thread sets
        if writing.is_set():
            loop_ran.set()
    assert await saving
    assert seen_while_writing and all(seen_while_writing)
    again = processes.start()
    await again.load_index()
    assert again.opened_from == "snapshot"
