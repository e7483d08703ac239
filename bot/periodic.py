"""Running a task every few seconds until told to stop, surviving its failures."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import structlog

from bot import metrics

logger = structlog.get_logger(__name__)


async def every(
    interval: float,
    work: Callable[[], Awaitable[object]],
    *,
    stop: asyncio.Event,
    name: str,
    wake: asyncio.Event | None = None,
) -> None:
    """Await `work()` now and then every `interval` seconds until `stop` is set, or as soon
    as `wake` is (another process said there is work; set during a round, it runs another);
    a failure is logged and the loop goes on (a database hiccup must not end the bot's
    upkeep)."""
    while not stop.is_set():
        if wake is not None:
            wake.clear()
        try:
            await work()
        except Exception:
            logger.exception("periodic.failed", task=name)
            metrics.FAILURES.labels(f"task:{name}").inc()
        await _rest(interval, stop, wake)


async def _rest(interval: float, stop: asyncio.Event, wake: asyncio.Event | None) -> None:
    """`interval` seconds, or less once `stop` or `wake` is set."""
    waits = [asyncio.ensure_future(event.wait()) for event in (stop, wake) if event is not None]
    try:
        await asyncio.wait(waits, timeout=interval, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiting in waits:
            waiting.cancel()
