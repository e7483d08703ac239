"""Notices between processes sharing one PostgreSQL: a trigger on the knowledge base's change
log NOTIFYs on commit (migration 0016), and each bot process LISTENs, so a change made through
any replica reaches the others' indexes within milliseconds instead of at their next poll.

The poll stays (`SYNC_INTERVAL_SECONDS` in `adapters.cli.serve`): a notice sent while a
listener was reconnecting is lost, and the change log, read on every poll, is the record. A
notice names the schema it was sent from, so two HuriBots in one database do not wake each
other. SQLite has no notices: there, every process polls.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import structlog
from sqlalchemy import make_url

if TYPE_CHECKING:
    from bot.db.engine import Database

logger = structlog.get_logger(__name__)

KNOWLEDGE_CHANNEL = "huribot_knowledge"
"""What the change log's trigger notifies (its payload: the schema of the changed table)."""
STOP_CHECK_SECONDS = 0.5
"""How long a listener waits for notices before looking whether it should stop."""
RECONNECT_SECONDS = 5.0
"""The pause before listening again after the connection was lost."""


class ChangeNotices:
    """Sets `wake` whenever a process (this one too: its sync then finds nothing new)
    commits a change on `channel`, and once each time it starts listening, for what it may
    have missed."""

    def __init__(self, database: Database, *, channel: str = KNOWLEDGE_CHANNEL) -> None:
        self.wake = asyncio.Event()
        self.channel = channel
        self.backend_pid: int | None = None
        """The listening connection's server process, while there is one (for the logs)."""
        url = make_url(database.url)
        self._url = (
            url.set(drivername="postgresql").render_as_string(hide_password=False)
            if url.get_backend_name() == "postgresql"
            else None
        )

    @property
    def available(self) -> bool:
        """Whether the database sends notices (PostgreSQL)."""
        return self._url is not None

    async def listen(self, stop: asyncio.Event) -> None:
        """Listen until `stop` is set; at once done where the database sends no notices.
        Raises when the connection is lost: the caller listens again after a pause
        (`RECONNECT_SECONDS`), the poll keeping the index current meanwhile."""
        if self._url is None:
            return
        import psycopg  # noqa: PLC0415  (PostgreSQL only)

        async with await psycopg.AsyncConnection.connect(self._url, autocommit=True) as connection:
            schema = await (await connection.execute("SELECT current_schema()")).fetchone()
            own = str(schema[0]) if schema else ""
            await connection.execute(f'LISTEN "{self.channel}"')
            self.backend_pid = connection.info.backend_pid
            logger.info("notices.listening", channel=self.channel, backend=self.backend_pid)
            self.wake.set()  # whatever changed while nobody listened
            while not stop.is_set():
                async for notice in connection.notifies(timeout=STOP_CHECK_SECONDS):
                    if notice.payload == own:
                        self.wake.set()
