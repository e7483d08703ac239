"""The periodic runner repeats its work, survives failures, runs again when woken and stops
when told."""

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


async def test_a_wake_runs_the_work_at_once_and_one_set_during_a_round_runs_another() -> None:
    stop, wake = asyncio.Event(), asyncio.Event()
    rounds: list[int] = []
    second_round = asyncio.Event()

    async def work() -> None:
        rounds.append(len(rounds))
        if len(rounds) == 2:
            wake.set()  # a notice arriving while the round runs
            second_round.set()
        if len(rounds) == 3:
            stop.set()

    loop = asyncio.create_task(every(3600, work, stop=stop, name="test", wake=wake))
    while not rounds:
        await asyncio.sleep(0)
    wake.set()  # with an hour between rounds, only the wake can start the next ones
    await asyncio.wait_for(second_round.wait(), timeout=30)
    await asyncio.wait_for(loop, timeout=30)
    assert rounds == [0, 1, 2]


async def test_stop_ends_the_rest_between_rounds_at_once() -> None:
    stop = asyncio.Event()
    started = asyncio.Event()

    async def work() -> None:
        started.set()

    loop = asyncio.create_task(every(3600, work, stop=stop, name="test", wake=asyncio.Event()))
    await asyncio.wait_for(started.wait(), timeout=30)
    stop.set()
    await asyncio.wait_for(loop, timeout=30)
