"""The bot under load, as `huribot serve` runs it in production: Slack over HTTP with request
signing, Teams with credentials (every activity's Bot Framework token checked by the SDK),
questions answered inside the server (the default), and serve's background loops (outbox,
index sync, upkeep, calendar, recovery). It listens on loopback; the Slack Web API and the
Bot Connector it calls are the load side's fakes.

Its log goes, as JSON lines, to a file instead of the terminal; `BotLog` counts what was
logged at error level since it was last asked, so an exception is a failed step even when
every request was acknowledged.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from microsoft_agents.hosting.core import OutboundHostValidator

from adapters.cli.serve import run_until_stopped, serve_loops, web_app
from adapters.logs import configure_logging
from adapters.teams.connector import TeamsConnector
from adapters.wiring.platforms import Platforms, open_platforms, teams_connector
from bench.loopback import serving
from bot.settings import Settings, load_settings
from tests.fakes.bot_framework_keys import published_keys
from tests.fakes.entra import LocalEntra

SIGNING_SECRET = "bench-signing-secret"
TEAMS_APP_ID = "00000000-0000-4000-8000-00000000b07a"
TEAMS_TENANT_ID = "72f988bf-86f1-41af-91ab-2d7cd011db47"
ERROR_LEVELS = frozenset({"error", "critical"})
LISTED_ERRORS = 5


def bot_settings(*, database_url: str, slack_api_url: str, embedder: str) -> Settings:
    """Production's settings but for the addresses: Slack in HTTP mode, Teams with an app id
    and secret, answers in the server, logs at the default level as JSON."""
    return load_settings(
        {
            "HURIBOT_DATABASE_URL": database_url,
            "HURIBOT_EMBEDDER": embedder,
            "HURIBOT_LOG_FORMAT": "json",
            "HURIBOT_SLACK_BOT_TOKEN": "xoxb-bench-token",
            "HURIBOT_SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "HURIBOT_SLACK_API_URL": slack_api_url,
            "HURIBOT_TEAMS_APP_ID": TEAMS_APP_ID,
            "HURIBOT_TEAMS_APP_PASSWORD": "bench-app-password",
            "HURIBOT_TEAMS_TENANT_ID": TEAMS_TENANT_ID,
        }
    )


def private_pem(key: RSAPrivateKey) -> bytes:
    """The key, for the load side to sign Bot Framework tokens with."""
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def loopback_connector(settings: Settings) -> TeamsConnector:
    """The Bot Connector client of the settings, with Entra played locally and the load
    side's connector (on loopback, over HTTP) allowed as a service URL."""
    configured = teams_connector(settings)
    assert configured is not None, "Teams is configured in bot_settings"
    return TeamsConnector(
        configured.config,
        connections=LocalEntra(configured.auth),
        host_validator=OutboundHostValidator(enabled=False),
    )


@dataclass(frozen=True, slots=True)
class RunningBot:
    """The served bot: where it listens, and its platforms and services."""

    origin: str
    platforms: Platforms


@contextlib.asynccontextmanager
async def running_bot(settings: Settings, key: RSAPrivateKey) -> AsyncIterator[RunningBot]:
    """Serve until the block ends, trusting `key` as the Bot Framework's signing key."""
    with published_keys(key):
        connector = loopback_connector(settings)
        async with open_platforms(settings, connector=connector) as platforms:
            stop = asyncio.Event()
            async with serving(web_app(platforms, None)) as origin:
                loops = asyncio.create_task(run_until_stopped(stop, serve_loops(platforms, stop)))
                try:
                    yield RunningBot(origin=origin, platforms=platforms)
                finally:
                    stop.set()
                    await loops


class BotLog:
    """The bot's log in a file, counted by level as it grows."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._read = 0

    @contextlib.contextmanager
    def capturing(self, settings: Settings) -> Iterator[None]:
        """Send this process's log (structlog's and the libraries') to the file."""
        # the log follows `sys.stderr` (see adapters.logs), so pointing it at the file moves it
        with self.path.open("a", encoding="utf-8") as file, contextlib.redirect_stderr(file):
            configure_logging(
                level=settings.log_level, fmt="json", secrets=settings.secret_values()
            )
            yield

    def since_last(self) -> tuple[Counter[str], list[str]]:
        """Lines per level written since the last call, and the first error events."""
        with self.path.open(encoding="utf-8") as file:
            file.seek(self._read)
            lines = file.readlines()
            self._read = file.tell()
        levels: Counter[str] = Counter()
        errors: list[str] = []
        for line in lines:
            level, event = _level_and_event(line)
            levels[level] += 1
            if level in ERROR_LEVELS and len(errors) < LISTED_ERRORS:
                errors.append(event)
        return levels, errors


def _level_and_event(line: str) -> tuple[str, str]:
    """A JSON log line's level and event; a line that is not JSON (a warning Python printed,
    say) counts as `unparsed`."""
    try:
        entry = json.loads(line)
    except ValueError:
        return "unparsed", line.strip()[:200]
    if not isinstance(entry, dict):
        return "unparsed", line.strip()[:200]
    level = str(entry.get("level", "unknown"))
    if "exception" in entry:
        level = "error" if level not in ERROR_LEVELS else level
    return level, str(entry.get("event", ""))[:200]


def rss_mb() -> float:
    """This process's resident memory now (Linux's /proc), in MB."""
    for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status: RSS is read on Linux only")
