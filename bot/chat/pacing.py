"""Acknowledgements before answers, on the one event loop that serves both.

A platform wants each event acknowledged within seconds (Slack retries after 3 s), while a
stored question can wait its turn. Answering is CPU work on the same loop as the
acknowledgements, so under a burst every step of every answer under way would otherwise queue
before each step of each acknowledgement. While any request is being received, an answer
waits before its next step (claiming, searching, posting); it goes on in the gaps between
requests and catches up once the burst is over. It never waits longer than `patience` for one
step, so a request that holds on (a client sending its body slowly) cannot stop every answer.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager, suppress

PATIENCE_SECONDS = 0.25
"""The longest one step of an answer waits for the acknowledgements (a burst's gaps come every
few milliseconds)."""


class Pacing:
    """Shared by every adapter of one process (they share its event loop)."""

    def __init__(self, *, patience: float = PATIENCE_SECONDS) -> None:
        self._patience = patience
        self._receiving = 0
        self._quiet = asyncio.Event()
        self._quiet.set()

    @contextmanager
    def receiving(self) -> Iterator[None]:
        """Held while one request is stored and acknowledged: answers wait meanwhile."""
        self._receiving += 1
        self._quiet.clear()
        try:
            yield
        finally:
            self._receiving -= 1
            if self._receiving == 0:
                self._quiet.set()

    async def turn(self) -> None:
        """Return once no request is being received (at once when none is), or after
        `patience` seconds."""
        if self._receiving:
            with suppress(TimeoutError):
                async with asyncio.timeout(self._patience):
                    await self._quiet.wait()
