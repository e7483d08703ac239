"""Taking a row for this process only: a conditional update that matches nothing once another
process has taken the row, so of several bot processes exactly one wins it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, cast

from sqlalchemy import Update
from sqlalchemy.engine import CursorResult
from sqlalchemy.ext.asyncio import AsyncSession

LEASE = timedelta(minutes=5)
"""A claim not completed within this long (its process died) is taken up again; the default
of HURIBOT_CLAIM_LEASE_SECONDS."""


async def won(session: AsyncSession, claim: Update) -> bool:
    """Run `claim` (an UPDATE whose WHERE still holds only if nobody took the row first);
    True when it changed the row."""
    result = await session.execute(claim.execution_options(synchronize_session=False))
    return cast(CursorResult[Any], result).rowcount == 1
