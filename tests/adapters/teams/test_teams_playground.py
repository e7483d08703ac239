"""`huribot serve` driven by a real Teams client: Microsoft's Agents Playground (npm), its web
page in headless Chromium through Playwright. A member asks in the personal chat, presses
*Helpful* on the answer card, then asks in a team channel with an @mention; the Playground
validates what the bot sends as the Bot Connector does (it refuses nulls with 400)."""

from __future__ import annotations

import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from adapters.wiring.services import open_services
from bot.chat.intake import FEEDBACK_THANKS
from bot.questions.log import Feedback
from bot.settings import load_settings
from tests.adapters.common import stored_questions
from tests.processes import BOOT_SECONDS, free_port, serving

ROOT = Path(__file__).resolve().parents[3]
E2E = ROOT / "tests" / "e2e"
PLAYGROUND = E2E / "node_modules" / ".bin" / "agentsplayground"
DRIVER = E2E / "playground.cjs"
STEP_SECONDS = 60
"""The most any one step may take before the test fails (each step waits on what the page
shows, not on a guess of timing)."""


def tools() -> tuple[str, str]:
    """Node and Chromium, installed by `make test`; without them the test is skipped, except
    in CI, where their absence is a failure."""
    node, chromium = shutil.which("node"), shutil.which("chromium")
    missing = [
        name
        for name, found in (("node", node), ("chromium", chromium), ("playground", PLAYGROUND))
        if not found or not Path(str(found)).exists()
    ]
    if missing:
        reason = f"not installed: {', '.join(missing)} (`make test` installs them)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    assert node is not None and chromium is not None
    return node, chromium


@contextmanager
def process(
    command: list[str], *, env: dict[str, str], cwd: Path, output: Path | None = None
) -> Iterator[subprocess.Popen[str]]:
    """A child process writing to `output` (or to a pipe the caller drains), stopped with
    SIGTERM at the end (and killed if it does not stop)."""
    with open(output, "w", encoding="utf-8") if output else open(os.devnull) as sink:
        child = subprocess.Popen(
            command,
            env=env,
            cwd=cwd,
            stdout=sink if output else subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            yield child
        finally:
            child.send_signal(signal.SIGTERM)
            try:
                child.wait(timeout=30)
            except subprocess.TimeoutExpired:
                child.kill()


def listening_port(child: subprocess.Popen[str]) -> int:
    """The port the Playground prints ("Listening on 35855") once it serves."""
    lines: queue.Queue[str] = queue.Queue()

    def read() -> None:
        assert child.stdout is not None
        for line in child.stdout:
            lines.put(line)

    threading.Thread(target=read, daemon=True).start()
    while True:
        try:
            line = lines.get(timeout=BOOT_SECONDS)
        except queue.Empty:
            raise AssertionError("the Agents Playground printed no port") from None
        if line.startswith("Listening on "):
            return int(line.split()[-1])


async def test_a_member_asks_rates_and_asks_in_a_channel_through_the_agents_playground(
    tmp_path: Path, sample_database: Path
) -> None:
    node, chromium = tools()
    database = tmp_path / "huribot.db"
    shutil.copyfile(sample_database, database)
    url = f"sqlite:///{database}"
    port = free_port()
    bot_env = {
        **os.environ,
        "HURIBOT_DATABASE_URL": url,
        "HURIBOT_HOST": "127.0.0.1",
        "HURIBOT_PORT": str(port),
        "HURIBOT_TEAMS_ALLOW_ANONYMOUS": "true",  # the Playground sends no token
    }
    playground_log = tmp_path / "playground.log"
    playground_env = {
        **os.environ,
        "TEAMSAPPTESTER_BROWSER": "none",
        "M365_AGENTS_PLAYGROUND_LOGFILE": str(playground_log),
    }
    playground = [
        str(PLAYGROUND),
        *("--port", "0", "--channel-id", "msteams", "--disable-telemetry"),
        *("--app-endpoint", f"http://127.0.0.1:{port}/api/messages"),
        *("--conversation-id", "personal-chat-1"),
    ]
    serve = [sys.executable, "-m", "adapters.cli.main", "serve"]
    with (
        process(serve, env=bot_env, cwd=ROOT, output=tmp_path / "serve.log"),
        process(playground, env=playground_env, cwd=tmp_path) as client,
    ):
        await serving(port)
        spec = {
            "url": f"http://localhost:{listening_port(client)}/",
            "chromium": chromium,
            "timeout": STEP_SECONDS * 1000,
            "screenshot": str(tmp_path / "playground.png"),
            "personal": {
                "question": "How does a UNCT contribute to the UPR?",
                "expect": "Universal Periodic Review",
                "press": "👍 Helpful",
                "thanks": FEEDBACK_THANKS[Feedback.HELPFUL],
            },
            "channel": {
                "name": "My Team - General",
                "bot": "Test Bot",
                "question": "What is the human rights-based approach?",
                "expect": "rights-holders",
            },
        }
        driven = subprocess.run(
            [node, str(DRIVER), json.dumps(spec)],
            cwd=E2E,
            capture_output=True,
            text=True,
            timeout=STEP_SECONDS * 8,
            check=False,
        )
    served = (tmp_path / "serve.log").read_text(encoding="utf-8")
    assert driven.returncode == 0, f"{driven.stderr[-3000:]}\n--- huribot serve:\n{served[-3000:]}"
    shown = json.loads(driven.stdout.strip().splitlines()[-1])
    assert "Universal Periodic Review" in shown["personal"]
    assert "Helpful" in shown["personal"]  # the buttons are on the card, not pushed off it
    assert "rights-holders" in shown["channel"]
    assert "BadArgument" not in playground_log.read_text(encoding="utf-8")

    async with open_services(load_settings({"HURIBOT_DATABASE_URL": url})) as services:
        personal, channel = await stored_questions(services.database)
    assert personal.conversation["conversation_id"] == "personal-chat-1"
    assert personal.feedback == Feedback.HELPFUL.value
    assert channel.text == "What is the human rights-based approach?"  # the @mention stripped
    assert channel.conversation["conversation_id"] != "personal-chat-1"
