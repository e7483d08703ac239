"""What every CLI command shares: settings, logging, async services, readable failures."""

from __future__ import annotations

import asyncio
import getpass
from collections.abc import Awaitable, Callable
from typing import Annotated, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from adapters.logs import configure_logging
from adapters.wiring.services import Services, open_services
from bot.moderation.directory import Actor
from bot.settings import Settings, SettingsError, load_settings

T = TypeVar("T")

out = Console(highlight=False)
err = Console(stderr=True, highlight=False)


def settings() -> Settings:
    """Settings from the environment, or exit 2 with the variable to fix."""
    try:
        loaded = load_settings()
    except SettingsError as exc:
        err.print(f"[red]{exc}[/red]")
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
    err.print(f"[red]Error:[/red] {escape(message)}", emoji=False)
    return typer.Exit(code=code)
