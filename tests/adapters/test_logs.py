"""Logs never hold a secret, in either format, and are structured throughout in JSON mode."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import sys
import threading
from collections.abc import Iterator

import pytest
import structlog

from adapters.logs import MASK, Redactor, configure_logging, flush_logs
from bot.settings import load_settings

DATABASE_URL = "postgresql://huribot:s3cret-Pa55@db.internal:5432/huribot"
BOT_TOKEN = "xoxb-1111111111-2222222222-AbCdEfGhIjKlMnOpQrStUvWx"
SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"


def _fail_with_secrets_in_locals() -> None:
    url = DATABASE_URL  # noqa: F841 - a local a traceback with locals would print
    headers = {"Authorization": f"Bearer {BOT_TOKEN}"}  # noqa: F841
    raise ConnectionError(f"could not connect to {DATABASE_URL}")


def _log_a_failure() -> None:
    try:
        _fail_with_secrets_in_locals()
    except ConnectionError:
        structlog.get_logger("tests").exception("periodic.failed", task="outbox")
    logging.getLogger("aiohttp.access").warning("a library line with %s", f"token {BOT_TOKEN}")


@pytest.mark.parametrize("fmt", ["console", "json"])
def test_no_secret_reaches_the_log(fmt: str, capsys: pytest.CaptureFixture[str]) -> None:
    settings = load_settings(
        {
            "HURIBOT_DATABASE_URL": DATABASE_URL,
            "HURIBOT_SLACK_BOT_TOKEN": BOT_TOKEN,
            "HURIBOT_SLACK_SIGNING_SECRET": SIGNING_SECRET,
        }
    )
    configure_logging(level="INFO", fmt=fmt, secrets=settings.secret_values())
    _log_a_failure()
    structlog.get_logger("tests").info("slack.configured", secret=SIGNING_SECRET)
    written = capsys.readouterr().err
    assert "periodic.failed" in written and "ConnectionError" in written
    for secret in ("s3cret-Pa55", BOT_TOKEN, SIGNING_SECRET):
        assert secret not in written
    assert MASK in written


def test_json_lines_are_json_with_the_traceback_and_the_library_lines(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure_logging(level="INFO", fmt="json")
    _log_a_failure()
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    failure, library = lines
    assert failure["event"] == "periodic.failed" and failure["level"] == "error"
    assert failure["exception"][0]["exc_type"] == "ConnectionError"
    assert "exc_info" not in failure
    assert all(not frame.get("locals") for frame in failure["exception"][0]["frames"])
    assert library["logger"] == "aiohttp.access" and library["level"] == "warning"
    assert BOT_TOKEN not in library["event"]


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("connect to postgresql://bot:hunter2x@db/x failed", "postgresql://bot:"),
        ("Authorization: Bearer eyJhbGciOi.J9.abc", "Authorization: "),
        ("xapp-1-A0B1C2-3333-abcdef was refused", " was refused"),
        ("dsn host=db password=hunter2x user=bot", "user=bot"),
    ],
)
def test_secret_shaped_strings_are_masked(text: str, kept: str) -> None:
    redacted = Redactor().redact(text)
    assert MASK in redacted and kept in redacted
    assert "hunter2x" not in redacted and "eyJhbGciOi" not in redacted


class _StalledStderr(io.StringIO):
    """A stderr whose writes wait until released, as a full pipe or a stalled shipper does."""

    def __init__(self) -> None:
        super().__init__()
        self.released = threading.Event()

    def write(self, text: str) -> int:
        assert self.released.wait(timeout=60), "the test never released the stream"
        return super().write(text)


@pytest.fixture
def stalled_stderr() -> Iterator[_StalledStderr]:
    """The stream; the test puts it in place (pytest resets `sys.stderr` before each phase)."""
    stream = _StalledStderr()
    yield stream
    stream.released.set()
    flush_logs()
    configure_logging(level="INFO", fmt="console")  # back to synchronous for later tests


@pytest.mark.parametrize("fmt", ["console", "json"])
async def test_background_logging_never_blocks_the_event_loop(
    fmt: str, stalled_stderr: _StalledStderr, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stderr", stalled_stderr)
    configure_logging(level="INFO", fmt=fmt, secrets=[SIGNING_SECRET], background=True)
    for _ in range(50):
        _log_a_failure()  # each would block the loop if written in the caller
    beat = asyncio.create_task(asyncio.sleep(0, result="the loop ran"))
    assert await asyncio.wait_for(beat, timeout=30) == "the loop ran"
    assert stalled_stderr.getvalue() == ""  # nothing could be written yet
    stalled_stderr.released.set()
    flush_logs()
    written = stalled_stderr.getvalue()
    assert written.count("periodic.failed") == 50 and "ConnectionError" in written
    assert BOT_TOKEN not in written and "s3cret-Pa55" not in written
