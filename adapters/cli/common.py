"""What every CLI command shares: settings, logging, async services, readable failures."""

from __future__ import annotations

import asyncio
import errno
import getpass
from collections.abc import Awaitable, Callable, Coroutine
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.text import Text
from sqlalchemy.exc import DBAPIError

from adapters.logs import Redactor, configure_logging
from bot.moderation.directory import Actor
from bot.settings import Settings, SettingsError, load_settings

if TYPE_CHECKING:
    from adapters.wiring.services import Services
    from bot.db.engine import Database

T = TypeVar("T")

out = Console(highlight=False, markup=False, emoji=False)
err = Console(stderr=True, highlight=False, markup=False, emoji=False)
"""Neither reads Rich markup or emoji codes: what they print comes from files, members and
moderators (`[blink]UPR[/blink]` prints as typed); styles are given as `style=`."""


def problem_line(problem: str) -> Text:
    """One problem of a refused import, marked, printed as written."""
    return Text.assemble(("✗ ", "red"), problem)


def settings(*, background_logging: bool = False) -> Settings:
    """Settings from the environment, or exit 2 with the variable to fix; logging configured,
    in the background for the long-running commands (it must never block their event loop)."""
    try:
        loaded = load_settings()
    except SettingsError as exc:
        err.print(str(exc), style="red")
        raise typer.Exit(code=2) from exc
    configure_logging(
        level=loaded.log_level,
        fmt=loaded.log_format,
        secrets=loaded.secret_values(),
        background=background_logging,
    )
    return loaded


def with_services(work: Callable[[Services], Awaitable[T]], *, load_index: bool = True) -> T:
    """Run `work` with the wired services (database upgraded, index loaded), then close them.
    They are imported here, not at the top: every command imports this module, and most
    need neither the index nor the answering policy."""
    from adapters.wiring.services import open_services  # noqa: PLC0415

    async def _run() -> T:
        async with open_services(settings(), load_index=load_index) as services:
            return await work(services)

    return run_reporting(_run())


def with_database(work: Callable[[Database], Awaitable[T]]) -> T:
    """Run `work` with the database alone (upgraded), then close it: for the commands that
    only read it, which need none of the services' imports (a third of `kb list`'s time)."""
    from bot.db.engine import open_database  # noqa: PLC0415

    async def _run() -> T:
        async with open_database(settings().database_url) as database:
            return await work(database)

    return run_reporting(_run())


def run_reporting(work: Coroutine[Any, Any, T]) -> T:
    """Run a command's work; a database that cannot be reached or written, or a port taken,
    ends it with one line saying what to fix instead of a traceback."""
    try:
        return asyncio.run(work)
    except DBAPIError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__
        raise fail(
            f"The database refused: {Redactor().redact(reason)}. Check HURIBOT_DATABASE_URL, "
            "that the database is running, and that HuriBot may write to it."
        ) from exc
    except OSError as exc:
        if exc.errno != errno.EADDRINUSE:
            raise
        raise fail(
            "The port is already in use: stop the other process, or set HURIBOT_PORT."
        ) from exc


AsUser = Annotated[str | None, typer.Option("--as", help="Your name, for the audit trail.")]
"""The `--as NAME` option of every command that changes something on a person's behalf."""


def cli_actor(name: str | None) -> Actor:
    """Who is acting at the command line, for the audit trail (`--as`, else the OS user)."""
    return Actor("cli", name or getpass.getuser())


def fail(message: str, *, code: int = 1) -> typer.Exit:
    """Print an actionable error and return the exit to raise."""
    err.print(Text.assemble(("Error:", "red"), " ", message))
    return typer.Exit(code=code)
