"""Moderators' dashboard sessions on SQLite and PostgreSQL: only moderators get one, a token
resumes it until it expires, is signed out or its moderator is removed; the set-up token
signs in once, ever; each of these is audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.db.audit import audit_trail
from bot.db.engine import Database
from bot.db.models import ModeratorSession
from bot.moderation.directory import Actor, NotAModeratorError
from bot.moderation.sessions import (
    DASHBOARD,
    ModeratorSessions,
    SetupTokenError,
    UsedSetupTokenError,
    WrongSetupTokenError,
    token_digest,
)
from tests.fakes.clock import FakeClock

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
LIFETIME = timedelta(hours=8)
SETUP_TOKEN = "set-up-token-0123456789abcdef"
MODERATOR = Actor("slack", "UMOD", name="Amina Diallo")


@dataclass
class EditableModerators:
    """A directory the test edits, as the Secretariat edits a moderators' channel."""

    ids: set[str]

    async def is_moderator(self, platform: str, user_id: str) -> bool:
        return platform == "setup" or f"{platform}:{user_id}" in self.ids


@dataclass
class Wired:
    sessions: ModeratorSessions
    moderators: EditableModerators
    clock: FakeClock[datetime]
    database: Database

    def restarted(self) -> ModeratorSessions:
        """The same database seen by a new process."""
        return ModeratorSessions(
            database=self.database,
            moderators=self.moderators,
            lifetime=LIFETIME,
            setup_token=SETUP_TOKEN,
            clock=self.clock,
        )


@pytest.fixture
def wired(database: Database) -> Wired:
    moderators = EditableModerators({"slack:UMOD"})
    clock = FakeClock(NOW)
    sessions = ModeratorSessions(
        database=database,
        moderators=moderators,
        lifetime=LIFETIME,
        setup_token=SETUP_TOKEN,
        clock=clock,
    )
    return Wired(sessions, moderators, clock, database)


async def test_a_moderator_signs_in_and_the_token_resumes_the_session(wired: Wired) -> None:
    opened = await wired.sessions.start(MODERATOR, method="slack")
    resumed = await wired.restarted().resume(opened.token)
    assert resumed == opened.signed_in
    assert resumed.actor == MODERATOR and resumed.actor.acted_on == DASHBOARD
    assert resumed.actor.name == "Amina Diallo"
    assert resumed.expires_at == NOW + LIFETIME
    assert len(resumed.csrf_token) >= 32 and resumed.csrf_token != opened.token
    async with wired.database.sessions() as session:
        [row] = (await session.scalars(select(ModeratorSession))).all()
    assert row.token_hash == token_digest(opened.token) != opened.token


async def test_anyone_else_is_refused_and_nothing_is_stored(wired: Wired) -> None:
    with pytest.raises(NotAModeratorError):
        await wired.sessions.start(Actor("slack", "UMEMBER"), method="slack")
    async with wired.database.sessions() as session:
        assert (await session.scalars(select(ModeratorSession))).all() == []


async def test_a_session_ends_when_it_expires_is_signed_out_or_its_moderator_is_removed(
    wired: Wired,
) -> None:
    expiring = await wired.sessions.start(MODERATOR, method="slack")
    signing_out = await wired.sessions.start(MODERATOR, method="slack")
    removed = await wired.sessions.start(MODERATOR, method="slack")
    assert await wired.sessions.resume("not-a-token") is None

    await wired.sessions.end(signing_out.token)
    assert await wired.sessions.resume(signing_out.token) is None
    assert await wired.sessions.resume(expiring.token) is not None

    wired.clock.now = NOW + LIFETIME
    assert await wired.sessions.resume(expiring.token) is None

    wired.clock.now = NOW
    wired.moderators.ids.clear()
    assert await wired.sessions.resume(removed.token) is None
    wired.moderators.ids.add("slack:UMOD")  # back in the channel: that session stays ended
    assert await wired.sessions.resume(removed.token) is None

    async with wired.database.sessions() as session:
        trail = await audit_trail(session, target=DASHBOARD)
    assert [(e.action, (e.after or {}).get("reason")) for e in trail] == [
        ("sign-in", None),
        ("sign-in", None),
        ("sign-in", None),
        ("sign-out", "signed out"),
        ("sign-out", "no longer a moderator"),
    ]
    assert {e.actor for e in trail} == {"slack:UMOD"}


async def test_expired_sessions_are_deleted_when_the_next_one_opens(wired: Wired) -> None:
    await wired.sessions.start(MODERATOR, method="slack")
    wired.clock.now = NOW + LIFETIME + timedelta(seconds=1)
    await wired.sessions.start(MODERATOR, method="slack")
    async with wired.database.sessions() as session:
        rows = (await session.scalars(select(ModeratorSession))).all()
    assert [row.created_at for row in rows] == [wired.clock.now]


async def test_the_setup_token_signs_in_once_even_after_a_restart(wired: Wired) -> None:
    with pytest.raises(WrongSetupTokenError):
        await wired.sessions.redeem_setup_token("guess")
    opened = await wired.sessions.redeem_setup_token(SETUP_TOKEN)
    assert str(opened.signed_in.actor) == "setup:admin"
    assert await wired.sessions.resume(opened.token) is not None
    with pytest.raises(UsedSetupTokenError):
        await wired.sessions.redeem_setup_token(SETUP_TOKEN)
    with pytest.raises(UsedSetupTokenError):
        await wired.restarted().redeem_setup_token(SETUP_TOKEN)
    async with wired.database.sessions() as session:
        trail = await audit_trail(session, target=DASHBOARD)
    assert [(e.actor, e.action, e.after) for e in trail] == [
        ("setup:admin", "sign-in", {"method": "setup-token"})
    ]


async def test_without_a_configured_setup_token_none_is_accepted(wired: Wired) -> None:
    sessions = ModeratorSessions(
        database=wired.database, moderators=wired.moderators, lifetime=LIFETIME
    )
    with pytest.raises(SetupTokenError):
        await sessions.redeem_setup_token("")
