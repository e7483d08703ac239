"""Slack's and Teams' side of the load test, in a process of its own: the fake Slack Web API
and Bot Connector the bot replies to, and an open-loop generator that sends the mix at a given
rate (a request leaves when it is due, whether or not earlier ones were answered, as the
platforms deliver events), signed as Slack signs and with a Bot Framework token as Teams sends.

The bot's process asks for a stage (rate, seconds, how long to wait for the replies after the
last request) and gets back what this side saw: acknowledgement latencies, statuses and
failures, and how many of the replies the requests called for arrived.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

import aiohttp
import numpy as np
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

from bench.load_events import (
    TEAMS_PATH,
    ReplyKey,
    Request,
    SlackReplies,
    Traffic,
    interleave,
    teams_reply,
)
from bench.loopback import cpu_seconds, received, require_loopback
from tests.fakes.bot_framework_keys import bot_framework_token
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.slack_signing import signed_headers
from tests.fakes.teams_connector import FakeConnector

POLL_SECONDS = 0.02
TOKEN_REFRESH_SECONDS = 300.0
"""The Bot Framework reuses a token for a while; this side signs a new one every 5 minutes."""
CONNECTIONS = 1000


@dataclass(frozen=True, slots=True)
class SideOptions:
    """What the load side needs to know of the bot: its secrets, and the mix to send."""

    signing_secret: str
    teams_app_id: str
    signing_key_pem: bytes
    """The key playing the Bot Framework's (the bot trusts its public half)."""
    mix: dict[str, int]
    timeout_s: float


@dataclass(frozen=True, slots=True)
class Stage:
    """`rate` requests a second for `seconds`, then up to `drain_s` for the replies."""

    rate: float
    seconds: float
    drain_s: float


@dataclass
class StageResult:
    """What the platforms' side saw of one stage."""

    offered: float
    sent: int = 0
    send_s: float = 0.0
    behind_ms: float = 0.0
    """How late the generator sent its latest request (it, not the bot, fell behind)."""
    latencies_ms: dict[str, list[float]] = field(default_factory=dict)
    statuses: Counter[int] = field(default_factory=Counter)
    failures: Counter[str] = field(default_factory=Counter)
    replies_expected: int = 0
    replies: int = 0
    reply_lag_s: float | None = None
    """From the last request to the last reply the stage called for (None: not all came)."""
    cpu_s: float = 0.0

    @property
    def achieved(self) -> float:
        """Requests completed per second of sending."""
        done = sum(len(v) for v in self.latencies_ms.values())
        return done / self.send_s if self.send_s > 0 else 0.0

    def ack_ms(self) -> dict[str, float]:
        """p50, p99 and max acknowledgement latency, over every kind."""
        every = [ms for values in self.latencies_ms.values() for ms in values]
        return latency_figures(every)

    def ack_p99_by_kind(self) -> dict[str, float]:
        return {kind: latency_figures(v)["p99"] for kind, v in self.latencies_ms.items()}


def latency_figures(samples: list[float]) -> dict[str, float]:
    """p50, p99 and max of `samples` in ms (zeros when there are none)."""
    if not samples:
        return {"p50": 0.0, "p99": 0.0, "max": 0.0}
    values = np.asarray(samples)
    return {
        "p50": round(float(np.percentile(values, 50)), 1),
        "p99": round(float(np.percentile(values, 99)), 1),
        "max": round(float(values.max()), 1),
    }


class Replies:
    """Matches the replies seen on the fakes with the requests that called for them."""

    def __init__(self) -> None:
        self._pending: Counter[ReplyKey] = Counter()
        self.matched = 0
        self.last_at = 0.0

    def expect(self, where: ReplyKey) -> None:
        self._pending[where] += 1

    def arrived(self, where: ReplyKey | None) -> None:
        """A reply landed `where`; one no request is waiting for (a second message of one
        answer, say) is not counted."""
        if where is None or self._pending[where] <= 0:
            return
        self._pending[where] -= 1
        if not self._pending[where]:
            del self._pending[where]
        self._count()

    def in_acknowledgement(self) -> None:
        """A request answered in its HTTP response (`/huribot help`, say)."""
        self._count()

    def _count(self) -> None:
        self.matched += 1
        self.last_at = time.monotonic()


