"""The everyday commands start without loading the chat platforms' SDKs, the PDF writer or
the iCalendar library; `kb list`, which only reads the database, not even the services."""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import bot
from adapters.cli.main import ImportPolicy, collector_paused

HEAVY = (
    "slack_bolt",
    "slack_sdk",
    "microsoft_agents",
    "fpdf",
    "aiohttp.web",
    "pypdf",
    "docx",
    "icalendar",
)
LISTING_NEEDS_NONE_OF = (
    "numpy",
    "tantivy",
    "markdown_it",
    "adapters.wiring.services",
    "bot.answers.answerer",
    "bot.calendar.store",
    "croniter",
)
PROBE = """
import json, sys
from adapters.cli.main import app
try:
    app(sys.argv[1:])
except SystemExit as stop:
    code = stop.code
print(json.dumps({"code": code, "loaded": [m for m in HEAVY if m in sys.modules]}))
"""


@pytest.mark.parametrize(
    "command", [["kb", "list"], ["ask", "What is the UPR?"], ["queue", "list"], ["--help"]]
)
def test_a_command_imports_none_of_the_heavy_packages(tmp_path: Path, command: list[str]) -> None:
    assert loaded_by(command, HEAVY, tmp_path) == []


def test_listing_the_knowledge_base_loads_neither_the_index_nor_the_services(
    tmp_path: Path,
) -> None:
    assert loaded_by(["kb", "list"], LISTING_NEEDS_NONE_OF, tmp_path) == []


def test_the_probe_sees_what_a_command_loads(tmp_path: Path) -> None:
    assert loaded_by(["ask", "What is the UPR?"], LISTING_NEEDS_NONE_OF, tmp_path) != []


def loaded_by(command: list[str], modules: tuple[str, ...], tmp_path: Path) -> list[str]:
    """Which of `modules` running `huribot <command>` imported, in a fresh interpreter."""
    result = in_fresh_interpreter(f"HEAVY = {modules!r}\n{PROBE}", command, tmp_path)
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["code"] in {0, None}, result.stderr
    return list(report["loaded"])


def in_fresh_interpreter(
    script: str, args: list[str], tmp_path: Path
) -> subprocess.CompletedProcess[str]:
    """`script` run by a new Python from the project's root, on an empty SQLite file."""
    env = {
        **os.environ,
        "HURIBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'kb.db'}",
        "HURIBOT_EMBEDDER": "none",
    }
    return subprocess.run(
        [sys.executable, "-c", script, *args],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    )


def test_a_command_module_is_imported_with_the_collector_paused_then_resumed() -> None:
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()  # a caller's own choice is left as it was
    finally:
        gc.enable()


def test_only_the_console_script_freezes_what_a_command_imports(tmp_path: Path) -> None:
    frozen = gc.get_freeze_count()
    assert not ImportPolicy.freeze
    with collector_paused():
        pass
    assert gc.get_freeze_count() == frozen  # a test process's collector still sees everything
    probe = (
        "import atexit, gc, sys\n"
        "atexit.register(lambda: print(gc.get_freeze_count()))\n"
        "sys.argv = ['huribot', 'kb', '--help']\n"
        "from adapters.cli.main import run\n"
        "run()\n"
    )
    result = in_fresh_interpreter(probe, [], tmp_path)
    assert int(result.stdout.strip().splitlines()[-1]) > 10_000


def test_the_version_is_read_when_asked_for() -> None:
    assert bot.__version__.count(".") >= 1
    with pytest.raises(AttributeError, match="no_such_name"):
        _ = bot.no_such_name  # type: ignore[attr-defined]
