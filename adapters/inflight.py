"""The answers under way on one platform: a few at once, and counted, so that `serve` can let
them finish before it stops (a rolling update must not cut an answer half-sent). Answers also
give way to acknowledgements at every step (`bot.chat.pacing`)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class InFlight:
    """At most `limit` answers at once (answering is CPU work on the event loop: capping it
    keeps a burst's answers from all being half-done at once); `settle` waits for those under
    way and those waiting their turn."""

    def __init__(self, limit: int) -> None:
        self._slots = asyncio.Semaphore(limit)
        self._count = 0
        self._idle = asyncio.Event()
        self._idle.set()

    @property
    def count(self) -> int:
        """Answers under way or waiting for a slot."""
        return self._count

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Hold one of the slots while answering (waiting for one is counted too)."""
        self._count += 1
        self._idle.clear()
        try:
            async with self._slots:
                yield
        finally:
            self._count -= 1
            if self._count == 0:
                self._idle.set()

    async def settle(self, timeout: float | None = None) -> bool:
        """Wait until no answer is under way; False when `timeout` seconds passed first."""
        try:
            async with asyncio.timeout(timeout):
                await self._idle.wait()
        except TimeoutError:
            return False
        return True
