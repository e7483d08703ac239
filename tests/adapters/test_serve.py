"""`huribot serve` as a real process: it starts, answers its health check, stops cleanly."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

BOOT_SECONDS = 60


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_serve_answers_health_checks_and_stops_on_sigint(tmp_path: Path) -> None:
    port = free_port()
    env = {
        **os.environ,
        "HURIBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'serve.db'}",
        "HURIBOT_PORT": str(port),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "adapters.cli.main", "serve"],
        env=env,
        cwd=Path(__file__).resolve().parents[2],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        health = None
        deadline = time.monotonic() + BOOT_SECONDS
        while health is None and time.monotonic() < deadline and process.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    health = json.loads(r.read())
            except OSError:
                time.sleep(0.2)
        assert health is not None, process.stdout.read() if process.stdout else ""
        assert health["status"] == "ok" and health["version"]
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=30)
        assert process.returncode == 0, output
        assert f"http://127.0.0.1:{port}" in output
    finally:
        if process.poll() is None:
            process.kill()
