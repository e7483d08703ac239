"""Notices between processes: on PostgreSQL a change logged through one connection wakes the
listeners of another process at once; a listener that lost its connection listens again;
SQLite sends none, and its listener is done at once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

import psycopg
from sqlalchemy import make_url

from bot.db.engine import Database
from bot.db.notices import ChangeNotices
from bot.kb.changes import record_changes
from bot.periodic import every

WAIT_SECONDS = 30


@asynccontextmanager
async def listening(notices: ChangeNotices) -> AsyncIterator[asyncio.Event]:
    """`notices` listening as `serve` has it listen, again after a lost connection (its first
    wake, for what it may have missed, already seen)."""
    stop = asyncio.Event()
    listen = partial(notices.listen, stop)
    task = asyncio.create_task(every(0.05, listen, stop=stop, name="knowledge-notices"))
    try:
        await asyncio.wait_for(notices.wake.wait(), WAIT_SECONDS)
        notices.wake.clear()
        yield stop
    finally:
        stop.set()
        await asyncio.wait_for(task, WAIT_SECONDS)


async def log_a_change(database: Database) -> None:
    async with database.transaction() as session:
        record_changes(session, replies=["hrba-overview"], now=datetime.now(UTC))


async def test_a_change_logged_elsewhere_wakes_the_listener(postgres_schema_url: str) -> None:
    writer, reader = Database(url=postgres_schema_url), Database(url=postgres_schema_url)
    try:
        await writer.upgrade()
        notices = ChangeNotices(reader)
        assert notices.available
        async with listening(notices):
            await log_a_change(writer)
            await asyncio.wait_for(notices.wake.wait(), WAIT_SECONDS)
    finally:
        await writer.dispose()
        await reader.dispose()


async def test_a_listener_whose_connection_is_cut_listens_again(postgres_schema_url: str) -> None:
    database = Database(url=postgres_schema_url)
    try:
        await database.upgrade()
        notices = ChangeNotices(database)
        async with listening(notices):
            plain = make_url(postgres_schema_url).set(drivername="postgresql")
            with psycopg.connect(plain.render_as_string(hide_password=False)) as admin:
                admin.execute("SELECT pg_terminate_backend(%s)", (notices.backend_pid,))
            await asyncio.wait_for(notices.wake.wait(), WAIT_SECONDS)  # listening again
            notices.wake.clear()
            await log_a_change(database)
            await asyncio.wait_for(notices.wake.wait(), WAIT_SECONDS)
    finally:
        await database.dispose()


async def test_sqlite_sends_no_notices_and_its_listener_returns(tmp_path: Path) -> None:
    database = Database(url=f"sqlite:///{tmp_path / 'kb.db'}")
    try:
        notices = ChangeNotices(database)
        assert not notices.available
        await asyncio.wait_for(notices.listen(asyncio.Event()), WAIT_SECONDS)
        assert not notices.wake.is_set()
    finally:
        await database.dispose()
