"""Recording what already happened elsewhere, through a database outage.

Once a reply is posted or a digest sent, the database must learn it: if that write is lost to
an outage, the claim expires and the question is answered, or the digest sent, a second time.
Such writes wait for the database to come back (with back-off) instead of failing at once.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import TypeVar

import structlog
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

logger = structlog.get_logger(__name__)

T = TypeVar("T")

UNREACHABLE = (OperationalError, InterfaceError, PoolTimeoutError)
"""What a database that is down, restarting or out of connections raises (a refused or
closed connection, a pool with none free). The writes retried here set what happened, so one
whose commit went through unseen does no harm when made again."""
FIRST_DELAY_SECONDS = 0.25
LONGEST_DELAY_SECONDS = 5.0


async def retry_while_unreachable(
    write: Callable[[], Awaitable[T]], *, patience: timedelta, what: str
) -> T:
    """`await write()`, again and again while the database cannot be reached, for up to
    `patience` (keep it within the claim's lease: past it another process may take the work up
    anyway); then, or on any other error, the error is raised."""
    deadline = time.monotonic() + patience.total_seconds()
    delay = FIRST_DELAY_SECONDS
    while True:
        try:
            return await write()
        except UNREACHABLE as exc:
            if time.monotonic() + delay > deadline:
                raise
            logger.warning(
                "database.unreachable", retrying=what, in_s=delay, error=type(exc).__name__
            )
        await asyncio.sleep(delay)
        delay = min(delay * 2, LONGEST_DELAY_SECONDS)
