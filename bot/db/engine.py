"""Database connection: URL normalisation, async engine, sessions and schema upgrades."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import structlog
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import Session

from bot.db.sqlite_units import SqliteUnits

if TYPE_CHECKING:
    from alembic.config import Config

logger = structlog.get_logger(__name__)

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
REVISION_LINE = re.compile(r'^(down_revision|revision) = (?:"([^"]+)"|None)$', re.MULTILINE)

T = TypeVar("T")


def async_url(url: str) -> str:
    """Pick the async driver for a URL written the ordinary way (`sqlite:///x.db`, `postgresql://`)."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        parsed = parsed.set(drivername="sqlite+aiosqlite")
    elif backend in {"postgresql", "postgres"}:
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def _sqlite_settings(*, on_loop: bool, synced: bool) -> Callable[[Any, Any], None]:
    """What each new SQLite connection is set to: foreign keys on; write-ahead logging so a
    web process and answer workers can write the same file without blocking each other's
    readers; whether each commit is synced to the disk. A connection used on the event loop
    (`bot.db.sqlite_units`) never waits for a lock and never checkpoints; the others wait
    their turn."""

    def configure(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA synchronous={'FULL' if synced else 'NORMAL'}")
        if on_loop:
            cursor.execute("PRAGMA busy_timeout=0")
            cursor.execute("PRAGMA wal_autocheckpoint=0")
        else:
            cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()

    return configure


WAITING = _sqlite_settings(on_loop=False, synced=True)
ON_LOOP = _sqlite_settings(on_loop=True, synced=False)


def _sqlite_units(url: str, *, echo: bool) -> SqliteUnits | None:
    """Units of work for a SQLite file; None for anything else (PostgreSQL, or an in-memory
    database, which other engines would not share)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in {None, "", ":memory:"}:
        return None
    plain = parsed.set(drivername="sqlite").render_as_string(hide_password=False)
    engines = []
    for configure in (ON_LOOP, WAITING):
        engine = create_engine(plain, echo=echo, json_serializer=json_without_nul)
        event.listen(engine, "connect", configure)
        engines.append(engine)
    on_loop, threaded = engines
    return SqliteUnits(on_loop=on_loop, threaded=threaded)


def without_nul(parameters: Any) -> Any:
    """A statement's parameters with NUL characters removed from every text: PostgreSQL
    refuses them in text ("cannot contain NUL (0x00) bytes") where SQLite keeps them, and a
    NUL means nothing in a member's message, an id or an imported file. Both databases then
    store, and look up, the same text."""
    if isinstance(parameters, str):
        return parameters.replace("\x00", "")
    if isinstance(parameters, dict):
        return {without_nul(key): without_nul(value) for key, value in parameters.items()}
    if isinstance(parameters, list | tuple):
        return type(parameters)(without_nul(value) for value in parameters)
    return parameters


def json_without_nul(value: Any) -> str:
    """A JSON column's text, its strings without NUL: PostgreSQL refuses the `\\u0000` escape
    JSON would write for one ("unsupported Unicode escape sequence")."""
    return json.dumps(without_nul(value))


def _strip_nul(
    _conn: Connection,
    _cursor: Any,
    statement: str,
    parameters: Any,
    _context: Any,
    _executemany: bool,
) -> tuple[str, Any]:
    return statement, without_nul(parameters)


class Database:
    """Owns the engine; hands out sessions; upgrades the schema to the latest migration."""

    def __init__(self, *, url: str, echo: bool = False) -> None:
        self.url = async_url(url)
        self.engine: AsyncEngine = create_async_engine(
            self.url, echo=echo, json_serializer=json_without_nul
        )
        self.sqlite_units = _sqlite_units(self.url, echo=echo)
        """A SQLite file's units of work (`run`), on its own synchronous engines."""
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine.sync_engine, "connect", WAITING)
        for engine in self.engines:
            event.listen(engine, "before_cursor_execute", _strip_nul, retval=True)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)

    @property
    def engines(self) -> tuple[Engine, ...]:
        """Every engine statements go through (the async engine's, and SQLite's own)."""
        own = () if self.sqlite_units is None else self.sqlite_units.engines
        return (self.engine.sync_engine, *own)

    @property
    def dialect(self) -> str:
        """'sqlite' or 'postgresql'."""
        return self.engine.dialect.name

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A session inside one transaction: committed on success, rolled back on any error."""
        async with self.sessions() as session, session.begin():
            yield session

    async def run(self, work: Callable[[Connection], T], *, durable: bool = False) -> T:
        """Run `work` on a connection inside one transaction, committed on success: for the
        few statements every question runs, without the async driver's cost per statement
        (`bot.db.sqlite_units`). `durable`: on SQLite, the commit is synced to the disk
        before this returns (what a platform is acknowledged for must survive a power cut).
        PostgreSQL's driver is asynchronous already, and syncs every commit: there `work`
        runs on its connection where it is."""
        if self.sqlite_units is not None:
            return await self.sqlite_units.connected(work, durable=durable)
        async with self.engine.begin() as connection:
            return await connection.run_sync(work)

    async def run_session(self, work: Callable[[Session], T]) -> T:
        """`run`, with an ORM session for `work`."""
        if self.sqlite_units is not None:
            return await self.sqlite_units.in_session(work)
        async with self.transaction() as session:
            return await session.run_sync(work)

    async def ping(self) -> None:
        """Run `SELECT 1`: raises when the database cannot be reached (for readiness probes)."""
        async with self.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))

    async def upgrade(self) -> None:
        """Apply pending Alembic migrations (idempotent; run by every command that needs the DB).
        A database already at the newest revision is left as it is without loading Alembic,
        which takes most of a short command's start."""
        if await self._revision() == head_revision():
            logger.info("database.current", dialect=self.dialect)
            return
        async with self.engine.begin() as connection:
            await connection.run_sync(_upgrade_on)
        logger.info("database.upgraded", dialect=self.dialect)

    async def _revision(self) -> str | None:
        """The revision the database is at (None when it has none yet)."""
        try:
            async with self.engine.connect() as connection:
                found = await connection.scalar(text("SELECT version_num FROM alembic_version"))
        except DBAPIError:  # no such table: a new database
            return None
        return str(found) if found is not None else None

    async def dispose(self) -> None:
        """Close pooled connections."""
        await self.engine.dispose()
        if self.sqlite_units is not None:
            self.sqlite_units.dispose()


