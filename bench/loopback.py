"""What the benchmarks that run HuriBot's real server need: a database (a SQLite file or a
fresh schema in a PostgreSQL on this machine), the server on a loopback port, and a child
process for the platforms' side, so the bot's process is measured alone.

Everything stays on this machine: a URL whose host is not loopback is refused, so a benchmark
can never load someone else's server or database.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import multiprocessing
import resource
from collections.abc import AsyncIterator, Callable, Iterator
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from aiohttp import web
from yarl import URL

from tests.schemas import fresh_schema

HOST = "127.0.0.1"
CHILD_EXIT_SECONDS = 10.0


class NotLoopbackError(ValueError):
    """A benchmark was pointed at another machine."""


def require_loopback(url: str) -> str:
    """`url` itself when its host is this machine (127.0.0.0/8, ::1, localhost, or none: a
    local socket)."""
    host = URL(url).host or ""
    if host in {"", "localhost"}:
        return url
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise NotLoopbackError(f"{host or url!r} is not this machine: benchmarks run on loopback")
    return url


def cpu_seconds() -> float:
    """User and system CPU time of this process, all threads."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


@contextlib.contextmanager
def database_url(postgres: str | None, folder: Path) -> Iterator[str]:
    """A SQLite file in `folder`, or a fresh schema (dropped afterwards) in the PostgreSQL at
    `postgres`, which must be on this machine."""
    if not postgres:
        yield f"sqlite:///{folder / 'bench.db'}"
        return
    require_loopback(postgres)
    with fresh_schema(postgres, prefix="bench") as url:
        yield url


@contextlib.asynccontextmanager
async def serving(application: web.Application) -> AsyncIterator[str]:
    """`application` served on an ephemeral loopback port; yields its origin."""
    runner = web.AppRunner(application, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, HOST, 0).start()
    try:
        yield f"http://{HOST}:{runner.addresses[0][1]}"
    finally:
        await runner.cleanup()


@contextlib.contextmanager
def child_process(target: Callable[..., None], *args: Any) -> Iterator[Connection]:
    """`target(connection, *args)` in a freshly spawned process; yields this side's end of
    the pipe between them, and makes sure the child is gone afterwards."""
    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe()
    child = context.Process(target=target, args=(theirs, *args), daemon=True)
    child.start()
    theirs.close()  # the child has its own copy: if it dies, this side reads the end of file
    try:
        yield ours
    finally:
        child.join(timeout=CHILD_EXIT_SECONDS)
        if child.is_alive():
            child.terminate()
            child.join()


class OtherSideGoneError(RuntimeError):
    """The process at the other end of a pipe ended, or stopped answering."""


async def received(connection: Connection, *, timeout: float | None = None) -> Any:
    """The next message on `connection`, waited for (at most `timeout` seconds) off the
    event loop."""

    def wait() -> Any:
        if not connection.poll(timeout):
            raise OtherSideGoneError(f"the other process did not answer within {timeout:g} s")
        try:
            return connection.recv()
        except EOFError:
            raise OtherSideGoneError("the other process ended before answering") from None

    return await asyncio.to_thread(wait)
