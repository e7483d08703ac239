"""A fake Slack Web API: a real aiohttp server on 127.0.0.1 that records every call.

The bot's `AsyncWebClient(base_url=fake.url)` talks to it exactly as it talks to Slack, so
tests assert which methods were called with which parameters, and can make the next calls
fail (HTTP 429 with Retry-After, or `{"ok": false, "error": ...}`) to exercise recovery.
`response_url`s of slash commands and interactions can point at it too (`response_url()`).
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from aiohttp import web

from tests.fakes.slack_blocks import block_errors, view_errors
from tests.fakes.slack_scopes import manifest_bot_scopes, missing_scope
from tests.fakes.slack_socket import SocketModeServer

RESPONSE_URL = "response_url"
"""The `method` recorded for a POST to a `response_url()` of this fake."""

AUTH = {
    "ok": True,
    "url": "https://huribot-test.slack.com/",
    "team": "HuriBot Test",
    "user": "huribot",
    "team_id": "T1",
    "user_id": "UBOT",
    "bot_id": "BBOT",
    "is_enterprise_install": False,
}


@dataclass(frozen=True, slots=True)
class Call:
    """One request the fake received."""

    method: str
    params: dict[str, Any]
    headers: Mapping[str, str]
    path: str
    at: float
    """`time.monotonic()` when it arrived."""
    answered_ok: bool
    """False when the fake answered with an error (injected failure, unknown method)."""
    response: dict[str, Any] | None
    """The JSON the fake answered with (None for a 429 or a response_url)."""
    client_port: int
    """The caller's TCP port: calls on one kept-alive connection share it."""


@dataclass
class _Failure:
    status: int
    retry_after: int
    error: str | None
    times: int


