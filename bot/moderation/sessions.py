"""Who is signed in to the web dashboard: moderators' sessions, kept in the database.

Server-side rather than signed cookies: signing out, a session's end and a moderator's
removal take effect at once on every server process (a signed cookie stays good until it
expires, whatever happened meanwhile), and no signing key has to be shared between processes
or rotated. The browser holds only a random token; the database keeps its SHA-256, so a copy
of the table signs nobody in. Each session has its own CSRF token for the dashboard's forms.
Signing in and out is recorded in the audit trail, like every moderator's action.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import structlog
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock, system_clock
from bot.db.audit import record_audit
from bot.db.engine import Database
from bot.db.models import ModeratorSession, SetupTokenUse
from bot.moderation.directory import SETUP_PLATFORM, Actor, ModeratorDirectory, require_moderator

logger = structlog.get_logger(__name__)

DASHBOARD = "dashboard"
"""Where a signed-in moderator acts (`Actor.acted_on`), and the audit target of signing in."""
SETUP_METHOD = "setup-token"
SETUP_ACTOR = Actor(SETUP_PLATFORM, "admin", name="Set-up administrator", acted_on=DASHBOARD)


class SetupTokenError(PermissionError):
    """The set-up token offered cannot sign in."""


class WrongSetupTokenError(SetupTokenError):
    """Not the configured set-up token (or none is configured)."""

    def __init__(self) -> None:
        super().__init__("That is not the set-up token (HURIBOT_DASHBOARD_ADMIN_TOKEN).")


class UsedSetupTokenError(SetupTokenError):
    """The set-up token signed in once already."""

    def __init__(self) -> None:
        super().__init__(
            "The set-up token has been used already: it signs in once. Sign in with your "
            "identity provider, or set a new HURIBOT_DASHBOARD_ADMIN_TOKEN and restart."
        )


@dataclass(frozen=True, slots=True)
class SignedIn:
    """A live session as read: who, how they signed in, the CSRF token of their forms."""

    actor: Actor
    method: str
    csrf_token: str
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class NewSession:
    """A session just opened: `token` goes in the browser's cookie and is stored nowhere."""

    token: str
    signed_in: SignedIn


def token_digest(token: str) -> str:
    """What the database keeps of a session token or set-up token."""
    return hashlib.sha256(token.encode()).hexdigest()


class ModeratorSessions:
    """Opens, resumes and ends moderators' dashboard sessions."""

    def __init__(
        self,
        *,
        database: Database,
        moderators: ModeratorDirectory,
        lifetime: timedelta,
        setup_token: str | None = None,
        clock: Clock = system_clock,
    ) -> None:
        self._database = database
        self._moderators = moderators
        self._lifetime = lifetime
        self._setup_token = setup_token
        self._clock = clock

    async def start(self, actor: Actor, *, method: str) -> NewSession:
        """Sign a moderator in (NotAModeratorError for anyone else, and nothing stored)."""
        await require_moderator(self._moderators, actor)
        async with self._database.transaction() as session:
            return await self._open(session, actor, method)

    async def redeem_setup_token(self, offered: str) -> NewSession:
        """Sign in with the one-time set-up token: it works once, ever (its use is stored,
        so neither a restart nor a second process lets it in again)."""
        configured = self._setup_token
        if configured is None or not hmac.compare_digest(offered.encode(), configured.encode()):
            logger.warning("dashboard.setup_token_refused", reason="wrong")
            raise WrongSetupTokenError()
        try:
            async with self._database.transaction() as session:
                session.add(SetupTokenUse(fingerprint=token_digest(configured), used_at=self._now))
                await session.flush()
                return await self._open(session, SETUP_ACTOR, SETUP_METHOD)
        except IntegrityError:
            logger.warning("dashboard.setup_token_refused", reason="used")
            raise UsedSetupTokenError() from None

    async def resume(self, token: str) -> SignedIn | None:
        """The live session of a cookie's token; None when unknown, expired, or its moderator
        is no longer one (the session then ends)."""
        digest = token_digest(token)
        async with self._database.sessions() as session:
            row = await session.scalar(
                select(ModeratorSession).where(
                    ModeratorSession.token_hash == digest,
                    ModeratorSession.expires_at > self._now,
                )
            )
        if row is None:
            return None
        signed_in = _signed_in(row)
        if not await self._moderators.is_moderator(row.platform, row.user_id):
            logger.info("dashboard.session_ended", actor=str(signed_in.actor), reason="removed")
            await self._close(digest, signed_in.actor, reason="no longer a moderator")
            return None
        return signed_in

    async def end(self, token: str) -> None:
        """Sign out: the token no longer resumes anything, on any process."""
        signed_in = await self.resume(token)
        if signed_in is not None:
            await self._close(token_digest(token), signed_in.actor, reason="signed out")

    @property
    def _now(self) -> datetime:
        return self._clock()

    async def _open(self, session: AsyncSession, actor: Actor, method: str) -> NewSession:
        now = self._now
        await session.execute(delete(ModeratorSession).where(ModeratorSession.expires_at <= now))
        token = secrets.token_urlsafe(32)
        row = ModeratorSession(
            token_hash=token_digest(token),
            platform=actor.platform,
            user_id=actor.user_id[:128],
            name=(actor.name or "")[:200] or None,
            method=method,
            csrf_token=secrets.token_urlsafe(32),
            created_at=now,
            expires_at=now + self._lifetime,
        )
        session.add(row)
        record_audit(
            session,
            at=now,
            actor=str(actor),
            action="sign-in",
            target=DASHBOARD,
            after={"method": method},
        )
        logger.info("dashboard.signed_in", actor=str(actor), method=method)
        return NewSession(token=token, signed_in=_signed_in(row))

    async def _close(self, digest: str, actor: Actor, *, reason: str) -> None:
        async with self._database.transaction() as session:
            await session.execute(
                delete(ModeratorSession).where(ModeratorSession.token_hash == digest)
            )
            record_audit(
                session,
                at=self._now,
                actor=str(actor),
                action="sign-out",
                target=DASHBOARD,
                after={"reason": reason},
            )


def _signed_in(row: ModeratorSession) -> SignedIn:
    actor = Actor(row.platform, row.user_id, name=row.name, acted_on=DASHBOARD)
    return SignedIn(
        actor=actor, method=row.method, csrf_token=row.csrf_token, expires_at=row.expires_at
    )
