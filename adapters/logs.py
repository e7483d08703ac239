"""Structured logging for every entry point: console or JSON lines on stderr, secrets never
written.

Every line goes through structlog's processors, the libraries' stdlib records included, so a
JSON log is JSON throughout. Tracebacks are rendered without local variables (a database URL
or a request's headers sit in the locals of the frames that fail) and every value, tracebacks
included, passes a redaction step that masks tokens, bearer credentials, passwords in URLs and
the configured secrets themselves.

Long-running processes (`serve`, `worker`) log in the background: the event loop only puts a
record on a queue, and a thread renders, redacts and writes it, so a slow or blocked stderr
(a full pipe, a stalled log shipper) or a burst of tracebacks during an outage never holds up
acknowledgements and health checks. One-shot commands write synchronously, so their last
lines are on the terminal before they exit.
"""

from __future__ import annotations

import atexit
import logging
import logging.handlers
import queue
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


class _RecordQueue(logging.handlers.QueueHandler):
    """Queues records as they are: rendering (tracebacks, redaction, JSON) waits for the
    writer thread instead of running in the caller, as the stdlib's `prepare` would."""

    def prepare(self, record: logging.LogRecord) -> logging.LogRecord:
        return record


def capture_exc_info(
    logger: Any, method: str, event: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """Resolve `exc_info=True` to the exception being handled now: by the time another
    thread renders the event, `sys.exc_info()` there is empty."""
    exc_info = event.get("exc_info")
    if exc_info is True:
        event["exc_info"] = sys.exc_info()
    elif isinstance(exc_info, BaseException):
        event["exc_info"] = (type(exc_info), exc_info, exc_info.__traceback__)
    return event


class _Writer:
    """The background writer thread of the current configuration, if any."""

    current: logging.handlers.QueueListener | None = None

    @classmethod
    def stop(cls) -> None:
        """Write what is queued, then end the thread."""
        if cls.current is not None:
            cls.current.stop()
            cls.current = None


atexit.register(_Writer.stop)


def flush_logs() -> None:
    """Wait until every record queued so far is written (a no-op when writing synchronously)."""
    if _Writer.current is not None:
        _Writer.current.queue.join()  # type: ignore[attr-defined]


def configure_logging(
    *, level: str, fmt: str, secrets: Iterable[str] = (), background: bool = False
) -> None:
    """Route structlog and stdlib logging to stderr at `level`, as readable or JSON lines,
    with `secrets` (the configured tokens and passwords) never written; with `background`,
    written by a thread so that logging never blocks the caller."""
    numeric = logging.getLevelNamesMapping()[level]
    tracebacks: structlog.typing.Processor = (
        structlog.processors.ExceptionRenderer(
            structlog.tracebacks.ExceptionDictTransformer(show_locals=False)
        )
        if fmt == "json"
        else structlog.processors.format_exc_info
    )
    in_caller: list[structlog.typing.Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        capture_exc_info,
    ]
    renderer: structlog.typing.Processor = (
        structlog.processors.JSONRenderer()
        if fmt == "json"
        else structlog.dev.ConsoleRenderer(
            colors=False, exception_formatter=structlog.dev.plain_traceback
        )
    )
    writer = logging.StreamHandler(_CurrentStderr())
    writer.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=[structlog.stdlib.add_logger_name, *in_caller],
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                tracebacks,
                Redactor(secrets),
                renderer,
            ],
        )
    )
    _Writer.stop()
    handler: logging.Handler = writer
    if background:
        records: queue.Queue[logging.LogRecord] = queue.Queue()
        handler = _RecordQueue(records)
        _Writer.current = logging.handlers.QueueListener(records, writer)
        _Writer.current.start()
    logging.basicConfig(level=numeric, handlers=[handler], force=True)
    structlog.configure(
        processors=[*in_caller, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        wrapper_class=structlog.make_filtering_bound_logger(numeric),
        logger_factory=structlog.stdlib.LoggerFactory(),
        cache_logger_on_first_use=False,
    )
