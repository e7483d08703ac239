"""Writes arriving together are committed together, and each caller gets its own result."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest

from bot.db.group_commit import GroupCommit


class Recorder:
    """A write that records its batches and can be held open until released."""

    def __init__(self) -> None:
        self.batches: list[list[int]] = []
        self.writing = asyncio.Event()
        self.release = asyncio.Event()
        self.release.set()
        self.fail_on: int | None = None

    async def write(self, items: Sequence[int]) -> list[int]:
        self.batches.append(list(items))
        self.writing.set()
        await self.release.wait()
        if self.fail_on in items:
            raise RuntimeError("the database refused the batch")
        return [item * 10 for item in items]


async def test_a_lone_item_is_written_at_once() -> None:
    recorder = Recorder()
    commits = GroupCommit(recorder.write)
    assert await commits.submit(1) == 10
    assert recorder.batches == [[1]]


async def test_items_arriving_during_a_commit_share_the_next_one() -> None:
    recorder = Recorder()
    recorder.release.clear()
    commits = GroupCommit(recorder.write)
    first = asyncio.create_task(commits.submit(1))
    await recorder.writing.wait()  # the first batch is being committed
    others = [asyncio.create_task(commits.submit(n)) for n in (2, 3, 4)]
    for _ in range(5):
        await asyncio.sleep(0)
    assert recorder.batches == [[1]]  # nothing written while one batch is under way
    recorder.release.set()
    assert await first == 10
    assert await asyncio.gather(*others) == [20, 30, 40]
    assert recorder.batches == [[1], [2, 3, 4]]


async def test_batches_hold_at_most_the_largest_number_of_items() -> None:
    recorder = Recorder()
    recorder.release.clear()
    commits = GroupCommit(recorder.write, largest=2)
    tasks = [asyncio.create_task(commits.submit(n)) for n in range(5)]
    await recorder.writing.wait()
    recorder.release.set()
    assert await asyncio.gather(*tasks) == [0, 10, 20, 30, 40]
    assert recorder.batches == [[0, 1], [2, 3], [4]]


async def test_a_failed_batch_fails_its_callers_only() -> None:
    recorder = Recorder()
    recorder.release.clear()
    recorder.fail_on = 2
    commits = GroupCommit(recorder.write)
    first = asyncio.create_task(commits.submit(1))
    await recorder.writing.wait()
    failing = [asyncio.create_task(commits.submit(n)) for n in (2, 3)]
    for _ in range(5):
        await asyncio.sleep(0)
    recorder.release.set()
    assert await first == 10
    for task in failing:
        with pytest.raises(RuntimeError, match="refused"):
            await task
    assert await commits.submit(5) == 50  # the next batch is written as usual
