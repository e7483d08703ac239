"""The periodic runner repeats its work, survives failures and stops when told."""

from __future__ import annotations

import asyncio

from bot.periodic import every


async def test_work_repeats_survives_failures_and_stops() -> None:
    stop = asyncio.Event()
    calls: list[int] = []

    async def work() -> None:
        calls.append(len(calls))
        if len(calls) == 2:
            raise RuntimeError("database went away")
        if len(calls) == 4:
            stop.set()

    await asyncio.wait_for(every(0.001, work, stop=stop, name="test"), timeout=10)
    assert calls == [0, 1, 2, 3]


async def test_a_set_stop_runs_nothing() -> None:
    stop = asyncio.Event()
    stop.set()
    calls: list[int] = []

    async def work() -> None:
        calls.append(1)

    await every(60, work, stop=stop, name="test")
    assert calls == []
