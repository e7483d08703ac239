"""Staged uploads, on SQLite and PostgreSQL: handed back only to whoever staged them, for
the kind of import they were staged for, while they last; discarded once imported; the
expired deleted whenever another is staged."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.db.engine import Database
from bot.db.models import StagedUpload
from bot.staging import ExpiredUploadError, NotYourUploadError, StagedUploads

START = datetime(2026, 12, 1, 9, tzinfo=UTC)
CONTENT = bytes(range(256)) * 64
"""Any bytes at all (a .docx, a .zip), kept exactly."""


class Clock:
    """A clock the test moves."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


async def test_a_staged_file_comes_back_as_it_was_to_whoever_staged_it(
    database: Database,
) -> None:
    clock = Clock()
    staging = StagedUploads(database=database, clock=clock)
    staged = await staging.stage(
        kind="kb",
        filename="replies.csv",
        content=CONTENT,
        staged_by="teams:a",
        options={"prune": True},
    )
    clock.now += timedelta(minutes=59)
    again = await StagedUploads(database=database, clock=clock).claim(  # another replica
        staged.token, kind="kb", actor="teams:a"
    )
    assert (again.content, again.filename, again.options) == (
        CONTENT,
        "replies.csv",
        {"prune": True},
    )
    assert again.created_at == START
    with pytest.raises(NotYourUploadError):
        await staging.claim(staged.token, kind="kb", actor="slack:b")
    with pytest.raises(NotYourUploadError):
        await staging.claim(staged.token, kind="calendar", actor="teams:a")
    await staging.discard(staged.token)
    with pytest.raises(ExpiredUploadError):
        await staging.claim(staged.token, kind="kb", actor="teams:a")


async def test_a_staged_file_expires_after_its_lifetime_and_is_then_deleted(
    database: Database,
) -> None:
    clock = Clock()
    staging = StagedUploads(database=database, clock=clock, lifetime=timedelta(hours=1))
    old = await staging.stage(kind="kb", filename="a.md", content=b"a", staged_by="teams:a")
    clock.now += timedelta(hours=1)
    with pytest.raises(ExpiredUploadError):
        await staging.claim(old.token, kind="kb", actor="teams:a")
    new = await staging.stage(kind="kb", filename="b.md", content=b"b", staged_by="teams:a")
    async with database.sessions() as session:
        kept = (await session.scalars(select(StagedUpload.id))).all()
    assert kept == [new.token]
    with pytest.raises(ExpiredUploadError):
        await staging.claim("no-such-token" * 10, kind="kb", actor="teams:a")


async def test_housekeeping_deletes_the_expired_files_only(database: Database) -> None:
    clock = Clock()
    staging = StagedUploads(database=database, clock=clock, lifetime=timedelta(hours=1))
    await staging.stage(kind="kb", filename="old.md", content=b"a", staged_by="teams:a")
    clock.now += timedelta(minutes=30)
    recent = await staging.stage(kind="kb", filename="new.md", content=b"b", staged_by="teams:a")
    clock.now += timedelta(minutes=30)
    assert await staging.purge() == 1
    assert (await staging.claim(recent.token, kind="kb", actor="teams:a")).filename == "new.md"
    assert await staging.purge() == 0
