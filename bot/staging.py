"""Files uploaded to import, staged between the preview a moderator checks and their
confirmation.

Kept in the database rather than in memory or on disk: the confirmation may reach another
server process (replicas behind one address), and a restart in between loses nothing. A
staged file is only ever confirmed by whoever staged it, within `lifetime`; older ones are
deleted whenever another is staged.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import structlog
from sqlalchemy import Delete, delete

from bot.clock import Clock, system_clock
from bot.db.engine import Database
from bot.db.models import StagedUpload

logger = structlog.get_logger(__name__)

STAGED_LIFETIME = timedelta(hours=1)
MAX_FILENAME_CHARS = 255


class StagedUploadError(LookupError):
    """The staged file asked for cannot be confirmed."""


class ExpiredUploadError(StagedUploadError):
    """No such staged file: never staged, confirmed already, or past its lifetime."""


class NotYourUploadError(StagedUploadError):
    """Someone else staged this file (or another kind of import)."""


@dataclass(frozen=True, slots=True)
class Staged:
    """A staged file as read back."""

    token: str
    kind: str
    filename: str
    content: bytes
    options: Mapping[str, Any]
    staged_by: str
    created_at: datetime


class StagedUploads:
    """Stages uploaded files, hands them back to whoever staged them, and discards them."""

    def __init__(
        self,
        *,
        database: Database,
        lifetime: timedelta = STAGED_LIFETIME,
        clock: Clock = system_clock,
    ) -> None:
        self._database = database
        self._lifetime = lifetime
        self._clock = clock

    async def stage(
        self,
        *,
        kind: str,
        filename: str,
        content: bytes,
        staged_by: str,
        options: Mapping[str, Any] | None = None,
    ) -> Staged:
        """Keep a file for its confirmation; returns it with its token."""
        now = self._clock()
        row = StagedUpload(
            id=secrets.token_urlsafe(32),
            kind=kind,
            filename=filename[-MAX_FILENAME_CHARS:],
            content=content,
            options=dict(options or {}),
            staged_by=staged_by,
            created_at=now,
        )
        async with self._database.transaction() as session:
            await session.execute(self._expired(now))
            session.add(row)
        logger.info("staging.staged", kind=kind, size=len(content), actor=staged_by)
        return _staged(row)

    async def claim(self, token: str, *, kind: str, actor: str) -> Staged:
        """The file staged under `token` for this kind of import by `actor`; raises
        ExpiredUploadError or NotYourUploadError (logged) for any other."""
        async with self._database.sessions() as session:
            row = await session.get(StagedUpload, token[:64])
        if row is None or row.created_at <= self._clock() - self._lifetime:
            raise ExpiredUploadError()
        if row.staged_by != actor or row.kind != kind:
            logger.warning("staging.refused", kind=kind, actor=actor, staged_by=row.staged_by)
            raise NotYourUploadError()
        return _staged(row)

    async def purge(self) -> int:
        """Delete every staged file past its lifetime (housekeeping); returns how many."""
        async with self._database.transaction() as session:
            result = await session.execute(self._expired(self._clock()))
        return int(getattr(result, "rowcount", 0) or 0)

    def _expired(self, now: datetime) -> Delete:
        return delete(StagedUpload).where(StagedUpload.created_at <= now - self._lifetime)

    async def discard(self, token: str) -> None:
        """Forget a staged file (once imported: its token then confirms nothing)."""
        async with self._database.transaction() as session:
            await session.execute(delete(StagedUpload).where(StagedUpload.id == token))


def _staged(row: StagedUpload) -> Staged:
    return Staged(
        token=row.id,
        kind=row.kind,
        filename=row.filename,
        content=row.content,
        options=dict(row.options),
        staged_by=row.staged_by,
        created_at=row.created_at,
    )
