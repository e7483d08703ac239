"""Answers under way are capped and counted, so shutdown can wait for them."""

from __future__ import annotations

import asyncio

from adapters.inflight import InFlight


async def test_answers_beyond_the_limit_wait_and_settle_waits_for_all() -> None:
    answering = InFlight(limit=2)
    release = asyncio.Event()
    inside = 0
    most = 0

    async def answer() -> None:
        nonlocal inside, most
        async with answering.slot():
            inside += 1
            most = max(most, inside)
            await release.wait()
            inside -= 1

    tasks = [asyncio.create_task(answer()) for _ in range(5)]
    while inside < 2:
        await asyncio.sleep(0)
    assert answering.count == 5  # two answering, three waiting their turn
    assert await answering.settle(timeout=0) is False
    release.set()
    assert await answering.settle(timeout=30) is True
    await asyncio.gather(*tasks)
    assert most == 2 and answering.count == 0


async def test_a_failed_answer_frees_its_slot() -> None:
    answering = InFlight(limit=1)

    async def failing() -> None:
        async with answering.slot():
            raise RuntimeError("the platform refused")

    results = await asyncio.gather(failing(), failing(), return_exceptions=True)
    assert all(isinstance(r, RuntimeError) for r in results)
    assert answering.count == 0 and await answering.settle(timeout=0)
