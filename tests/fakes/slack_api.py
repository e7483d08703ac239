"""A fake Slack Web API: a real aiohttp server on 127.0.0.1 that records every call.

The bot's `AsyncWebClient(base_url=fake.url)` talks to it exactly as it talks to Slack, so
tests assert which methods were called with which parameters, and can make the next calls
fail (HTTP 429 with Retry-After, a 5xx, or `{"ok": false, "error": ...}`) or hang unanswered
to exercise recovery. `response_url`s of slash commands and interactions can point at it too
(`response_url()`).
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


Target = tuple[str, str | None]
"""The calls a fault applies to: a method, in one channel or (None) in any."""


@dataclass
class _Held:
    """A call held unanswered: its request, and what `release` decides (answer it or not)."""

    call: Call
    request: web.Request
    decision: asyncio.Future[bool]


@dataclass
class FakeSlackAPI:
    """`async with FakeSlackAPI() as fake:` then point a Web API client at `fake.url`."""

    host: str = "127.0.0.1"
    calls: list[Call] = field(default_factory=list)
    _failures: dict[Target, _Failure] = field(default_factory=dict)
    _hangs: dict[Target, int | None] = field(default_factory=dict)
    _held: list[_Held] = field(default_factory=list)
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
    latency: float = 0.0
    """Seconds each Web API call takes before it is done and answered (Slack's take a few
    tenths); none by default, so tests wait only on what they test."""

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
        """Close the server (calls still held are dropped)."""
        self._drop_held()
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
        """Forget recorded calls, pending failures and hangs (the server keeps running)."""
        self.calls.clear()
        self._failures.clear()
        self._drop_held()
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
        channel: str | None = None,
    ) -> None:
        """Make the next `times` calls of `method` (to `channel`, when given) fail: HTTP
        `status` (429 with Retry-After), or, given `error`, HTTP 200 with `{"ok": false,
        "error": error}` as Slack does."""
        self._failures[(method, channel)] = _Failure(status, retry_after, error, times)

    def hang(self, method: str, *, times: int | None = None, channel: str | None = None) -> None:
        """Hold the next `times` calls of `method` (every call, when None; to `channel`, when
        given) unanswered, as a Slack that took the request and never replied: the caller's
        time-out must fire. They are listed in `held`, not in `calls`, until `release`."""
        self._hangs[(method, channel)] = times

    def release(self, method: str, *, answer: bool) -> None:
        """Stop holding `method`'s calls. With `answer`, each held call is done now as Slack
        does it and joins `calls` (a caller that timed out meanwhile never hears of it, as with
        Slack); without, each is dropped: its connection closed and nothing done, as for a
        request lost on the way."""
        for target in [target for target in self._hangs if target[0] == method]:
            del self._hangs[target]
        for held in [held for held in self._held if held.call.method == method]:
            self._held.remove(held)
            held.decision.set_result(answer)

    def _drop_held(self) -> None:
        for method in {*(m for m, _ in self._hangs), *(held.call.method for held in self._held)}:
            self.release(method, answer=False)

    @property
    def held(self) -> list[Call]:
        """The calls held unanswered now, oldest first."""
        return [held.call for held in self._held]

    async def wait_for_held(
        self, method: str, *, channel: str | None = None, count: int = 1, timeout: float = 5.0
    ) -> list[Call]:
        """Wait until `count` calls of `method` (to `channel`, when given) are held unanswered,
        and return those."""

        def matching() -> list[Call]:
            return [
                call
                for call in self.held
                if call.method == method and channel in {None, call.params.get("channel")}
            ]

        await self.wait_until(
            lambda _calls: len(matching()) >= count,
            timeout=timeout,
            expected=f"{count} held call(s) of {method} to {channel or 'any channel'}",
        )
        return matching()

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
            _call(request, method, params, answered_ok=ok, response=None if is_http else response)
        )
        await self._notify()
        if isinstance(response, web.Response):
            return response
        return web.json_response(response)

    async def _notify(self) -> None:
        assert self._arrived is not None
        async with self._arrived:
            self._arrived.notify_all()

    @staticmethod
    def _target(table: Mapping[Target, object], method: str, params: dict[str, Any]) -> Target:
        """The key in `table` of the fault for this call: its channel's, else its method's."""
        channel = (method, str(params.get("channel")))
        return channel if channel in table else (method, None)

    def _holds(self, method: str, params: dict[str, Any]) -> bool:
        """Whether this call is to be held (counting it against `times`)."""
        target = self._target(self._hangs, method, params)
        if target not in self._hangs:
            return False
        remaining = self._hangs[target]
        if remaining is not None:
            if remaining == 0:
                return False
            self._hangs[target] = remaining - 1
        return True

    def _failure(self, method: str, params: dict[str, Any]) -> _Failure | None:
        """The failure to answer this call with, if one is due (counting it)."""
        failure = self._failures.get(self._target(self._failures, method, params))
        if failure is None or failure.times == 0:
            return None
        failure.times -= 1
        return failure

    async def _hold(self, request: web.Request, method: str) -> bool:
        """Hold a call until released; True when it is then to be answered."""
        call = _call(request, method, await _params(request), answered_ok=False, response=None)
        held = _Held(call, request, asyncio.get_running_loop().create_future())
        self._held.append(held)
        await self._notify()
        if await held.decision:
            return True
        if request.transport is not None:
            request.transport.close()
        return False

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await _params(request)
        if self._holds(method, params) and not await self._hold(request, method):
            return web.Response(status=504)  # never written: the connection is closed
        if self.latency:
            await asyncio.sleep(self.latency)
        failure = self._failure(method, params)
        if failure is not None:
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


def _call(
    request: web.Request,
    method: str,
    params: dict[str, Any],
    *,
    answered_ok: bool,
    response: dict[str, Any] | None,
) -> Call:
    return Call(
        method=method,
        params=params,
        headers=dict(request.headers),
        path=request.path,
        at=time.monotonic(),
        answered_ok=answered_ok,
        response=response,
        client_port=_client_port(request),
    )


def _client_port(request: web.Request) -> int:
    peer = request.transport.get_extra_info("peername") if request.transport else None
    return int(peer[1]) if peer else 0


def _failed(failure: _Failure) -> dict[str, Any] | web.Response:
    if failure.error is not None:
        return {"ok": False, "error": failure.error}
    if failure.status != 429:  # Slack's own failure: no advice on when to come back
        return web.json_response({"ok": False, "error": "fatal_error"}, status=failure.status)
    headers = {"Retry-After": str(failure.retry_after)}
    body = {"ok": False, "error": "ratelimited"}
    return web.json_response(body, status=failure.status, headers=headers)


async def _params(request: web.Request) -> dict[str, Any]:
    """Parameters from a JSON body, a form body (urlencoded or multipart), or the query."""
    params: dict[str, Any] = dict(request.query)
    if request.content_type == "application/json":
        body = await request.json() if request.body_exists else {}
        params.update(body if isinstance(body, dict) else {"_body": body})
    elif request.body_exists:  # read again for a held call: aiohttp keeps the body
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
