"""Slack's Socket Mode, served by the fake Web API: `apps.connections.open` hands out a
websocket URL on the fake itself, where Slack's envelopes are sent and the app's acks read.

Shapes follow Slack's Socket Mode documentation: `hello` on connect (with `num_connections`
and `debug_info`), `events_api` / `slash_commands` / `interactive` envelopes each carrying an
`envelope_id` the app must echo back, and `disconnect` (`refresh_requested`, `warning`) after
which the app is expected to open a new connection. `apps.connections.open` wants the app-level
(`xapp-`) token in the Authorization header and answers `not_allowed_token_type` to a bot
token, `not_authed` without one and `invalid_auth` to any other.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

APP_TOKEN = "xapp-1-A0HURIBOT-1-test"


@dataclass(frozen=True, slots=True)
class Ack:
    """What the app sent back for one envelope."""

    envelope_id: str
    payload: dict[str, Any] | None
    connection: int
    """Which connection (1 = first) carried it."""


@dataclass
class SocketModeServer:
    """The websocket side of the fake; `FakeSlackAPI.socket` is one of these."""

    app_token: str = APP_TOKEN
    tickets_issued: int = 0
    connections: list[web.WebSocketResponse] = field(default_factory=list)
    acks: list[Ack] = field(default_factory=list)
    unknown_acks: list[str] = field(default_factory=list)
    _sent: dict[str, str] = field(default_factory=dict)
    _tickets: set[str] = field(default_factory=set)
    _serial: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _changed: asyncio.Condition = field(default_factory=asyncio.Condition)

    def open_connection(self, authorization: str, origin: str) -> dict[str, Any]:
        """The answer to `apps.connections.open`."""
        token = authorization.removeprefix("Bearer ").strip()
        if not token:
            return {"ok": False, "error": "not_authed"}
        if token.startswith("xoxb-"):
            return {"ok": False, "error": "not_allowed_token_type"}
        if token != self.app_token:
            return {"ok": False, "error": "invalid_auth"}
        self.tickets_issued += 1
        ticket = f"ticket-{self.tickets_issued}"
        self._tickets.add(ticket)
        websocket = origin.replace("http://", "ws://", 1)
        return {"ok": True, "url": f"{websocket}/link/?ticket={ticket}&app_id=A0HURIBOT"}

    async def link(self, request: web.Request) -> web.StreamResponse:
        """The websocket endpoint: a ticket is good for one connection, as Slack's are."""
        ticket = request.query.get("ticket", "")
        if ticket not in self._tickets:
            raise web.HTTPUnauthorized(text="invalid or used ticket")
        self._tickets.discard(ticket)
        socket = web.WebSocketResponse(autoping=True)
        await socket.prepare(request)
        self.connections.append(socket)
        number = len(self.connections)
        await socket.send_json(
            {
                "type": "hello",
                "num_connections": sum(1 for c in self.connections if not c.closed),
                "debug_info": {
                    "host": "applink-fake-1",
                    "build_number": 1,
                    "approximate_connection_time": 18060,
                },
                "connection_info": {"app_id": "A0HURIBOT"},
            }
        )
        await self._notify()
        async for message in socket:
            if message.type == WSMsgType.TEXT:
                await self._acknowledged(json.loads(message.data), number)
        await self._notify()
        return socket

    async def _acknowledged(self, body: dict[str, Any], connection: int) -> None:
        envelope_id = str(body.get("envelope_id", ""))
        if envelope_id not in self._sent:
            self.unknown_acks.append(envelope_id)
        else:
            self.acks.append(Ack(envelope_id, body.get("payload"), connection))
        await self._notify()

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def wait_for_connections(self, count: int, timeout: float = 10.0) -> None:
        """Until `count` connections have been opened in all (and the last is open)."""
        await self._wait(
            lambda: len(self.connections) >= count and not self.connections[-1].closed,
            timeout,
            f"{count} connection(s); got {len(self.connections)}",
        )

    async def send(
        self, kind: str, payload: dict[str, Any], *, accepts_response_payload: bool = False
    ) -> str:
        """Send one envelope on the newest open connection; returns its envelope_id."""
        envelope_id = f"env-{next(self._serial):04d}"
        self._sent[envelope_id] = kind
        envelope = {
            "envelope_id": envelope_id,
            "payload": payload,
            "type": kind,
            "accepts_response_payload": accepts_response_payload,
        }
        if kind == "events_api":
            envelope |= {"retry_attempt": 0, "retry_reason": ""}
        await self._open_connection().send_json(envelope)
        return envelope_id

    async def disconnect(self, reason: str = "refresh_requested") -> None:
        """Tell the app to move to a new connection, as Slack does every few hours."""
        await self._open_connection().send_json(
            {"type": "disconnect", "reason": reason, "debug_info": {"host": "applink-fake-1"}}
        )

    async def ack_for(self, envelope_id: str, timeout: float = 10.0) -> Ack:
        """The app's ack of one envelope, waited for."""
        await self._wait(
            lambda: any(a.envelope_id == envelope_id for a in self.acks),
            timeout,
            f"an ack of {envelope_id}",
        )
        return next(a for a in self.acks if a.envelope_id == envelope_id)

    async def close_all(self) -> None:
        """Close every connection (the fake is stopping)."""
        for socket in self.connections:
            await socket.close()

    def _open_connection(self) -> web.WebSocketResponse:
        open_ones = [c for c in self.connections if not c.closed]
        assert open_ones, "no Socket Mode connection is open"
        return open_ones[-1]

    async def _wait(self, condition: Any, timeout: float, expected: str) -> None:
        try:
            async with asyncio.timeout(timeout), self._changed:
                await self._changed.wait_for(condition)
        except TimeoutError:
            raise AssertionError(f"expected {expected} within {timeout} s") from None
