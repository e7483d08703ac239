"""Readiness of Slack in HTTP mode: no connection is held, so ready means Slack accepts the
bot token (`auth.test`). The answer is remembered for a while: probes come every few seconds
and should not each cost a call to Slack."""

from __future__ import annotations

import time
from collections.abc import Callable

from aiohttp import ClientError
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.readiness import CheckResult

REMEMBER_SECONDS = 300.0


class BotTokenCheck:
    """`auth.test`, re-asked once REMEMBER_SECONDS have passed since the last answer."""

    def __init__(
        self, client: AsyncWebClient, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._client = client
        self._clock = clock
        self._last: tuple[float, CheckResult] | None = None

    async def __call__(self) -> CheckResult:
        now = self._clock()
        if self._last is not None and now - self._last[0] < REMEMBER_SECONDS:
            return self._last[1]
        try:
            await self._client.auth_test()
        except SlackApiError as exc:
            error = exc.response.get("error", "")
            result = CheckResult(
                ok=False,
                detail=f"Slack refused the bot token ({error}): check HURIBOT_SLACK_BOT_TOKEN",
            )
        except (OSError, ClientError) as exc:
            return CheckResult(ok=False, detail=f"Slack unreachable: {type(exc).__name__}")
        else:
            result = CheckResult(ok=True, detail="bot token accepted")
        self._last = (now, result)
        return result
