"""`huribot serve` as the fault runs drive it: Slack in HTTP mode on the fake Web API, started,
killed and started again on the same port (Slack's request URL does not change when the bot
restarts), each run logging to a file of its own; or several replicas of it on one database,
as a deployment behind a load balancer runs them. Shared by the fault tests and
`bench.faults`."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
from sqlalchemy.engine import make_url

from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.slack_events import SlackEvents
from tests.fakes.tcp_proxy import TcpProxy
from tests.processes import SIGNING_SECRET, HuribotProcess, free_port, start

MODERATORS_CHANNEL = "CMODS"
MODERATOR = "UMOD"


@dataclass
class ServedBot:
    """One bot deployment: its database, its settings, and the `serve` process running now."""

    database_url: str
    fake: FakeSlackAPI
    logs: Path
    settings: Mapping[str, str] = field(default_factory=dict)
    name: str = "serve"
    """Its log files' name (`<name>-<run>.log`): replicas log apart."""
    port: int = field(default_factory=free_port)
    runs: int = 0
    process: HuribotProcess | None = None

    @property
    def origin(self) -> str:
        """`http://127.0.0.1:<port>`."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def endpoint(self) -> str:
        """Slack's request URL."""
        return f"{self.origin}/slack/events"

    async def start(self) -> None:
        """Start `serve` and wait until it answers health checks."""
        self.launch()
        assert self.process is not None
        await self.process.serving()

    def launch(self) -> None:
        """Start `serve`, not waiting for it (replicas boot side by side)."""
        self.runs += 1
        settings = {
            "HURIBOT_LOG_FORMAT": "json",
            "HURIBOT_MODERATORS": f"slack:{MODERATOR}",
            "HURIBOT_SLACK_MODERATORS_CHANNEL": MODERATORS_CHANNEL,
            **self.settings,
        }
        self.process = start(
            "serve",
            url=self.database_url,
            slack_api=self.fake.url,
            extra=settings,
            log=self.logs / f"{self.name}-{self.runs}.log",
            port=self.port,
        )

    async def kill(self) -> None:
        """SIGKILL `serve` and the answer workers it started."""
        assert self.process is not None
        await asyncio.to_thread(self.process.kill)

    async def stop(self) -> None:
        """SIGTERM `serve`, which must then stop cleanly (the fake API answering meanwhile)."""
        assert self.process is not None
        assert await asyncio.to_thread(self.process.stop) == 0, self.output()

    def output(self) -> str:
        """The end of the current run's log (for a failure's message)."""
        return self.process.output() if self.process is not None else ""

    def events(self, session: aiohttp.ClientSession) -> SlackEvents:
        """Slack's Events API, delivering to this bot."""
        return SlackEvents(self.endpoint, secret=SIGNING_SECRET, session=session)


@asynccontextmanager
async def served(
    database_url: str, fake: FakeSlackAPI, *, logs: Path, settings: Mapping[str, str]
) -> AsyncIterator[ServedBot]:
    """A started bot; stopped cleanly (SIGTERM, exit status 0) afterwards unless killed."""
    async with replicas(database_url, fake, logs=logs, settings=settings, names=["serve"]) as [bot]:
        yield bot


@asynccontextmanager
async def replicas(
    database_url: str,
    fake: FakeSlackAPI,
    *,
    logs: Path,
    settings: Mapping[str, str],
    names: Sequence[str],
) -> AsyncIterator[list[ServedBot]]:
    """One started bot of each name, all on one database and one Slack, each on a port of
    its own, booted side by side (so their background loops start over the same due work);
    each stopped cleanly (SIGTERM, exit status 0) afterwards unless killed."""
    fake.members(MODERATORS_CHANNEL, [MODERATOR])
    bots = [
        ServedBot(database_url=database_url, fake=fake, logs=logs, settings=settings, name=name)
        for name in names
    ]
    try:
        for bot in bots:
            bot.launch()
        for bot in bots:
            assert bot.process is not None
            await bot.process.serving()
        yield bots
    finally:
        running = [bot for bot in bots if bot.process is not None and bot.process.running()]
        stopped = await asyncio.gather(*(bot.stop() for bot in running), return_exceptions=True)
        for failure in stopped:  # every replica stopped before the first failure is raised
            if failure is not None:
                raise failure


def through(proxy: TcpProxy, database_url: str) -> str:
    """`database_url` reaching its database through `proxy` (its host and port replaced)."""
    url = make_url(database_url).set(host=proxy.host, port=proxy.port)
    return url.render_as_string(hide_password=False)
