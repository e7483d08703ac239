"""Helpers for tests that write input files and expect ingestion problems."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from knowledge.ingest.errors import IngestError, IngestProblem


def write(tmp_path: Path, name: str, text: str) -> Path:
    """Write UTF-8 `text` to `tmp_path/name` and return the path."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems_from(reader: Callable[[Path], object], path: Path) -> tuple[IngestProblem, ...]:
    """The problems `reader` reports for `path` (it must refuse the file)."""
    with pytest.raises(IngestError) as caught:
        reader(path)
    return caught.value.problems
