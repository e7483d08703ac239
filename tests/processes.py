"""HuriBot's commands as real child processes, for tests and benchmarks that stop, kill and
restart them: each runs in its own process group (so SIGKILL takes the answer workers `serve`
started along with it), talking to the fake Slack Web API or to Teams in development mode."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BOOT_SECONDS = 60
"""Long enough for a loaded machine; a process that is up sooner is used sooner."""
ROOT = Path(__file__).resolve().parents[1]
SIGNING_SECRET = "secret"


def free_port() -> int:
    """A loopback port nobody listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def get_json(url: str, *, timeout: float = 5) -> tuple[int, dict[str, Any]]:
    """Status and JSON body of a GET, whatever the status."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


async def serving(port: int, *, alive: Callable[[], bool] = lambda: True) -> None:
    """Until something answers `/healthz` on `port` and has its search index open (alive;
    ready or not otherwise: the database or Slack may be away); AssertionError after
    BOOT_SECONDS, or as soon as `alive()` says the process has exited."""
    deadline = time.monotonic() + BOOT_SECONDS
    while time.monotonic() < deadline and alive():
        try:
            await asyncio.to_thread(get_json, f"http://127.0.0.1:{port}/healthz", timeout=2)
            _, ready = await asyncio.to_thread(
                get_json, f"http://127.0.0.1:{port}/readyz", timeout=5
            )
            if ready["checks"]["index"]["ok"]:
                return
        except OSError:
            pass
        await asyncio.sleep(0.1)
    state = "exited" if not alive() else f"was silent for {BOOT_SECONDS} s"
    raise AssertionError(f"huribot on port {port} {state}")


def environment(
    *, url: str, port: int, slack_api: str | None, extra: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The variables of a HuriBot process on database `url`, serving on `port`: Slack in HTTP
    mode on the fake Web API at `slack_api`, or, without one, Teams in development mode."""
    platform = (
        {
            "HURIBOT_SLACK_BOT_TOKEN": "xoxb-test",
            "HURIBOT_SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "HURIBOT_SLACK_API_URL": slack_api,
        }
        if slack_api
        else {"HURIBOT_TEAMS_ALLOW_ANONYMOUS": "true"}
    )
    return {
        **os.environ,
        "HURIBOT_DATABASE_URL": url,
        "HURIBOT_PORT": str(port),
        **platform,
        **(extra or {}),
    }


@dataclass
class HuribotProcess:
    """One running `huribot` command."""

    process: subprocess.Popen[bytes]
    port: int
    log: Path | None
    """Where its output goes (None: this process's own stdout and stderr)."""

    @property
    def origin(self) -> str:
        """`http://127.0.0.1:<port>`."""
        return f"http://127.0.0.1:{self.port}"

    def running(self) -> bool:
        """Whether it has not exited yet."""
        return self.process.poll() is None

    def output(self, last: int = 4000) -> str:
        """The end of its output, to explain a failure."""
        if self.log is None or not self.log.exists():
            return ""
        return self.log.read_text(encoding="utf-8", errors="replace")[-last:]

    def logged(self, event: str) -> list[dict[str, Any]]:
        """Its log entries of `event` so far (it logs with HURIBOT_LOG_FORMAT=json)."""
        if self.log is None or not self.log.exists():
            return []
        entries = []
        for line in self.log.read_text(encoding="utf-8", errors="replace").splitlines():
            with contextlib.suppress(ValueError):  # a line printed for people, not a log entry
                entry = json.loads(line)
                if isinstance(entry, dict) and entry.get("event") == event:
                    entries.append(entry)
        return entries

    async def wait_logged(
        self, event: str, *, count: int = 1, timeout: float = BOOT_SECONDS, **fields: str
    ) -> None:
        """Until it has logged `event` (with these `fields`) `count` times."""
        deadline = time.monotonic() + timeout
        while True:
            found = [e for e in self.logged(event) if fields.items() <= e.items()]
            if len(found) >= count:
                return
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"{event} {fields} logged {len(found)} of {count} times:\n{self.output()}"
                )
            await asyncio.sleep(0.05)

    def kill(self) -> None:
        """SIGKILL it and every process it started, as an out-of-memory kill or a lost node
        does: nothing is flushed, closed or finished."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> int:
        """SIGTERM, then its exit status once it has stopped."""
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=30)

    async def serving(self) -> None:
        """Until it answers `/healthz` with its index open (see `serving`); AssertionError
        with its output if it exits or stays silent for BOOT_SECONDS."""
        try:
            await serving(self.port, alive=self.running)
        except AssertionError as silent:
            raise AssertionError(f"{silent}:\n{self.output()}") from None


def start(
    command: str,
    *,
    url: str,
    slack_api: str | None = None,
    extra: Mapping[str, str] | None = None,
    log: Path | None = None,
    port: int | None = None,
) -> HuribotProcess:
    """Start `huribot COMMAND` (on `port`, or a free one) in a process group of its own."""
    port = port or free_port()
    output = log.open("ab") if log is not None else None
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "adapters.cli.main", command],
            env=environment(url=url, port=port, slack_api=slack_api, extra=extra),
            cwd=ROOT,
            stdout=output,
            stderr=subprocess.STDOUT if output is not None else None,
            start_new_session=True,
        )
    finally:
        if output is not None:
            output.close()  # the child has its own copy
    return HuribotProcess(process=process, port=port, log=log)


@asynccontextmanager
async def huribot(
    command: str,
    *,
    url: str,
    slack_api: str | None = None,
    extra: Mapping[str, str] | None = None,
    log: Path | None = None,
    port: int | None = None,
) -> AsyncIterator[HuribotProcess]:
    """`huribot COMMAND` running for the block (on `port`, or a free one); unless it was
    killed meanwhile, it must then stop cleanly on SIGTERM. It is waited for off the event
    loop: the fakes it talks to while stopping (a Slack Web API) run on that loop."""
    running = start(command, url=url, slack_api=slack_api, extra=extra, log=log, port=port)
    try:
        yield running
    finally:
        if running.running():
            assert await asyncio.to_thread(running.stop) == 0, running.output()
