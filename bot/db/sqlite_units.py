"""Units of work on a SQLite file, on the event loop's own thread while the file is free.

Through the async driver each statement is several hops to the driver's thread and back
(cursor, execute, fetch, close, commit): about 0.8 ms of CPU for a one-row transaction, where
sqlite3 itself needs 0.08 ms, and a hop to any thread costs 0.15 ms or more on a busy machine
(`bench.bench_question`). A question runs four such transactions. So a unit of work first runs
right where it is called, on a connection that never waits: if another connection holds the
file's write lock (a CLI import, an answer worker, the async engine's own writes), SQLite says
so at once and the unit, rolled back, runs again on a thread whose connection waits its turn.
The event loop is never held up by another writer.

Most commits on the loop need not wait for the disk either: these connections write ahead
(WAL) with `synchronous=NORMAL`, which never syncs on commit (a commit survives the process
dying; a power cut may lose the last moments), and leave checkpoints, which do sync, to a
thread every few hundred units. What must survive a power cut (the questions a platform is
acknowledged for, a batch at a time) is a durable unit, whose connection syncs its commit
where it runs: one sync of the log (0.4 ms here) costs the loop less than a hop to a thread,
which also makes the acknowledgement wait for the thread's turn at the interpreter.
"""

from __future__ import annotations

import asyncio
import contextvars
import sqlite3
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
    checkpoints) or, for a durable unit, `on_loop_synced` (the same, syncing its commits);
    on `threaded` (one that waits its turn and syncs) when the file is busy."""

    def __init__(self, *, on_loop: Engine, on_loop_synced: Engine, threaded: Engine) -> None:
        self.engines = (on_loop, on_loop_synced, threaded)
        self._on_loop = on_loop
        self._on_loop_synced = on_loop_synced
        self._threaded = threaded
        self._threads: ThreadPoolExecutor | None = None
        self._since_checkpoint = 0
        self._checkpoint: Future[None] | None = None

    async def connected(self, work: Callable[[Connection], T], *, durable: bool = False) -> T:
        """`work` on a connection, in one transaction committed on success (`durable`: and
        synced to the disk)."""
        engine = self._on_loop_synced if durable else self._on_loop
        return await self._run(_connected, work, engine)

    async def in_session(self, work: Callable[[Session], T]) -> T:
        """`work` in an ORM session, in one transaction committed on success."""
        return await self._run(_in_session, work, self._on_loop)

    async def _run(
        self,
        runner: Callable[[Engine, Callable[[W], T]], T],
        work: Callable[[W], T],
        engine: Engine,
    ) -> T:
        try:
            result = runner(engine, work)
        except OperationalError as error:
            if not busy(error):
                raise
            logger.debug("sqlite.busy_on_loop")
        else:
            self._count_unit()
            return result
        call = partial(contextvars.copy_context().run, runner, self._threaded, work)
        return await asyncio.get_running_loop().run_in_executor(self._executor(), call)

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
        for engine in self.engines:
            engine.dispose()


def _connected(engine: Engine, work: Callable[[Connection], T]) -> T:
    with engine.begin() as connection:
        return work(connection)


def _in_session(engine: Engine, work: Callable[[Session], T]) -> T:
    with Session(engine, expire_on_commit=False) as session, session.begin():
        return work(session)
