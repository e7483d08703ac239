"""Slack's Events API delivering events to our HTTP endpoint, as Slack does it.

Each event is signed and POSTed; Slack counts it delivered only on a 2xx within 3 seconds,
and otherwise (an error status, a refused connection, a late answer) retries it with
`X-Slack-Retry-Num` and `X-Slack-Retry-Reason`: at once, then about a minute later, then about
five minutes later, and no more. `deliver` makes the first attempt and the immediate retry;
the later ones come from `redeliver` (a test calls it when it wants Slack's next retry to
arrive) or from `deliver(..., later=LATER_RETRIES)` in real time.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import aiohttp

from tests.adapters.common import load_recorded
from tests.fakes.slack_signing import FORM, signed_headers

ACK_SECONDS = 3.0
"""Slack gives up on an attempt not answered within this (and retries: `http_timeout`)."""
RETRIES = 3
LATER_RETRIES = (60.0, 300.0)
"""Seconds Slack waits before its second and third retries (the first comes at once)."""
TIMED_OUT = "http_timeout"
_SERIAL = itertools.count(1)


@dataclass(frozen=True, slots=True)
class Attempt:
    """One POST of an event: what our server answered, and how long it took."""

    retry_num: int | None
    status: int | None
    """None when no HTTP answer came (refused connection, timeout)."""
    reason: str | None
    """Slack's name for the failure (`http_error`, `connection_failed`, `http_timeout`)."""
    seconds: float
    at: float
    """`time.monotonic()` when it was sent."""

    @property
    def acknowledged(self) -> bool:
        """Whether Slack counts the event delivered."""
        return self.status is not None and 200 <= self.status < 300


@dataclass
class Delivery:
    """An event and every attempt to deliver it."""

    body: dict[str, Any]
    attempts: list[Attempt] = field(default_factory=list)

    @property
    def acknowledged(self) -> bool:
        """Whether some attempt was acknowledged (Slack then stops retrying)."""
        return any(attempt.acknowledged for attempt in self.attempts)

    @property
    def exhausted(self) -> bool:
        """Whether Slack has no retry left for it."""
        return len(self.attempts) > RETRIES

    @property
    def thread(self) -> tuple[str, str]:
        """The channel and the message ts the bot answers in (its thread)."""
        event = self.body["event"]
        return str(event["channel"]), str(event["ts"])


def mention(text: str) -> dict[str, Any]:
    """An app_mention of the bot, sent now, by a member of its own in a channel and message
    of its own (distinct event id and ts, as Slack's), so each answer can be told apart."""
    body = load_recorded("slack", "app_mention")
    n = next(_SERIAL)
    now = int(time.time())
    ts = f"{now}.{n % 1_000_000:06d}"
    event = body["event"]
    event.pop("blocks", None)
    event |= {
        "text": f"<@UBOT> {text}",
        "ts": ts,
        "event_ts": ts,
        "user": f"UF{n:08d}",
        "channel": f"CF{n:08d}",
        "client_msg_id": f"fault-{n}",
    }
    body |= {"event_id": f"EvF{now}{n:06d}", "event_time": now}
    return body


class SlackEvents:
    """Delivers events to `endpoint` (`…/slack/events`), signed with `secret`."""

    def __init__(self, endpoint: str, *, secret: str, session: aiohttp.ClientSession) -> None:
        self._endpoint = endpoint
        self._secret = secret
        self._session = session

    async def deliver(self, body: dict[str, Any], *, later: Sequence[float] = ()) -> Delivery:
        """Send the event, retry it at once if that failed, then once after each delay of
        `later` while still unacknowledged."""
        delivery = Delivery(body)
        await self._attempt(delivery)
        if not delivery.acknowledged:
            await self._attempt(delivery)
        for delay in later:
            if delivery.acknowledged or delivery.exhausted:
                break
            await asyncio.sleep(delay)
            await self._attempt(delivery)
        return delivery

    async def redeliver(self, delivery: Delivery) -> Delivery:
        """Slack's next retry of an unacknowledged event, if it has one left."""
        if not delivery.acknowledged and not delivery.exhausted:
            await self._attempt(delivery)
        return delivery

    async def interact(self, payload: dict[str, Any]) -> int:
        """POST an interaction (a button pressed, a modal submitted) as Slack does, a form
        with one `payload` field of JSON, to the same request URL; its HTTP status."""
        text = urlencode({"payload": json.dumps(payload)})
        headers = signed_headers(text, self._secret, content_type=FORM)
        async with self._session.post(self._endpoint, data=text, headers=headers) as response:
            await response.read()
            return response.status

    async def send(self, delivery: Delivery, *, retry_num: int | None = None) -> Attempt:
        """One POST of the event; with `retry_num`, as Slack's retry of an acknowledgement it
        did not see within ACK_SECONDS (a slow replica, a lost response), whatever was
        answered: behind a load balancer that retry may reach another replica than the first
        attempt did, or arrive while the first is still being handled."""
        return await self._post(delivery, None if retry_num is None else (retry_num, TIMED_OUT))

    async def _attempt(self, delivery: Delivery) -> Attempt:
        """The first attempt, or the retry after the last one (numbered, with its reason)."""
        last = delivery.attempts[-1] if delivery.attempts else None
        retry = None if last is None else (len(delivery.attempts), last.reason or "http_error")
        return await self._post(delivery, retry)

    async def _post(self, delivery: Delivery, retry: tuple[int, str] | None) -> Attempt:
        text = json.dumps(delivery.body)
        headers = signed_headers(text, self._secret)
        retry_num = None
        if retry is not None:
            retry_num = retry[0]
            headers |= {"X-Slack-Retry-Num": str(retry[0]), "X-Slack-Retry-Reason": retry[1]}
        status: int | None = None
        reason: str | None = None
        sent = time.monotonic()
        try:
            async with asyncio.timeout(ACK_SECONDS):
                async with self._session.post(self._endpoint, data=text, headers=headers) as r:
                    await r.read()
                    status = r.status
            reason = None if 200 <= status < 300 else "http_error"
        except TimeoutError:
            reason = TIMED_OUT
        except aiohttp.ClientError:
            reason = "connection_failed"
        attempt = Attempt(retry_num, status, reason, seconds=time.monotonic() - sent, at=sent)
        delivery.attempts.append(attempt)
        return attempt
