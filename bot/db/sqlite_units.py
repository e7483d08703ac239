"""Units of work on a SQLite file, on the event loop's own thread while the file is free.

Through the async driver each statement is several hops to the driver's thread and back
(cursor, execute, fetch, close, commit): about 0.8 ms of CPU for a one-row transaction, where
sqlite3 itself needs 0.08 ms, and a hop to any thread costs 0.15 ms or more on a busy machine
(`bench.bench_question`). A question runs four such transactions. So a unit of work first runs
right where it is called, on a connection that never waits: if another connection holds the
file's write lock (a CLI import, an answer worker, the async engine's own writes), SQLite says
so at once and the unit, rolled back, runs again on a thread whose connection waits its turn.
The event loop is never held up by another writer.

Commits on the loop do not wait for the disk either: these connections write ahead (WAL)
with `synchronous=NORMAL`, which never syncs on commit (a commit survives the process dying;
a power cut may lose the last moments), and leave checkpoints, which do sync, to a thread
every few hundred units. What must survive a power cut (the questions a platform is
acknowledged for, a batch at a time) is a durable unit: committed the same way, then the log
file itself is synced (`fsync`, as `synchronous=FULL` would at the commit) on a thread of its
own before the unit returns. A sync takes 0.4 ms of waiting and 0.2 ms of the kernel's CPU
here; on the loop it held up every other event meanwhile, on its thread it needs no
interpreter (the caller waits, the loop goes on).
"""

from __future__ import annotations

import asyncio
import contextvars
import os
import sqlite3
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial
from typing import TypeVar

import structlog
from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

logger = structlog.get_logger(__name__)

T = TypeVar("T")
W = TypeVar("W", Connection, Session)

THREADS = 4
"""Threads for units that found the file busy (one writer at a time, readers beside it)."""
CHECKPOINT_EVERY = 500
"""Units run on the loop between two checkpoints (their connections never checkpoint)."""


def busy(error: OperationalError) -> bool:
    """Whether SQLite refused because another connection holds the lock it needs."""
    code = getattr(error.orig, "sqlite_errorcode", None)
    return code is not None and code & 0xFF == sqlite3.SQLITE_BUSY


class SqliteUnits:
    """Runs units of work on `on_loop` (a connection that never waits for a lock, syncs or
    checkpoints; a durable unit's log synced afterwards on a thread) or on `threaded` (one
    that waits its turn and syncs) when the file is busy."""

    def __init__(self, *, on_loop: Engine, threaded: Engine) -> None:
        self.engines = (on_loop, threaded)
        self._on_loop = on_loop
        self._threaded = threaded
        self._threads: ThreadPoolExecutor | None = None
        self._since_checkpoint = 0
        self._checkpoint: Future[None] | None = None
        self._log = WriteAheadLog(os.path.abspath(f"{on_loop.url.database}-wal"))
        self._syncing = ThreadPoolExecutor(1, "huribot-sqlite-sync")
        self._here = threading.local()
        self._loop_connections: list[Connection] = []

    async def connected(self, work: Callable[[Connection], T], *, durable: bool = False) -> T:
        """`work` on a connection, in one transaction committed on success (`durable`: and
        synced to the disk)."""
        result = await self._run(_connected, work)
        if durable:
            await asyncio.get_running_loop().run_in_executor(self._syncing, self._log.sync)
        return result

    async def in_session(self, work: Callable[[Session], T]) -> T:
        """`work` in an ORM session, in one transaction committed on success."""
        return await self._run(_in_session, work)

    async def _run(
        self,
        runner: Callable[[Connection, Callable[[W], T]], T],
        work: Callable[[W], T],
    ) -> T:
        try:
            result = runner(self._on_loop_connection(), work)
        except OperationalError as error:
            if not busy(error):
                raise
            logger.debug("sqlite.busy_on_loop")
        else:
            self._count_unit()
            return result
        call = partial(
            contextvars.copy_context().run, _on_own_connection, runner, work, self._threaded
        )
        return await asyncio.get_running_loop().run_in_executor(self._executor(), call)

    def _on_loop_connection(self) -> Connection:
        """The calling thread's connection (an event loop's), kept between units: taking one
        from the pool and giving it back (with a rollback) cost half as much again as a
        one-row unit. One per thread, so loops in two threads never share a transaction."""
        connection: Connection | None = getattr(self._here, "connection", None)
        if connection is None or connection.closed or connection.invalidated:
            connection = self._here.connection = self._on_loop.connect()
            self._loop_connections.append(connection)
        return connection

    def _executor(self) -> ThreadPoolExecutor:
        if self._threads is None:
            self._threads = ThreadPoolExecutor(THREADS, "huribot-sqlite")
        return self._threads

    def _count_unit(self) -> None:
        """Checkpoint on a thread every CHECKPOINT_EVERY units (never two at once)."""
        self._since_checkpoint += 1
        if self._since_checkpoint < CHECKPOINT_EVERY:
            return
        if self._checkpoint is None or self._checkpoint.done():
            self._since_checkpoint = 0
            self._checkpoint = self._executor().submit(self._checkpointed)

    def _checkpointed(self) -> None:
        try:
            with self._threaded.connect() as connection:
                connection.execute(text("PRAGMA wal_checkpoint(PASSIVE)"))
        except Exception:  # the next checkpoint tries again; the log says why this one failed
            logger.exception("sqlite.checkpoint_failed")

    def dispose(self) -> None:
        """Finish the threads' work and close every connection."""
        if self._threads is not None:
            self._threads.shutdown()
            self._threads = None
        self._syncing.shutdown()
        self._log.close()
        for connection in self._loop_connections:
            connection.close()
        self._loop_connections.clear()
        for engine in self.engines:
            engine.dispose()


class WriteAheadLog:
    """A SQLite file's write-ahead log, synced to the disk on demand. SQLite keeps the same
    file (rewriting it from the start after a checkpoint) while any connection is open, and
    removes it when the last one closes, after copying it into the database and syncing that:
    the file is reopened whenever it was replaced, and nothing is left to sync when it is
    gone."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._descriptor: int | None = None

    def sync(self) -> None:
        """Make every commit written to the log so far survive a power cut."""
        try:
            current = os.stat(self.path).st_ino
        except FileNotFoundError:
            return
        if self._descriptor is None or os.fstat(self._descriptor).st_ino != current:
            self.close()
            self._descriptor = os.open(self.path, os.O_RDONLY)
        os.fsync(self._descriptor)

    def close(self) -> None:
        """Let go of the file."""
        if self._descriptor is not None:
            os.close(self._descriptor)
            self._descriptor = None


def _on_own_connection(
    runner: Callable[[Connection, Callable[[W], T]], T], work: Callable[[W], T], engine: Engine
) -> T:
    """A unit on a thread, on a connection of the waiting engine's pool."""
    with engine.connect() as connection:
        return runner(connection, work)


def _connected(connection: Connection, work: Callable[[Connection], T]) -> T:
    with connection.begin():
        return work(connection)


def _in_session(connection: Connection, work: Callable[[Session], T]) -> T:
    with Session(connection, expire_on_commit=False) as session, session.begin():
        return work(session)
