"""The one fake clock of the tests: a callable returning `now`, which a test moves by hand
(instead of sleeping), for any code that takes a clock."""

from __future__ import annotations

from typing import Generic, TypeVar

T = TypeVar("T")


class FakeClock(Generic[T]):
    """`clock()` is `clock.now`; set or advance `now` to move time."""

    def __init__(self, now: T) -> None:
        self.now = now

    def __call__(self) -> T:
        return self.now
