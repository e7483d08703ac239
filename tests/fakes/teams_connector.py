"""A fake Bot Framework connector service: a real aiohttp server on 127.0.0.1.

Activities carry it as their `serviceUrl`, so the SDK's connector client posts the bot's
replies, proactive messages and card updates here exactly as it would to Teams; each request
is recorded for tests to assert on, and the next ones can be made to fail.

It refuses what Teams refuses: explicit nulls (400 BadArgument) and messages over 28 KB (413
MessageSizeTooBig); every Adaptive Card received is checked against Microsoft's schema of the
version it declares, and leaving the fake fails the test if one was refused.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from aiohttp import web

from tests.fakes.adaptive_cards import schema_errors

ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive"
MESSAGE_BYTES = 28 * 1024
"""Teams' limit on one message, card included."""


@dataclass(frozen=True, slots=True)
class Delivered:
    """One request the bot made to the connector."""

    method: str
    conversation_id: str
    reply_to: str | None
    """The activity replied to (or updated), from the URL; None for a new message."""
    activity: dict[str, Any]
    authorization: str | None
    response_id: str

    @property
    def activity_id(self) -> str:
        """The id the fake gave the posted activity (what later updates refer to)."""
        return str(self.response_id)

    @property
    def card(self) -> dict[str, Any] | None:
        """The Adaptive Card the activity carries, if any."""
        for attachment in self.activity.get("attachments") or ():
            if attachment.get("contentType") == ADAPTIVE_CARD:
                content: dict[str, Any] = attachment["content"]
                return content
        return None

    def card_text(self) -> str:
        """Every TextBlock of the card, one per line."""
        card = self.card or {}
        return "\n".join(b.get("text", "") for b in card.get("body", ()) if "text" in b)

    def actions(self) -> list[dict[str, Any]]:
        """The card's buttons, in its body's action sets first, then its own actions."""
        card = self.card or {}
        return [*_body_actions(card.get("body", [])), *card.get("actions", ())]


