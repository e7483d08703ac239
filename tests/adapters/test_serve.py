"""`huribot serve` and `huribot worker` as real processes: they start, work, stop cleanly."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from adapters.cli.main import app
from adapters.wiring.platforms import slack_mode
from adapters.wiring.services import open_services
from bot.messages import ConversationRef, IncomingMessage
from bot.settings import load_settings
from knowledge.ingest.loader import load_paths, sample_knowledge_path
from tests.adapters.common import DIGEST_CHANNEL, due_digest
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.teams_connector import FakeConnector
from tests.processes import BOOT_SECONDS, HuribotProcess, free_port, get_json, huribot


def test_serve_answers_health_checks_and_stops_on_sigint(tmp_path: Path) -> None:
    port = free_port()
    env = {
        **os.environ,
        "HURIBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'serve.db'}",
        "HURIBOT_PORT": str(port),
    }
    imported = CliRunner().invoke(app, ["calendar", "import", "--sample"], env=env)
    assert imported.exit_code == 0, imported.output
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
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/calendar/KEN.ics", timeout=5) as r:
            assert r.headers["Content-Type"].startswith("text/calendar")
            ics = r.read().decode()
        assert "UID:upr-49-KEN-review@huribot.calendar" in ics and "IRN" not in ics
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/calendar/Atlantis.ics", timeout=5)
            raise AssertionError("an unknown country should be 404")
        except urllib.error.HTTPError as error:
            assert error.code == 404
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=30)
        assert process.returncode == 0, output
        assert f"http://127.0.0.1:{port}" in output
    finally:
        if process.poll() is None:
            process.kill()


async def store_question(url: str, ref: ConversationRef, *, user: str, key: str) -> None:
    """The sample knowledge base, and one question stored (not yet answered) from `ref`."""
    async with open_services(load_settings({"HURIBOT_DATABASE_URL": url})) as services:
        await services.knowledge.ingest(load_paths([sample_knowledge_path()]))
        message = IncomingMessage(
            ref=ref,
            user_id=user,
            text="What is the human rights-based approach?",
            received_at=datetime.now(UTC),
        )
        assert await services.intake.receive(message, event_key=key) is not None


async def test_worker_process_answers_a_stored_question(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'worker.db'}"
    async with FakeSlackAPI() as fake:
        ref = ConversationRef(platform="slack", conversation_id="C1", thread_id="17.5")
        await store_question(url, ref, user="U1", key="slack:E1")
        async with huribot("worker", url=url, slack_api=fake.url):
            (post,) = await fake.wait_for("chat.postMessage", timeout=BOOT_SECONDS)
            assert post.params["thread_ts"] == "17.5"
            assert "rights-holders" in post.params["text"]


async def test_worker_process_answers_a_teams_question_in_its_reply_chain(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'teams-worker.db'}"
    async with FakeConnector() as fake:
        ref = ConversationRef(
            platform="teams",
            conversation_id="19:team@thread.tacv2;messageid=1700",
            thread_id="1700",
            service_url=fake.service_url,
            tenant_id="tenant-1",
        )
        await store_question(url, ref, user="aad-member", key="teams:A1")
        async with huribot("worker", url=url):
            [answer] = await fake.wait_for_count(1, timeout=BOOT_SECONDS)
        assert answer.conversation_id == ref.conversation_id
        assert answer.reply_to == "1700"
        assert "rights-holders" in answer.card_text()


async def settled_readiness(serve: HuribotProcess) -> tuple[int, dict[str, Any]]:
    """`/readyz` once Slack's link has stopped connecting (connected or refused)."""
    deadline = time.monotonic() + BOOT_SECONDS
    while True:
        status, ready = await asyncio.to_thread(get_json, f"{serve.origin}/readyz")
        connecting = ready["checks"]["slack"]["detail"].startswith("connecting")
        if not connecting or time.monotonic() > deadline:
            return status, ready
        await asyncio.sleep(0.1)


def test_the_slack_mode_follows_the_tokens_set() -> None:
    http = {"HURIBOT_SLACK_BOT_TOKEN": "xoxb-1", "HURIBOT_SLACK_SIGNING_SECRET": "s"}
    assert slack_mode(load_settings({})) == "off"
    assert slack_mode(load_settings(http)) == "http"
    assert slack_mode(load_settings({**http, "HURIBOT_SLACK_APP_TOKEN": "xapp-1"})) == "socket"
    socket_only = {"HURIBOT_SLACK_BOT_TOKEN": "xoxb-1", "HURIBOT_SLACK_APP_TOKEN": "xapp-1"}
    assert slack_mode(load_settings(socket_only)) == "socket"


async def test_serve_posts_a_due_calendar_digest(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'digest.db'}"
    async with FakeSlackAPI() as fake:
        await due_digest(url)
        async with huribot("serve", url=url, slack_api=fake.url) as serve:
            (post,) = await fake.wait_for("chat.postMessage", timeout=BOOT_SECONDS)
            assert post.params["channel"] == DIGEST_CHANNEL
            assert "coming up for Kenya" in post.params["text"]
            status, ready = await asyncio.to_thread(get_json, f"{serve.origin}/readyz")
        assert status == 200, ready
        assert ready["checks"]["slack"] == {"ok": True, "detail": "bot token accepted"}
        assert ready["checks"]["database"]["ok"]


async def test_serve_works_on_and_says_it_is_not_ready_when_slack_refuses_the_app_token(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'socket.db'}"
    async with FakeSlackAPI() as fake:
        await due_digest(url)
        wrong = {"HURIBOT_SLACK_APP_TOKEN": "xapp-1-wrong"}
        async with huribot("serve", url=url, slack_api=fake.url, extra=wrong) as serve:
            await serve.serving()
            (post,) = await fake.wait_for("chat.postMessage", timeout=BOOT_SECONDS)
            assert post.params["channel"] == DIGEST_CHANNEL
            await fake.wait_for("apps.connections.open", timeout=BOOT_SECONDS)
            status, ready = await settled_readiness(serve)
        assert status == 503, ready
        assert ready["status"] == "not ready"
        assert "HURIBOT_SLACK_APP_TOKEN" in ready["checks"]["slack"]["detail"]
        assert ready["checks"]["database"] == {"ok": True, "detail": "ok"}
        assert len(fake.calls_to("apps.connections.open")) == 1


FROZEN_ONCE_RUNNING = """
import asyncio, gc
from adapters.cli.serve import run_until_stopped
kept = [{"passage": str(n)} for n in range(1000)]  # what start-up loaded, to live on
before = gc.get_freeze_count()
stop = asyncio.Event()
stop.set()
asyncio.run(run_until_stopped(stop, []))
print(before, gc.get_freeze_count() - before)
"""


def test_what_a_process_loaded_before_running_is_left_out_of_full_collections() -> None:
    """A full garbage collection over a loaded index stopped the event loop for ~200 ms (the
    acknowledgements' longest waits): serve and worker freeze it before their loops run."""
    done = subprocess.run(
        [sys.executable, "-c", FROZEN_ONCE_RUNNING],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    before, frozen = (int(word) for word in done.stdout.split())
    assert before == 0 and frozen >= 1000
