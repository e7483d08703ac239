"""Writes that record what already happened wait out a database outage, within their patience."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.exc import OperationalError

from bot.db.outage import retry_while_unreachable

REFUSED = OperationalError("SELECT 1", {}, ConnectionRefusedError("connection refused"))


class Flaky:
    """A write that finds the database away `outage` times, then succeeds."""

    def __init__(self, outage: int, failure: Exception = REFUSED) -> None:
        self.calls = 0
        self._outage = outage
        self._failure = failure

    async def __call__(self) -> str:
        self.calls += 1
        if self.calls <= self._outage:
            raise self._failure
        return "recorded"


async def test_a_write_is_retried_until_the_database_is_back() -> None:
    write = Flaky(outage=2)
    assert await retry_while_unreachable(write, patience=timedelta(minutes=1), what="t") == (
        "recorded"
    )
    assert write.calls == 3


async def test_past_its_patience_the_outage_is_raised() -> None:
    write = Flaky(outage=5)
    with pytest.raises(OperationalError):
        await retry_while_unreachable(write, patience=timedelta(0), what="t")
    assert write.calls == 1


async def test_any_other_error_is_raised_at_once() -> None:
    write = Flaky(outage=5, failure=ValueError("not an outage"))
    with pytest.raises(ValueError, match="not an outage"):
        await retry_while_unreachable(write, patience=timedelta(minutes=1), what="t")
    assert write.calls == 1