@dataclass
class FakeConnector:
    """`async with FakeConnector() as fake:` then put `fake.service_url` in activities."""

    host: str = "127.0.0.1"
    sent: list[Delivered] = field(default_factory=list)
    attempts: int = 0
    """Requests to post or update an activity that arrived, refused and hung ones included."""
    _failures: int = 0
    _failure_status: int = 503
    _retry_after: str | None = None
    _hangs: int = 0
    _released: asyncio.Event | None = None
    _runner: web.AppRunner | None = None
    _port: int = 0
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _arrived: asyncio.Condition | None = None
    _members: dict[str, list[str]] = field(default_factory=dict)
    card_errors: list[str] = field(default_factory=list)
    """What Microsoft's schema refused in the cards received; the fake's exit fails on any."""

    async def __aenter__(self) -> FakeConnector:
        app = web.Application()
        conversation = "/v3/conversations/{conversation}/activities"
        app.router.add_post(conversation, self._record)
        app.router.add_post(conversation + "/{activity}", self._record)
        app.router.add_put(conversation + "/{activity}", self._record)
        app.router.add_get("/v3/conversations/{conversation}/members", self._list_members)
        self._arrived = asyncio.Condition()
        self._released = asyncio.Event()
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, self.host, 0).start()
        self._port = int(self._runner.addresses[0][1])
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.release()
        if self._runner is not None:
            await self._runner.cleanup()
        assert not self.card_errors, f"cards the schema refuses were sent: {self.card_errors}"

    @property
    def service_url(self) -> str:
        """What Teams would send as the activity's `serviceUrl`."""
        return f"http://{self.host}:{self._port}/"

    def reset(self) -> None:
        """Forget what was sent and pending failures; answer any hung request."""
        self.release()
        self.sent.clear()
        self.attempts = 0
        self._failures = 0

    def members(self, conversation_id: str, aad_object_ids: list[str]) -> None:
        """Who is in a conversation (for a channel: its team), by Entra object id."""
        self._members[conversation_id] = list(aad_object_ids)

    def fail_next(
        self, times: int = 1, *, status: int = 503, retry_after: str | None = None
    ) -> None:
        """Answer the next `times` requests with `status` (503 by default; 429 with a
        `Retry-After` header when given), as the Bot Connector does when overloaded."""
        self._failures, self._failure_status, self._retry_after = times, status, retry_after

    def hang_next(self, times: int = 1) -> None:
        """Leave the next `times` requests unanswered until `release()` (or the test's end)."""
        assert self._released is not None, "use FakeConnector in `async with`"
        self._hangs = times
        self._released.clear()

    def release(self) -> None:
        """Let every hung request go on, as a slow call finally does."""
        self._hangs = 0
        if self._released is not None:
            self._released.set()

    async def wait_for(
        self, condition: Callable[[list[Delivered]], bool], *, expected: str, timeout: float = 5.0
    ) -> list[Delivered]:
        """Wait, woken by each request, until `condition(sent)` holds; AssertionError listing
        what did arrive otherwise."""
        assert self._arrived is not None, "use FakeConnector in `async with`"
        try:
            async with asyncio.timeout(timeout), self._arrived:
                await self._arrived.wait_for(lambda: condition(self.sent))
        except TimeoutError:
            seen = [(s.method, s.conversation_id, s.reply_to) for s in self.sent]
            raise AssertionError(f"expected {expected} within {timeout} s; got {seen}") from None
        return list(self.sent)

    async def wait_until_attempted(self, count: int, timeout: float = 30.0) -> None:
        """Wait until `count` requests arrived, hung or refused ones included."""
        assert self._arrived is not None, "use FakeConnector in `async with`"
        async with asyncio.timeout(timeout), self._arrived:
            await self._arrived.wait_for(lambda: self.attempts >= count)

    async def wait_for_count(self, count: int, timeout: float = 5.0) -> list[Delivered]:
        """Wait until `count` requests arrived."""
        return await self.wait_for(
            lambda sent: len(sent) >= count, expected=f"{count} request(s)", timeout=timeout
        )

    async def _list_members(self, request: web.Request) -> web.Response:
        found = self._members.get(request.match_info["conversation"])
        if found is None:
            return web.json_response({"error": {"code": "ConversationNotFound"}}, status=404)
        # the shape of Teams' roster (GET /v3/conversations/{id}/members, Teams REST reference):
        # the Entra id is `objectId` there, unlike the `aadObjectId` of activities
        accounts = [
            {
                "id": f"29:{aad}",
                "name": f"Member {n}",
                "objectId": aad,
                "givenName": "Member",
                "surname": str(n),
                "userPrincipalName": f"member{n}@example.org",
                "tenantId": "tenant-1",
                "userRole": "user",
            }
            for n, aad in enumerate(found)
        ]
        return web.json_response(accounts)

    async def _record(self, request: web.Request) -> web.Response:
        self.attempts += 1
        assert self._arrived is not None
        async with self._arrived:
            self._arrived.notify_all()
        if self._hangs > 0:
            self._hangs -= 1
            assert self._released is not None
            await self._released.wait()
        if self._failures > 0:
            self._failures -= 1
            headers = {"Retry-After": self._retry_after} if self._retry_after else None
            code = "TooManyRequests" if self._failure_status == 429 else "ServiceUnavailable"
            error = {"error": {"code": code}}
            return web.json_response(error, status=self._failure_status, headers=headers)
        reply_to = request.match_info.get("activity")
        body = await request.json()
        if request.content_length is not None and request.content_length > MESSAGE_BYTES:
            error = {"error": {"code": "MessageSizeTooBig", "message": "Message size too big"}}
            return web.json_response(error, status=413)
        nulls = list(_null_paths(body))
        if nulls:
            # the Bot Connector (and the Agents Playground) refuse explicit nulls
            message = f"Invalid activity: null value at {', '.join(nulls)}"
            error = {"error": {"code": "BadArgument", "message": message}}
            return web.json_response(error, status=400)
        for attachment in body.get("attachments") or ():
            if attachment.get("contentType") == ADAPTIVE_CARD:
                self.card_errors += [
                    f"{request.path}: {e}" for e in schema_errors(attachment["content"])
                ]
        new_id = reply_to if request.method == "PUT" and reply_to else f"sent-{next(self._ids)}"
        self.sent.append(
            Delivered(
                method=request.method,
                conversation_id=request.match_info["conversation"],
                reply_to=reply_to,
                activity=body,
                authorization=request.headers.get("Authorization"),
                response_id=new_id,
            )
        )
        assert self._arrived is not None
        async with self._arrived:
            self._arrived.notify_all()
        return web.json_response({"id": new_id})


def _null_paths(value: object, path: str = "") -> Iterator[str]:
    """Where a JSON document holds null, as dotted paths."""
    if value is None:
        yield path or "(root)"
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _null_paths(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _null_paths(item, f"{path}[{index}]")


def _body_actions(elements: list[dict[str, Any]]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for element in elements:
        if element.get("type") == "ActionSet":
            found.extend(element.get("actions", []))
        found.extend(_body_actions(element.get("items", [])))
    return found
