"""What every CLI command shares: settings, logging, async services, readable failures."""

from __future__ import annotations

import asyncio
import getpass
from collections.abc import Awaitable, Callable
from typing import Annotated, TypeVar

import typer
from rich.console import Console
from rich.text import Text

from adapters.logs import configure_logging
from adapters.wiring.services import Services, open_services
from bot.moderation.directory import Actor
from bot.settings import Settings, SettingsError, load_settings

T = TypeVar("T")

out = Console(highlight=False, markup=False, emoji=False)
err = Console(stderr=True, highlight=False, markup=False, emoji=False)
"""Neither reads Rich markup or emoji codes: what they print comes from files, members and
moderators (`[blink]UPR[/blink]` prints as typed); styles are given as `style=`."""


def problem_line(problem: str) -> Text:
    """One problem of a refused import, marked, printed as written."""
    return Text.assemble(("✗ ", "red"), problem)


def settings() -> Settings:
    """Settings from the environment, or exit 2 with the variable to fix."""
    try:
        loaded = load_settings()
    except SettingsError as exc:
        err.print(str(exc), style="red")
        raise typer.Exit(code=2) from exc
    configure_logging(level=loaded.log_level, fmt=loaded.log_format, secrets=loaded.secret_values())
    return loaded


def with_services(work: Callable[[Services], Awaitable[T]], *, load_index: bool = True) -> T:
    """Run `work` with the wired services (database upgraded, index loaded), then close them."""

    async def _run() -> T:
        async with open_services(settings(), load_index=load_index) as services:
            return await work(services)

    return asyncio.run(_run())


AsUser = Annotated[str | None, typer.Option("--as", help="Your name, for the audit trail.")]
"""The `--as NAME` option of every command that changes something on a person's behalf."""


def cli_actor(name: str | None) -> Actor:
    """Who is acting at the command line, for the audit trail (`--as`, else the OS user)."""
    return Actor("cli", name or getpass.getuser())


def fail(message: str, *, code: int = 1) -> typer.Exit:
    """Print an actionable error and return the exit to raise."""
    err.print(Text.assemble(("Error:", "red"), " ", message))
    return typer.Exit(code=code)
