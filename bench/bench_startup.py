"""Start-up benchmark: `huribot serve` to a ready `/readyz` on its first start (the index built
from the database) and on a restart (reopened from its snapshot), and the wall time of
`huribot kb show` (one reply: start-up and one query) and `huribot kb list` (which prints a
row per document, 2,000 at 100k passages), with `python -c pass` measured in the same run as
the floor of any command.
Each figure comes with the CPU time the process used, which other work on a shared machine
does not inflate as it does wall time (the load average is reported too).

    python -m bench.bench_startup                      # 100k passages
    python -m bench.bench_startup --passages 20000 --json
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from adapters.wiring.services import open_services
from bench.knowledge_base import build_knowledge
from bot.kb.queries import list_replies
from bot.settings import load_settings
from tests.processes import free_port, get_json

POLL_SECONDS = 0.05
BOOT_LIMIT_SECONDS = 600.0
RUNS = 3


def environment(folder: Path, port: int) -> dict[str, str]:
    """The settings of every process of one run: a SQLite file, lexical search only."""
    return {
        **os.environ,
        "HURIBOT_DATABASE_URL": f"sqlite:///{folder / 'kb.db'}",
        "HURIBOT_EMBEDDER": "none",
        "HURIBOT_PORT": str(port),
    }


async def build(env: dict[str, str], passages: int) -> tuple[dict[str, Any], str]:
    """The knowledge base, stored without opening (or saving) an index, and a reply's id."""
    async with open_services(load_settings(env), load_index=False) as services:
        built = await build_knowledge(services, passages)
        async with services.database.sessions() as session:
            reply = (await list_replies(session))[0].slug
    return built, reply


def cpu_seconds(pid: int) -> float:
    """User and system CPU time a running process has used so far (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def time_to_ready(env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds from starting `serve` to `/readyz` answering 200; then it is
    stopped."""
    port = env["HURIBOT_PORT"]
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "adapters.cli.main", "serve"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        while time.perf_counter() - start < BOOT_LIMIT_SECONDS:
            if process.poll() is not None:
                raise RuntimeError(f"serve exited with {process.returncode}")
            try:
                status, _ = get_json(f"http://127.0.0.1:{port}/readyz", timeout=2)
            except OSError:
                status = 0
            if status == 200:
                return time.perf_counter() - start, cpu_seconds(process.pid)
            time.sleep(POLL_SECONDS)
        raise RuntimeError("serve was not ready in time")
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=120)


def run_time(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Median wall and CPU time of a command over RUNS runs, in seconds."""
    walls, cpus = [], []
    for _ in range(RUNS):
        used = _children_cpu()
        start = time.perf_counter()
        subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)
        walls.append(time.perf_counter() - start)
        cpus.append(_children_cpu() - used)
    return statistics.median(walls), statistics.median(cpus)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def figures(name: str, wall_and_cpu: tuple[float, float]) -> dict[str, float]:
    """`name_s` (wall) and `name_cpu_s`, rounded."""
    wall, cpu = wall_and_cpu
    return {f"{name}_s": round(wall, 3), f"{name}_cpu_s": round(cpu, 3)}


def measure(passages: int) -> dict[str, Any]:
    """Every figure of one run, over a fresh database of `passages` passages."""
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as name:
        env = environment(Path(name), free_port())
        knowledge, reply = asyncio.run(build(env, passages))
        huribot = [sys.executable, "-m", "adapters.cli.main"]
        return {
            **knowledge,
            "load_average": round(os.getloadavg()[0], 1),
            **figures("python_pass", run_time([sys.executable, "-c", "pass"], env)),
            **figures("kb_show", run_time([*huribot, "kb", "show", reply], env)),
            **figures("kb_list", run_time([*huribot, "kb", "list"], env)),
            **figures("serve_first_ready", time_to_ready(env)),
            **figures("serve_restart_ready", time_to_ready(env)),
        }


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--passages", type=int, default=100_000)
    parser.add_argument("--json", action="store_true", help="print JSON only")
    args = parser.parse_args()
    result = measure(args.passages)
    if args.json:
        print(json.dumps(result))
        return
    for key, value in result.items():
        print(f"{key:>24}: {value}")


if __name__ == "__main__":
    main()