def head_revision() -> str:
    """The newest migration's revision, read from the migration files (the one no other
    migration follows), as Alembic would find it."""
    revisions: set[str] = set()
    followed: set[str] = set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        for key, value in REVISION_LINE.findall(path.read_text(encoding="utf-8")):
            (revisions if key == "revision" else followed).add(value)
    heads = revisions - followed
    if len(heads) != 1:
        raise RuntimeError(f"the migrations have {len(heads)} heads: {sorted(heads)}")
    return heads.pop()


def alembic_config(connection: Connection | None = None) -> Config:
    """Alembic configuration pointing at the packaged migrations (no alembic.ini needed)."""
    from alembic.config import Config  # noqa: PLC0415  (slow to load: only when migrating)

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def _upgrade_on(connection: Connection) -> None:
    from alembic import command  # noqa: PLC0415

    command.upgrade(alembic_config(connection), "head")


@asynccontextmanager
async def open_database(url: str) -> AsyncIterator[Database]:
    """The database at `url`, upgraded to the newest migration; its connections closed on
    leaving, whatever happened."""
    database = Database(url=url)
    try:
        await database.upgrade()
        yield database
    finally:
        await database.dispose()


def run_upgrade(url: str) -> None:
    """Synchronous entry point for scripts: upgrade the database at `url`."""

    async def _go() -> None:
        async with open_database(url):
            pass

    asyncio.run(_go())
