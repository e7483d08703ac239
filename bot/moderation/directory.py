"""Who may moderate, and who is acting: the one check every moderator's action goes through.

Moderators are configured `platform:user` ids, operators on the server itself (the command
line and the console chat), and, where an adapter adds it, the members of a platform's
moderators' channel.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Protocol

import structlog

logger = structlog.get_logger(__name__)


class NotAModeratorError(PermissionError):
    """Raised when someone who is not a moderator tries a moderator's action."""

    def __init__(self) -> None:
        super().__init__(
            "Sorry, only the Secretariat's moderators can do that. If you think you should be "
            "one, ask the Secretariat to add you."
        )


@dataclass(frozen=True, slots=True)
class Actor:
    """Who is acting, for permission checks and the audit trail."""

    platform: str
    user_id: str
    name: str | None = field(default=None, compare=False)
    """The display name the platform sent with the action, when it sent one."""
    acted_on: str | None = field(default=None, compare=False)
    """Where they acted when it is not their platform's chat (`dashboard`: the web console,
    where a Slack or Teams moderator signs in as themselves)."""

    def __str__(self) -> str:
        return f"{self.platform}:{self.user_id}"

    @property
    def surface(self) -> str:
        """Where the action was taken: its card there is updated by the adapter itself."""
        return self.acted_on or self.platform


class ModeratorDirectory(Protocol):
    """Answers whether someone is a moderator (adapters may add their own sources)."""

    async def is_moderator(self, platform: str, user_id: str) -> bool:
        """True when the user may moderate."""


async def require_moderator(directory: ModeratorDirectory, actor: Actor) -> None:
    """Raise NotAModeratorError (logged) unless `actor` may moderate: the one check used by
    the queue, the chat commands and the platforms' buttons and dialogs."""
    if not await directory.is_moderator(actor.platform, actor.user_id):
        logger.info("moderation.refused", actor=str(actor))
        raise NotAModeratorError()


SETUP_PLATFORM = "setup"
"""The holder of the web dashboard's one-time set-up token, which only an operator of the
server can configure (HURIBOT_DASHBOARD_ADMIN_TOKEN)."""
LOCAL_PLATFORMS = frozenset({"cli", "console", SETUP_PLATFORM})
"""Actors typing on the server itself (`huribot queue ...`, `huribot chat`), or holding
what only its operators can set."""


@dataclass(frozen=True, slots=True)
class Moderators:
    """Who may moderate: `platform:user` ids (e.g. `slack:U123`, `teams:<aad id>`).

    The command line and the console chat are run by operators on the server, who can read
    the database anyway, so their actors are moderators (LOCAL_PLATFORMS)."""

    ids: frozenset[str] = frozenset()

    def allows(self, platform: str, user_id: str) -> bool:
        """True for configured moderators and operators at the command line or console."""
        return platform in LOCAL_PLATFORMS or f"{platform}:{user_id}" in self.ids

    async def is_moderator(self, platform: str, user_id: str) -> bool:
        """The directory interface over the configured list."""
        return self.allows(platform, user_id)


MembersSource = Callable[[], Awaitable[Iterable[str]]]
"""Fetches the user ids of a platform's moderators' channel."""
MEMBERSHIP_TTL_SECONDS = 300.0


class ChannelModerators:
    """Moderators are those `fallback` knows, plus the members of one platform's moderators'
    channel (asked of the platform at most every few minutes), so the Secretariat adds a
    moderator by adding them to the channel."""

    def __init__(
        self,
        *,
        fallback: ModeratorDirectory,
        platform: str,
        members: MembersSource,
        ttl_seconds: float = MEMBERSHIP_TTL_SECONDS,
    ) -> None:
        self._fallback = fallback
        self._platform = platform
        self._members = members
        self._ttl = ttl_seconds
        self._known: frozenset[str] = frozenset()
        self._fetched_at: float | None = None

    async def is_moderator(self, platform: str, user_id: str) -> bool:
        """Known to the fallback, or a member of this platform's moderators' channel."""
        if await self._fallback.is_moderator(platform, user_id):
            return True
        return platform == self._platform and user_id in await self._channel_members()

    async def _channel_members(self) -> frozenset[str]:
        """The cached members; when the platform cannot say, the last known ones (logged:
        the channel id may be wrong, or the bot not in it), and no one is wrongly let in."""
        now = time.monotonic()
        if self._fetched_at is None or now - self._fetched_at > self._ttl:
            self._fetched_at = now
            try:
                self._known = frozenset(await self._members())
            except Exception as exc:  # any platform failure: keep working on what is known
                logger.warning(
                    "moderation.channel_members_unavailable",
                    platform=self._platform,
                    error=repr(exc),
                    fix="check the moderators' channel setting and that the bot is a member",
                )
        return self._known
