"""Slack's Socket Mode link, opened in the background.

`huribot serve` must go on delivering the outbox, the calendar and the Teams route while Slack
is unreachable, and stop on SIGTERM at any moment; readiness says whether the link is up. A
token Slack refuses is reported once, in one line saying what to fix, instead of being retried
forever (the SDK would retry every few seconds with a traceback each time).
"""

from __future__ import annotations

import asyncio
from enum import StrEnum

import structlog
from aiohttp import ClientError
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError

from adapters.readiness import CheckResult

logger = structlog.get_logger(__name__)

REFUSED_TOKEN_ERRORS = frozenset(
    {
        "invalid_auth",
        "not_authed",
        "not_allowed_token_type",
        "account_inactive",
        "token_revoked",
        "token_expired",
        "access_denied",
    }
)
"""`apps.connections.open` errors that no retry can cure: the app-level token is wrong."""
FIRST_RETRY_SECONDS = 1.0
MAX_RETRY_SECONDS = 60.0
CONNECT_TIMEOUT_SECONDS = 30.0
"""A websocket that does not open within this time is given up and a fresh URL asked for
(the URL `apps.connections.open` hands out is short-lived)."""


class LinkState(StrEnum):
    """Where the link stands, as `/readyz` reports it."""

    CONNECTING = "connecting"
    CONNECTED = "connected"
    REFUSED = "refused"
    CLOSED = "closed"


class SocketModeLink:
    """Connects bolt's Socket Mode handler, retrying with backoff, without blocking start-up."""

    def __init__(
        self,
        app: AsyncApp,
        app_token: str,
        *,
        first_retry_seconds: float = FIRST_RETRY_SECONDS,
        ping_interval: float = 10.0,
    ) -> None:
        self.handler = AsyncSocketModeHandler(app, app_token, ping_interval=ping_interval)
        self.state = LinkState.CONNECTING
        self.refusal: str | None = None
        self._first_retry = first_retry_seconds
        self._task: asyncio.Task[None] | None = None
        self._changed = asyncio.Event()

    def start(self) -> None:
        """Begin connecting; returns at once."""
        self._task = asyncio.create_task(self._connect(), name="slack-socket-mode")

    async def _connect(self) -> None:
        client = self.handler.client
        delay = self._first_retry
        attempt = 0
        while self.state is LinkState.CONNECTING:
            attempt += 1
            try:
                client.wss_uri = await client.issue_new_wss_url()
                await asyncio.wait_for(
                    self.handler.connect_async(),  # type: ignore[no-untyped-call]
                    timeout=CONNECT_TIMEOUT_SECONDS,
                )
            except SlackApiError as exc:
                error = str(exc.response.get("error", ""))
                if error in REFUSED_TOKEN_ERRORS:
                    self._refused(error)
                    return
                logger.warning("slack.socket_mode.retrying", attempt=attempt, error=error)
            except (OSError, TimeoutError, ClientError) as exc:
                logger.warning("slack.socket_mode.retrying", attempt=attempt, error=str(exc))
            else:
                self._set(LinkState.CONNECTED)
                logger.info("slack.socket_mode.connected", attempts=attempt)
                return
            client.wss_uri = None
            await asyncio.sleep(delay)
            delay = min(delay * 2, MAX_RETRY_SECONDS)

    def _refused(self, error: str) -> None:
        self.refusal = (
            f"Slack refused the app-level token ({error}): set HURIBOT_SLACK_APP_TOKEN to the "
            "app's xapp- token with the connections:write scope, then restart"
        )
        self._set(LinkState.REFUSED)
        logger.error("slack.socket_mode.refused", error=error, fix=self.refusal)

    def _set(self, state: LinkState) -> None:
        self.state = state
        self._changed.set()
        self._changed = asyncio.Event()

    async def wait_until(self, *states: LinkState) -> LinkState:
        """Wait until the link reaches one of `states` (for tests and start-up messages)."""
        while self.state not in states:
            await self._changed.wait()
        return self.state

    async def readiness(self) -> CheckResult:
        """Connected now (the SDK reconnects on its own after a drop or a `disconnect`)."""
        if self.state is LinkState.REFUSED:
            return CheckResult(ok=False, detail=self.refusal or "refused")
        if self.state is LinkState.CONNECTED and await self.handler.client.is_connected():
            return CheckResult(ok=True, detail="connected")
        return CheckResult(ok=False, detail="connecting to Slack (Socket Mode)")

    async def close(self) -> None:
        """Stop connecting, or close the open link."""
        self._set(LinkState.CLOSED)
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        await self.handler.close_async()  # type: ignore[no-untyped-call]
