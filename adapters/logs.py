"""Structured logging for every entry point: console or JSON lines on stderr, secrets never
written.

Every line goes through structlog's processors, the libraries' stdlib records included, so a
JSON log is JSON throughout. Tracebacks are rendered without local variables (a database URL
or a request's headers sit in the locals of the frames that fail) and every value, tracebacks
included, passes a redaction step that masks tokens, bearer credentials, passwords in URLs and
the configured secrets themselves.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterable, MutableMapping
from typing import Any

import structlog

MASK = "[redacted]"
SECRET_PATTERNS = (
    (re.compile(r"\bxox[abeoprs]-[A-Za-z0-9-]+"), MASK),  # Slack bot, user and config tokens
    (re.compile(r"\bxapp-[A-Za-z0-9-]+"), MASK),  # Slack app-level tokens
    (re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]+"), rf"\1 {MASK}"),
    (re.compile(r"(?i)(://[^\s/:@]+):[^\s/@]+@"), rf"\1:{MASK}@"),  # a URL's password
    (re.compile(r"(?i)\b(password=)[^\s&;'\"]+"), rf"\1{MASK}"),
)
SHORTEST_SECRET = 6
"""Configured secrets shorter than this are not masked verbatim (they would mask common words)."""


class _CurrentStderr:
    """Writes to whatever `sys.stderr` is at the time, so loggers survive stream swaps."""

    def write(self, text: str) -> int:
        return sys.stderr.write(text)

    def flush(self) -> None:
        sys.stderr.flush()


class Redactor:
    """A processor masking secrets in every string of an event, however deeply nested."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._secrets = sorted(
            {s for s in secrets if len(s) >= SHORTEST_SECRET}, key=len, reverse=True
        )

    def redact(self, text: str) -> str:
        """`text` with every known secret and secret-shaped string masked."""
        for secret in self._secrets:
            text = text.replace(secret, MASK)
        for pattern, replacement in SECRET_PATTERNS:
            text = pattern.sub(replacement, text)
        return text

    def _clean(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.redact(value)
        if isinstance(value, dict):
            return {key: self._clean(item) for key, item in value.items()}
        if isinstance(value, list | tuple):
            return [self._clean(item) for item in value]
        if isinstance(value, int | float | bool) or value is None:
            return value
        return self.redact(repr(value))

    def __call__(
        self, logger: Any, method: str, event: MutableMapping[str, Any]
    ) -> MutableMapping[str, Any]:
        return {key: self._clean(value) for key, value in event.items()}


def configure_logging(*, level: str, fmt: str, secrets: Iterable[str] = ()) -> None:
    """Route structlog and stdlib logging to stderr at `level`, as readable or JSON lines,
    with `secrets` (the configured tokens and passwords) never written."""
    numeric = logging.getLevelNamesMapping()[level]
    tracebacks: structlog.typing.Processor = (
        structlog.processors.ExceptionRenderer(
            structlog.tracebacks.ExceptionDictTransformer(show_locals=False)
        )
        if fmt == "json"
        else structlog.processors.format_exc_info
    )
    shared: list[structlog.typing.Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        tracebacks,
        Redactor(secrets),
    ]
    renderer: structlog.typing.Processor = (
        structlog.processors.JSONRenderer()
        if fmt == "json"
        else structlog.dev.ConsoleRenderer(
            colors=False, exception_formatter=structlog.dev.plain_traceback
        )
    )
    handler = logging.StreamHandler(_CurrentStderr())
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=[structlog.stdlib.add_logger_name, *shared],
            processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
        )
    )
    logging.basicConfig(level=numeric, handlers=[handler], force=True)
    structlog.configure(
        processors=[*shared, renderer],
        wrapper_class=structlog.make_filtering_bound_logger(numeric),
        logger_factory=structlog.PrintLoggerFactory(file=_CurrentStderr()),  # type: ignore[arg-type]
        cache_logger_on_first_use=False,
    )