class LoadSide:
    """Sends stages of requests at the bot at `origin`; reads the fakes' recordings."""

    def __init__(
        self,
        options: SideOptions,
        *,
        origin: str,
        session: aiohttp.ClientSession,
        slack: FakeSlackAPI,
        teams: FakeConnector,
    ) -> None:
        self._options = options
        self._origin = require_loopback(origin)
        self._session = session
        self._slack = slack
        self._teams = teams
        self._traffic = Traffic(slack_origin=slack.origin, service_url=teams.service_url)
        self._kinds: Iterator[str] = interleave(options.mix)
        self._slack_replies = SlackReplies()
        self._replies = Replies()
        key = serialization.load_pem_private_key(options.signing_key_pem, password=None)
        assert isinstance(key, RSAPrivateKey)
        self._key = key
        self._token = ""
        self._token_at = float("-inf")

    async def run(self, stage: Stage) -> StageResult:
        """Send the stage's requests on schedule, then wait for their replies."""
        result = StageResult(offered=stage.rate)
        cpu, before = cpu_seconds(), self._replies.matched
        watcher = asyncio.create_task(self._watch())
        try:
            began = time.monotonic()
            await self._send_all(stage, result, began)
            sent_at = time.monotonic()
            result.send_s = sent_at - began
            deadline = sent_at + stage.drain_s
            while self._replies.matched - before < result.replies_expected:
                if time.monotonic() > deadline:
                    break
                await asyncio.sleep(POLL_SECONDS)
        finally:
            watcher.cancel()
        self._collect()
        result.replies = self._replies.matched - before
        if result.replies >= result.replies_expected:
            result.reply_lag_s = round(max(0.0, self._replies.last_at - sent_at), 2)
        result.cpu_s = cpu_seconds() - cpu
        return result

    async def _send_all(self, stage: Stage, result: StageResult, began: float) -> None:
        count = max(1, round(stage.rate * stage.seconds))
        tasks = []
        for number in range(count):
            delay = began + number / stage.rate - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            else:
                result.behind_ms = max(result.behind_ms, -delay * 1000)
            request = self._traffic.next(next(self._kinds))
            if request.reply is not None:
                self._replies.expect(request.reply)
            result.replies_expected += 1
            tasks.append(asyncio.create_task(self._send(request, result)))
        result.sent = count
        await asyncio.gather(*tasks)

    async def _send(self, request: Request, result: StageResult) -> None:
        headers = self._headers(request)
        started = time.perf_counter()
        try:
            async with self._session.post(
                self._origin + request.path, data=request.body.encode(), headers=headers
            ) as response:
                text = await response.text()
        except TimeoutError:
            result.failures["timeout"] += 1
            return
        except aiohttp.ClientError as exc:
            result.failures[type(exc).__name__] += 1
            return
        result.latencies_ms.setdefault(request.kind, []).append(
            (time.perf_counter() - started) * 1000
        )
        result.statuses[response.status] += 1
        if not 200 <= response.status < 300:
            result.failures[f"HTTP {response.status}"] += 1
        elif request.reply is None and text.strip():
            self._replies.in_acknowledgement()

    def _headers(self, request: Request) -> dict[str, str]:
        if request.path != TEAMS_PATH:
            secret = self._options.signing_secret
            return signed_headers(request.body, secret, content_type=request.content_type)
        now = time.monotonic()
        if now - self._token_at > TOKEN_REFRESH_SECONDS:
            self._token = bot_framework_token(
                self._key, audience=self._options.teams_app_id, service_url=self._teams.service_url
            )
            self._token_at = now
        return {"Authorization": f"Bearer {self._token}", "Content-Type": request.content_type}

    async def _watch(self) -> None:
        """Read the fakes' recordings as they come, so clicks find answers to click on."""
        while True:
            self._collect()
            await asyncio.sleep(POLL_SECONDS)

    def _collect(self) -> None:
        """Take the calls and messages recorded since last time (and let the fakes forget
        them, so a long run does not grow this process)."""
        calls, self._slack.calls[:] = list(self._slack.calls), []
        for call in calls:
            self._traffic.saw(call)
            self._replies.arrived(self._slack_replies.where(call))
        sent, self._teams.sent[:] = list(self._teams.sent), []
        for delivered in sent:
            self._replies.arrived(teams_reply(delivered))


def load_side(connection: Connection, options: SideOptions) -> None:
    """The child process: start the fakes, tell the bot where they are, then run the stages
    it asks for until it sends None."""
    asyncio.run(_serve(connection, options))


async def _serve(connection: Connection, options: SideOptions) -> None:
    async with FakeSlackAPI() as slack, FakeConnector() as teams:
        connection.send({"slack_api_url": slack.url, "service_url": teams.service_url})
        origin: str = await received(connection)
        timeout = aiohttp.ClientTimeout(total=options.timeout_s)
        connector = aiohttp.TCPConnector(limit=CONNECTIONS)
        async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
            side = LoadSide(options, origin=origin, session=session, slack=slack, teams=teams)
            while (stage := await received(connection)) is not None:
                result = await side.run(stage)
                result.failures.update(_refused_cards(teams))
                connection.send(result)


def _refused_cards(teams: FakeConnector) -> dict[str, Any]:
    """Cards the bot sent that Microsoft's schema refuses, as failures (then forgotten, so the
    fake's exit does not fail on what was already reported)."""
    refused = len(teams.card_errors)
    teams.card_errors.clear()
    return {"card refused by the schema": refused} if refused else {}