@dataclass
class FakeSlackAPI:
    """`async with FakeSlackAPI() as fake:` then point a Web API client at `fake.url`."""

    host: str = "127.0.0.1"
    calls: list[Call] = field(default_factory=list)
    _failures: dict[str, _Failure] = field(default_factory=dict)
    _runner: web.AppRunner | None = None
    _port: int = 0
    _next_ts: int = 100
    _members: dict[str, list[str]] = field(default_factory=dict)
    _outside: set[str] = field(default_factory=set)
    _arrived: asyncio.Condition | None = None
    granted: frozenset[str] = field(default_factory=manifest_bot_scopes)
    """The bot token's scopes: those the app manifest asks for, unless a test says otherwise."""
    socket: SocketModeServer = field(default_factory=SocketModeServer)
    """Socket Mode: `apps.connections.open` hands out websocket URLs served here."""

    async def start(self) -> None:
        """Listen on an ephemeral loopback port."""
        app = web.Application(client_max_size=4 * 1024 * 1024)
        app.router.add_post("/api/{method}", self._api)
        app.router.add_get("/api/{method}", self._api)  # the SDK reads lists with GET
        app.router.add_post("/responses/{token:.*}", self._response_url)
        app.router.add_get("/link/", self.socket.link)
        self._arrived = asyncio.Condition()
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, 0)
        await site.start()
        self._port = int(self._runner.addresses[0][1])

    async def stop(self) -> None:
        """Close the server."""
        if self._runner is not None:
            await self.socket.close_all()
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeSlackAPI:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def origin(self) -> str:
        """`http://127.0.0.1:<port>`."""
        return f"http://{self.host}:{self._port}"

    @property
    def url(self) -> str:
        """The Web API base URL, ending in '/' (what `AsyncWebClient(base_url=...)` wants)."""
        return f"{self.origin}/api/"

    def response_url(self, token: str = "T1/1234/abcd") -> str:
        """A `response_url` served by this fake; POSTs to it are recorded as RESPONSE_URL."""
        return f"{self.origin}/responses/{token}"

    def reset(self) -> None:
        """Forget recorded calls and pending failures (the server keeps running)."""
        self.calls.clear()
        self._failures.clear()
        self._next_ts = 100

    def bot_not_in(self, channel: str) -> None:
        """The bot is not a member of `channel`: posting there (chat.postMessage, and
        chat.postEphemeral) fails with `not_in_channel` and `conversations.info` says
        `is_member: false`, as Slack does."""
        self._outside.add(channel)

    def members(self, channel: str, user_ids: list[str]) -> None:
        """Who `conversations.members` says is in `channel` (other channels: not found)."""
        self._members[channel] = list(user_ids)

    def calls_to(self, method: str) -> list[Call]:
        """The calls of one method, oldest first."""
        return [call for call in self.calls if call.method == method]

    def fail_next(
        self,
        method: str,
        *,
        status: int = 429,
        retry_after: int = 1,
        times: int = 1,
        error: str | None = None,
    ) -> None:
        """Make the next `times` calls of `method` fail: HTTP `status` with Retry-After, or,
        given `error`, HTTP 200 with `{"ok": false, "error": error}` as Slack does."""
        self._failures[method] = _Failure(status, retry_after, error, times)

    async def wait_for(self, method: str, count: int = 1, timeout: float = 5.0) -> list[Call]:
        """Wait until `count` calls of `method` arrived (failed ones included) and return
        them; AssertionError listing what did arrive after `timeout` seconds."""
        await self.wait_until(
            lambda calls: sum(1 for c in calls if c.method == method) >= count,
            timeout=timeout,
            expected=f"{count} call(s) of {method}",
        )
        return self.calls_to(method)

    async def wait_until(
        self, condition: Callable[[list[Call]], bool], *, timeout: float = 5.0, expected: str
    ) -> None:
        """Wait, woken by each arriving call, until `condition(calls)` holds."""
        assert self._arrived is not None, "FakeSlackAPI.start() was not awaited"
        try:
            async with asyncio.timeout(timeout), self._arrived:
                await self._arrived.wait_for(lambda: condition(self.calls))
        except TimeoutError:
            received = [(call.method, call.params.get("channel")) for call in self.calls]
            raise AssertionError(
                f"expected {expected} within {timeout} s; received {received}"
            ) from None

    async def _record(
        self, request: web.Request, method: str, answer: Callable[[dict[str, Any]], Any]
    ) -> web.Response:
        params = await _params(request)
        response = answer(params)
        is_http = isinstance(response, web.Response)
        ok = response.status < 400 if is_http else bool(response.get("ok"))
        self.calls.append(
            Call(
                method=method,
                params=params,
                headers=dict(request.headers),
                path=request.path,
                at=time.monotonic(),
                answered_ok=ok,
                response=None if is_http else response,
                client_port=_client_port(request),
            )
        )
        assert self._arrived is not None
        async with self._arrived:
            self._arrived.notify_all()
        if isinstance(response, web.Response):
            return response
        return web.json_response(response)

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        failure = self._failures.get(method)
        if failure is not None and failure.times > 0:
            failure.times -= 1
            return await self._record(request, method, lambda _params: _failed(failure))
        if method == "apps.connections.open":
            authorization = request.headers.get("Authorization", "")
            return await self._record(
                request,
                method,
                lambda _params: self.socket.open_connection(authorization, self.origin),
            )
        answer = _ANSWERS.get(method)
        if answer is None:
            return await self._record(
                request, method, lambda _params: {"ok": False, "error": "unknown_method"}
            )
        return await self._record(
            request, method, lambda params: _checked(self, method, params, answer)
        )

    async def _response_url(self, request: web.Request) -> web.Response:
        def answer(params: dict[str, Any]) -> web.Response:
            if "blocks" in params and block_errors(params["blocks"]):
                return web.Response(status=400, text="invalid_blocks")
            return web.Response(text="ok")

        return await self._record(request, RESPONSE_URL, answer)

    def _post_message(self, params: dict[str, Any]) -> dict[str, Any]:
        if str(params.get("channel")) in self._outside:
            return {"ok": False, "error": "not_in_channel"}
        ts = f"1700000000.{self._next_ts:06d}"
        self._next_ts += 1
        message = {"type": "message", "text": params.get("text", ""), "ts": ts}
        message |= {"user": AUTH["user_id"], "bot_id": AUTH["bot_id"]}
        if params.get("thread_ts"):
            message["thread_ts"] = params["thread_ts"]
        return {"ok": True, "channel": params.get("channel"), "ts": ts, "message": message}


