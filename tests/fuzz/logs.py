"""Errors logged while an input is handled, through structlog or the standard library
(aiohttp's "Error handling request", bolt's and the Agents SDK's own loggers)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import structlog


class _Collect(logging.Handler):
    def __init__(self, into: list[str]) -> None:
        super().__init__(level=logging.ERROR)
        self._into = into

    def emit(self, record: logging.LogRecord) -> None:
        self._into.append(f"{record.name}: {record.getMessage()}")


@contextmanager
def errors_logged() -> Iterator[list[str]]:
    """Every error (or worse) logged meanwhile, one line each."""
    found: list[str] = []
    handler = _Collect(found)
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        with structlog.testing.capture_logs() as events:
            yield found
    finally:
        root.removeHandler(handler)
        found.extend(
            f"{event['event']}: {event}"
            for event in events
            if event.get("log_level") in {"error", "critical", "exception"}
        )
