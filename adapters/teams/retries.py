"""A time limit and retries for every call HuriBot makes to the Bot Connector service.

The Agents SDK's HTTP sessions have neither: a hung call would hold an answer (and one of the
few answering slots) for minutes, and one 503 would hand an answerable question to the
Secretariat. Calls the service may safely see twice are retried, with back-off, when the
failure is passing: a 429 (after its `Retry-After`), a 5xx, a dropped connection. A call that
timed out is not retried: it may have been delivered, and a member would see it twice.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Awaitable, Callable, Mapping
from typing import TypeVar

import aiohttp
import structlog

logger = structlog.get_logger(__name__)

T = TypeVar("T")

BACKOFF_SECONDS = (0.5, 1.0, 2.0)
"""Waits before the second, third and fourth attempts; then the failure stands."""
MAX_RETRY_AFTER_SECONDS = 30.0
"""A longer `Retry-After` is cut to this: the answer is better late than given up."""
PASSING_STATUSES = frozenset({429, 500, 502, 503, 504})


def _retry_after(headers: Mapping[str, str] | None) -> float | None:
    """The seconds of a `Retry-After` header given in seconds (dates are not used here)."""
    value = (headers or {}).get("Retry-After", "")
    try:
        seconds = float(value)
    except ValueError:
        return None
    if math.isnan(seconds):
        return None
    return min(max(seconds, 0.0), MAX_RETRY_AFTER_SECONDS)


def retry_delay(error: BaseException, attempt: int) -> float | None:
    """Seconds to wait before retrying after `error` on attempt `attempt` (0 for the first),
    or None when the failure stands."""
    if attempt >= len(BACKOFF_SECONDS):
        return None
    if isinstance(error, aiohttp.ClientResponseError):
        if error.status not in PASSING_STATUSES:
            return None
        waited = _retry_after(error.headers) if error.status == 429 else None
        return BACKOFF_SECONDS[attempt] if waited is None else waited
    if isinstance(error, aiohttp.ClientConnectionError) and not isinstance(
        error, aiohttp.ServerTimeoutError
    ):
        return BACKOFF_SECONDS[attempt]
    return None


async def with_retries(call: Callable[[], Awaitable[T]], *, timeout: float, what: str) -> T:
    """`call()`'s result, each attempt cut off after `timeout` seconds (TimeoutError), passing
    failures retried as `retry_delay` says."""
    attempt = 0
    while True:
        try:
            async with asyncio.timeout(timeout):
                return await call()
        except Exception as error:
            delay = retry_delay(error, attempt)
            if delay is None:
                raise
            logger.warning(
                "teams.call_retried", call=what, attempt=attempt + 1, wait=delay, error=repr(error)
            )
            await asyncio.sleep(delay)
            attempt += 1
