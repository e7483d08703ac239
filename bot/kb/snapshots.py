"""The search index kept on disk between runs: reopened at start, then caught up from the
change log, instead of being rebuilt from every row of the knowledge base.

A snapshot records which changes its index reflects (the change feed's state), so the changes
made while no process ran, or committed late, are applied on reopening like any other. It is
used only when it was made by the same engine and analysis (`fingerprint`) from this database:
the same URL, and a change log that still holds the newest change it reflects, logged at the
same moment (a database restored from an older backup, or recreated, does not).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import structlog
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession

from bot.kb.changes import ChangeFeed, change_time
from knowledge.index import SearchIndex
from knowledge.index_snapshots import SnapshotError, SnapshotStore
from knowledge.search_types import SearchDoc

logger = structlog.get_logger(__name__)


class PersistentIndex(SearchIndex, Protocol):
    """A search index whose state can be written to files and reopened from them."""

    @property
    def fingerprint(self) -> str:
        """Differs between indexes that would index the same docs differently."""

    def docs(self) -> list[SearchDoc]:
        """Every indexed doc."""

    def export(self, target: Path) -> None:
        """Write the engine's files into `target`."""

    def restore(self, files: Path, docs: Sequence[SearchDoc]) -> None:
        """Reopen exported files (ValueError when they do not open or do not match)."""


@dataclass(frozen=True, slots=True)
class IndexSnapshots:
    """The snapshots of one database's index, in one folder."""

    store: SnapshotStore
    database: str
    """Which database the index is built from (its URL without the password)."""
    index: PersistentIndex
    """The index saved and restored (the one the knowledge service searches)."""

    async def reopen(self, session: AsyncSession, feed: ChangeFeed) -> list[SearchDoc] | None:
        """Restore `index` and `feed` from the current snapshot and return its docs; None
        (nothing restored) when there is no usable snapshot, and the index must be rebuilt."""
        try:
            with self.store.open() as snapshot:
                reason = "no snapshot yet" if snapshot is None else None
                if snapshot is not None:
                    reason = await self._unusable(session, snapshot.meta)
                if snapshot is None or reason is not None:
                    logger.info("index.snapshot_unused", reason=reason)
                    return None
                self.index.restore(snapshot.files, snapshot.docs)
                feed.resume(int(snapshot.meta["newest"]), snapshot.meta["applied"])
                return snapshot.docs
        except (SnapshotError, ValueError, KeyError, TypeError, OSError) as exc:
            logger.warning("index.snapshot_unused", reason=f"unreadable: {exc}")
            return None

    async def _unusable(self, session: AsyncSession, meta: dict[str, Any]) -> str | None:
        """Why a snapshot cannot be reopened here, or None when it can."""
        if meta.get("fingerprint") != self.index.fingerprint:
            return "made by another engine or analysis"
        if meta.get("database") != self.database:
            return "made from another database"
        newest = int(meta["newest"])
        if newest and await change_time(session, newest) != meta.get("newest_at"):
            return "the change log is not the one it was made from"
        return None

    async def save(self, session: AsyncSession, feed: ChangeFeed, *, force: bool) -> None:
        """Write the index as it is now, unless (without `force`: after a rebuild the current
        snapshot may be unusable) the current snapshot is already as recent."""
        index = self.index
        newest, applied = feed.newest, sorted(feed.applied)  # before the index can move on
        newest_at = await change_time(session, newest) if newest else None
        if not force and self._current_newest(index.fingerprint) >= newest > 0:
            return
        meta: dict[str, Any] = {
            "fingerprint": index.fingerprint,
            "database": self.database,
            "newest": newest,
            "newest_at": newest_at,
            "applied": applied,
        }
        # the index may be ahead of the feed state captured above (reapplying is harmless),
        # never behind it: docs and files are taken together, after it, on the event loop
        # (so no change lands between them); packing and syncing them runs in a thread, as
        # it takes a while (~0.5 s at 100k passages) acknowledgements should not wait for
        docs = index.docs()
        with self.store.staging(index.export) as complete:
            await asyncio.to_thread(complete, meta, docs)

    def _current_newest(self, fingerprint: str) -> int:
        """The newest change the current snapshot of this database and engine reflects (-1
        when there is none)."""
        try:
            meta = self.store.current_meta()
        except SnapshotError:
            return -1
        if meta is None or meta.get("fingerprint") != fingerprint:
            return -1
        if meta.get("database") != self.database:
            return -1
        return int(meta.get("newest", -1))


def database_key(url: str) -> str:
    """Names a database for its snapshots: its URL without the password, a SQLite file by
    its absolute path."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in {None, "", ":memory:"}:
        parsed = parsed.set(database=str(Path(parsed.database or "").resolve()))
    return parsed.set(drivername=parsed.get_backend_name()).render_as_string(hide_password=True)
