"""Reading raw files with the size and encoding checks every format shares."""

from __future__ import annotations

from pathlib import Path

from knowledge.ingest.errors import IngestProblem
from knowledge.ingest.limits import DEFAULT_LIMITS, SizeLimit

MAX_TEXT_CHARS = 20_000
"""Longest accepted answer or cell; longer ones are usually a paste gone wrong."""

_UTF8_BOM = b"\xef\xbb\xbf"


def read_file_bytes(
    path: Path, file: str, limit: SizeLimit = DEFAULT_LIMITS.file
) -> bytes | IngestProblem:
    """The file's bytes, or a problem if it is unreadable or over the size limit (checked
    before it is read)."""
    try:
        refusal = limit.refusal("file is", path.stat().st_size)
        if refusal is not None:
            return IngestProblem(file, None, refusal)
        return path.read_bytes()
    except OSError as exc:
        return IngestProblem(file, None, f"cannot read the file: {exc.strerror or exc}")


def decode_text(data: bytes, file: str) -> str | IngestProblem:
    """UTF-8 text with any BOM removed and line ends made "\\n", or a problem naming the line."""
    if data.startswith(_UTF8_BOM):
        data = data[len(_UTF8_BOM) :]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        byte = data[exc.start]
        return IngestProblem(
            file, line, f"text is not UTF-8 (byte 0x{byte:02x}); save the file as UTF-8"
        )
    return text.replace("\r\n", "\n").replace("\r", "\n")


def too_long(text: str) -> bool:
    """Whether a single answer or cell exceeds MAX_TEXT_CHARS."""
    return len(text) > MAX_TEXT_CHARS


def too_long_message(what: str, text: str) -> str:
    """The problem message for an over-long answer or cell."""
    return f"{what} is {len(text):,} characters long; the limit is {MAX_TEXT_CHARS:,}"


def read_text_file(path: Path, file: str) -> str | IngestProblem:
    """The decoded text of a file, or the problem that prevents reading it."""
    data = read_file_bytes(path, file)
    if isinstance(data, IngestProblem):
        return data
    return decode_text(data, file)
