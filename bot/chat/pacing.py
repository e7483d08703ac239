"""Acknowledgements before answers, on the one event loop that serves both.

A platform wants each event acknowledged within seconds (Slack retries after 3 s), while a
stored question can wait its turn. Answering is CPU work on the same loop as the
acknowledgements, so under a burst every step of every answer under way would otherwise queue
before each step of each acknowledgement. While any request is being received, an answer
waits before its next step (claiming, searching, posting); it goes on in the gaps between
requests and catches up once the burst is over.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager


class Pacing:
    """Shared by every adapter of one process (they share its event loop)."""

    def __init__(self) -> None:
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
        """Return once no request is being received (at once when none is)."""
        if self._receiving:
            await self._quiet.wait()
