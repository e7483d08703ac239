"""Answer workers started by `serve` never outlive it, even when it is killed outright."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

PARENT = """
import os, signal, sys
from adapters.cli.serve import start_workers
[worker] = start_workers(1)
print(worker.pid, flush=True)
sys.stdin.readline()  # the test says when to die
os.kill(os.getpid(), signal.SIGKILL)
"""


def _running(pid: int) -> bool:
    """True while `pid` runs (a zombie nobody reaped yet has stopped running)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state != "Z"


def _wait_until(condition: object, *, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.1)
    return bool(condition())  # type: ignore[operator]


def test_a_worker_stops_when_serve_is_killed(tmp_path: Path) -> None:
    environment = {**os.environ, "HURIBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'w.db'}"}
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=environment,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert parent.stdout is not None and parent.stdin is not None
    worker = int(parent.stdout.readline())
    try:
        assert _running(worker)
        parent.stdin.write("die\n")
        parent.stdin.flush()
        assert parent.wait(timeout=30) == -9
        assert _wait_until(lambda: not _running(worker), timeout=60), "the worker outlived serve"
    finally:
        if _running(worker):
            os.kill(worker, 9)