_CHECKS = (("blocks", block_errors, "invalid_blocks"), ("view", view_errors, "invalid_arguments"))
"""What Slack validates in a call's parameters, and the error it answers when that fails."""


def _checked(
    fake: FakeSlackAPI,
    method: str,
    params: dict[str, Any],
    answer: Callable[[FakeSlackAPI, dict[str, Any]], dict[str, Any]],
) -> dict[str, Any]:
    """Slack's answer, unless the token lacks the method's scope or the blocks or view sent
    break Block Kit's rules."""
    lacking = missing_scope(method, params, fake.granted)
    if lacking is not None:
        provided = ",".join(sorted(fake.granted))
        return {"ok": False, "error": "missing_scope", "needed": lacking, "provided": provided}
    for key, check, error in _CHECKS:
        errors = check(params[key]) if key in params else []
        if errors:
            return {"ok": False, "error": error, "response_metadata": {"messages": errors}}
    return answer(fake, params)


def _conversation_members(fake: FakeSlackAPI, params: dict[str, Any]) -> dict[str, Any]:
    members = fake._members.get(str(params.get("channel")))
    if members is None:
        return {"ok": False, "error": "channel_not_found"}
    return {"ok": True, "members": members, "response_metadata": {"next_cursor": ""}}


def _client_port(request: web.Request) -> int:
    peer = request.transport.get_extra_info("peername") if request.transport else None
    return int(peer[1]) if peer else 0


def _failed(failure: _Failure) -> dict[str, Any] | web.Response:
    if failure.error is not None:
        return {"ok": False, "error": failure.error}
    headers = {"Retry-After": str(failure.retry_after)}
    body = {"ok": False, "error": "ratelimited"}
    return web.json_response(body, status=failure.status, headers=headers)


async def _params(request: web.Request) -> dict[str, Any]:
    """Parameters from a JSON body, a form body (urlencoded or multipart), or the query."""
    params: dict[str, Any] = dict(request.query)
    if request.content_type == "application/json":
        body = await request.json() if request.can_read_body else {}
        params.update(body if isinstance(body, dict) else {"_body": body})
    elif request.can_read_body:
        params.update({key: value for key, value in (await request.post()).items()})
    return params


_ANSWERS: dict[str, Callable[[FakeSlackAPI, dict[str, Any]], dict[str, Any]]] = {
    "auth.test": lambda fake, params: AUTH,
    "chat.postMessage": FakeSlackAPI._post_message,
    "chat.postEphemeral": lambda fake, params: (
        {"ok": False, "error": "not_in_channel"}
        if str(params.get("channel")) in fake._outside
        else {"ok": True, "message_ts": "1700000000.999999"}
    ),
    "chat.update": lambda fake, params: {
        "ok": True,
        "channel": params.get("channel"),
        "ts": params.get("ts"),
        "text": params.get("text", ""),
    },
    "conversations.members": _conversation_members,
    "conversations.info": lambda fake, params: {
        "ok": True,
        "channel": {
            "id": params.get("channel"),
            "is_channel": True,
            "is_member": str(params.get("channel")) not in fake._outside,
        },
    },
    "views.update": lambda fake, params: {"ok": True, "view": params.get("view", {})},
    "views.publish": lambda fake, params: {"ok": True, "view": params.get("view", {})},
    "views.open": lambda fake, params: {"ok": True, "view": params.get("view", {})},
}


def posted_json(call: Call) -> str:
    """Everything a call sent, as one JSON string (for 'nothing posted contains X' checks)."""
    return json.dumps(call.params, ensure_ascii=False)
