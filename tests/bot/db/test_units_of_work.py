"""`Database.run` and `run_session`: a unit of work committed whole, rolled back on error, in
the caller's context, and on SQLite off the event loop's thread."""

from __future__ import annotations

import asyncio
import contextvars
import os
import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Connection, event, func, select
from sqlalchemy.orm import Session

from bot.db import sqlite_units
from bot.db.engine import Database
from bot.db.models import QuestionGroup
from bot.questions.status import QuestionStatus

REQUEST = contextvars.ContextVar[str]("request")


def new_group(title: str) -> QuestionGroup:
    now = datetime.now(UTC)
    return QuestionGroup(
        status=QuestionStatus.OPEN.value, title=title, language="en", created_at=now, updated_at=now
    )


def count_groups(connection: Connection) -> int:
    return int(connection.scalar(select(func.count()).select_from(QuestionGroup)) or 0)


def add_one(session: Session) -> int:
    """Add a group; say which thread the work ran on."""
    session.add(new_group("one"))
    session.flush()
    return threading.get_ident()


async def test_a_unit_of_work_is_committed_whole(database: Database) -> None:
    def add_two(session: Session) -> int:
        session.add_all([new_group("first"), new_group("second")])
        session.flush()
        return len(session.scalars(select(QuestionGroup)).all())

    assert await database.run_session(add_two) == 2
    assert await database.run(count_groups) == 2


async def test_a_failing_unit_of_work_leaves_nothing(database: Database) -> None:
    def add_then_fail(session: Session) -> None:
        session.add(new_group("lost"))
        session.flush()
        raise RuntimeError("the work failed half-way")

    with pytest.raises(RuntimeError, match="half-way"):
        await database.run_session(add_then_fail)
    assert await database.run(count_groups) == 0


async def test_the_work_runs_in_the_callers_context(database: Database) -> None:
    REQUEST.set("r-42")
    assert await database.run(lambda _connection: REQUEST.get()) == "r-42"


async def test_a_unit_on_a_free_sqlite_file_runs_on_the_event_loops_thread(
    tmp_path: Path,
) -> None:
    database = Database(url=f"sqlite:///{tmp_path / 'huribot.db'}")
    await database.upgrade()
    try:
        assert await database.run_session(add_one) == threading.get_ident()
        assert await database.run(count_groups) == 1
    finally:
        await database.dispose()


async def test_units_on_the_loop_reuse_a_connection_never_shared_with_another_thread(
    tmp_path: Path,
) -> None:
    database = Database(url=f"sqlite:///{tmp_path / 'huribot.db'}")
    await database.upgrade()

    def driver_connection(connection: Connection) -> int:
        return id(connection.connection.dbapi_connection)

    try:
        here = await database.run(driver_connection)
        assert await database.run(driver_connection) == here  # kept between units
        elsewhere: list[int] = []
        other_loop = threading.Thread(
            target=lambda: elsewhere.append(asyncio.run(database.run(driver_connection)))
        )
        other_loop.start()
        other_loop.join()
        assert elsewhere and elsewhere[0] != here
        assert await database.run(count_groups) == 0
    finally:
        await database.dispose()


async def test_a_unit_finding_the_sqlite_file_busy_waits_off_the_event_loop(
    tmp_path: Path,
) -> None:
    """Another process holds the write lock: the unit waits its turn on a thread (the event
    loop runs meanwhile), then commits."""
    database = Database(url=f"sqlite:///{tmp_path / 'huribot.db'}")
    await database.upgrade()
    other_process = sqlite3.connect(tmp_path / "huribot.db", isolation_level=None)
    try:
        other_process.execute("BEGIN IMMEDIATE")  # holds the write lock
        unit = asyncio.create_task(database.run_session(add_one))
        await asyncio.sleep(0)  # the unit's first step: refused on the loop, sent to a thread
        assert not unit.done()
        other_process.execute("COMMIT")
        assert await unit != threading.get_ident()
        assert await database.run(count_groups) == 1
    finally:
        other_process.close()
        await database.dispose()


async def test_units_on_the_loop_leave_the_wal_checkpoint_to_a_thread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The loop's connections never checkpoint (a checkpoint syncs the disk): every
    CHECKPOINT_EVERY units one runs on a thread instead."""
    monkeypatch.setattr(sqlite_units, "CHECKPOINT_EVERY", 3)
    database = Database(url=f"sqlite:///{tmp_path / 'huribot.db'}")
    await database.upgrade()
    units = database.sqlite_units
    assert units is not None
    checkpoints: list[int] = []

    def note(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if "wal_checkpoint" in statement:
            checkpoints.append(threading.get_ident())

    for engine in units.engines:
        event.listen(engine, "before_cursor_execute", note)
    try:
        for _ in range(2):
            await database.run_session(add_one)
        assert not checkpoints
        await database.run_session(add_one)
        await database.dispose()  # waits for the checkpoint's thread
    finally:
        for engine in units.engines:
            event.remove(engine, "before_cursor_execute", note)
    assert len(checkpoints) == 1
    assert checkpoints[0] != threading.get_ident()


def thread_and_sync(connection: Connection) -> tuple[int, int]:
    """Which thread ran the work, and its connection's `synchronous` (1 NORMAL, 2 FULL)."""
    return threading.get_ident(), int(connection.exec_driver_sql("PRAGMA synchronous").scalar())


async def test_a_durable_unit_is_synced_to_the_disk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What a platform is acknowledged for must survive a power cut: after its commit, the
    write-ahead log is synced to the disk, on a thread of its own, before the unit returns;
    other units commit without syncing. Both run on the loop's thread while the file is
    free."""
    synced: list[tuple[str, int]] = []
    real_fsync = os.fsync

    def fsync(descriptor: int) -> None:
        real_fsync(descriptor)
        synced.append((os.readlink(f"/proc/self/fd/{descriptor}"), threading.get_ident()))

    monkeypatch.setattr(sqlite_units.os, "fsync", fsync)
    database = Database(url=f"sqlite:///{tmp_path / 'huribot.db'}")
    await database.upgrade()
    try:
        assert await database.run(thread_and_sync) == (threading.get_ident(), 1)
        assert synced == []
        assert await database.run(thread_and_sync, durable=True) == (threading.get_ident(), 1)
        assert [path for path, _ in synced] == [str(tmp_path / "huribot.db-wal")]
        assert synced[0][1] != threading.get_ident()
        await database.run(thread_and_sync, durable=True)
        assert len(synced) == 2  # the log file is kept open between syncs, and synced again
    finally:
        await database.dispose()


def test_a_log_replaced_or_removed_meanwhile_is_reopened_or_left(tmp_path: Path) -> None:
    path = tmp_path / "huribot.db-wal"
    log = sqlite_units.WriteAheadLog(str(path))
    log.sync()  # no log yet: nothing to sync
    path.write_bytes(b"first")
    log.sync()
    path.unlink()
    log.sync()
    path.write_bytes(b"second")  # a new file where the old one was
    log.sync()
    assert log._descriptor is not None
    assert os.fstat(log._descriptor).st_ino == path.stat().st_ino
    log.close()
