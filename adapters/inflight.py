"""The answers under way on one platform: a few at once, and counted, so that `serve` can let
them finish before it stops (a rolling update must not cut an answer half-sent); and behind
the acknowledgements, which the platform wants within seconds while a stored question can
wait its turn."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager


class InFlight:
    """At most `limit` answers at once (answering is CPU work on the event loop: capping it
    keeps acknowledgements from queueing behind a burst); `settle` waits for those under way
    and those waiting their turn. An answer starts only when no request is being
    acknowledged (`receiving`): under a burst the event loop serves acknowledgements first
    and the stored questions queue, instead of acknowledgements queueing behind answers."""

    def __init__(self, limit: int) -> None:
        self._slots = asyncio.Semaphore(limit)
        self._count = 0
        self._idle = asyncio.Event()
        self._idle.set()
        self._receiving = 0
        self._quiet = asyncio.Event()
        self._quiet.set()

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
                await self._quiet.wait()
                yield
        finally:
            self._count -= 1
            if self._count == 0:
                self._idle.set()

    @contextmanager
    def receiving(self) -> Iterator[None]:
        """Held while one request is stored and acknowledged: no answer starts meanwhile."""
        self._receiving += 1
        self._quiet.clear()
        try:
            yield
        finally:
            self._receiving -= 1
            if self._receiving == 0:
                self._quiet.set()

    async def settle(self, timeout: float | None = None) -> bool:
        """Wait until no answer is under way; False when `timeout` seconds passed first."""
        try:
            async with asyncio.timeout(timeout):
                await self._idle.wait()
        except TimeoutError:
            return False
        return True
