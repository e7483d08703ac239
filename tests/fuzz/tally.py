"""How many inputs each fuzz test tried, and how many of them failed.

`@counted` (under `@given`) counts every example hypothesis runs, shrinking included; the
conftest names the test being run and prints the table at the end of the session.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from hypothesis.errors import HypothesisException

F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class Tried:
    """One test's figures."""

    inputs: int = 0
    failures: int = 0


TALLY: dict[str, Tried] = {}
"""Figures by pytest node id, in the order the tests ran."""
_running: list[str] = []


@contextmanager
def counting(test: str) -> Iterator[Tried]:
    """Count the examples run meanwhile as `test`'s."""
    tried = TALLY.setdefault(test, Tried())
    _running.append(test)
    try:
        yield tried
    finally:
        _running.pop()


@contextmanager
def _one_example() -> Iterator[None]:
    """Count one input of the running test, and a failure when it raised."""
    try:
        yield
    except Exception as exc:
        if _running and not isinstance(exc, HypothesisException):  # not hypothesis' own
            TALLY[_running[-1]].failures += 1
        raise
    finally:
        if _running:  # None outside pytest (a test module run by hand)
            TALLY[_running[-1]].inputs += 1


def counted(test: F) -> F:
    """Count each call of `test` (one per example) and each that raised."""
    if inspect.iscoroutinefunction(test):

        @functools.wraps(test)
        async def run_async(*args: Any, **kwargs: Any) -> Any:
            with _one_example():
                return await test(*args, **kwargs)

        return run_async  # type: ignore[return-value]

    @functools.wraps(test)
    def run(*args: Any, **kwargs: Any) -> Any:
        with _one_example():
            return test(*args, **kwargs)

    return run  # type: ignore[return-value]
