"""Running a task every few seconds until told to stop, surviving its failures."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import structlog

from bot import metrics

logger = structlog.get_logger(__name__)


async def every(
    interval: float, work: Callable[[], Awaitable[object]], *, stop: asyncio.Event, name: str
) -> None:
    """Await `work()` now and then every `interval` seconds until `stop` is set; a failure is
    logged and the loop goes on (a database hiccup must not end the bot's upkeep)."""
    while not stop.is_set():
        try:
            await work()
        except Exception:
            logger.exception("periodic.failed", task=name)
            metrics.FAILURES.labels(f"task:{name}").inc()
        try:
            await asyncio.wait_for(stop.wait(), timeout=interval)
        except TimeoutError:
            continue
