"""`huribot`: the console script. Each sub-command lives in its own module, imported only
when that command runs (or `--help` lists it): `kb list` does not load the calendar, the
answering policy or the chat platforms' SDKs, and starts in a fraction of a second."""

from __future__ import annotations

import gc
import importlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from typer import _click as click  # typer ships its own Click; its types live there
from typer.core import TyperGroup

COMMAND_MODULES: dict[str, tuple[str, str]] = {
    "ingest": ("adapters.cli.kb", "ingest"),
    "ask": ("adapters.cli.ask", "ask"),
    "chat": ("adapters.cli.ask", "chat"),
    "stats": ("adapters.cli.stats", "stats"),
    "kb": ("adapters.cli.kb", "kb_app"),
    "db": ("adapters.cli.db", "db_app"),
    "queue": ("adapters.cli.queue", "queue_app"),
    # letter.py adds `calendar overview` to calendar.py's group
    "calendar": ("adapters.cli.letter", "calendar_app"),
    "privacy": ("adapters.cli.privacy", "privacy_app"),
    "unct": ("adapters.cli.subscriptions", "unct_app"),
    "subscription": ("adapters.cli.subscriptions", "subscription_app"),
    "digest": ("adapters.cli.subscriptions", "digest_app"),
}
"""Every sub-command but `serve` and `worker`: its name, module and attribute (a command
function or a `typer.Typer` group), in the order `--help` lists them."""


class ImportPolicy:
    """How the console script treats the objects a command's imports create."""

    freeze: bool = False
    """Set by `run()`, the console script, and only there: the objects are moved out of the
    collector's sight for good once imported (`gc.freeze()`), so neither its next pass nor
    any later one scans them again (one full pass over them took 65 ms of a `kb list`). A
    process that imports commands for tests keeps a collector that sees everything."""


@contextmanager
def collector_paused() -> Iterator[None]:
    """Import a command's modules without garbage-collector passes: they create some hundred
    thousand objects that live as long as the process, and scanning them again and again
    while they load took a tenth of a short command's start-up."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if ImportPolicy.freeze:
            gc.freeze()
        if was_enabled:
            gc.enable()


class LazyCommands(TyperGroup):
    """The top-level group: a sub-command is built from its module the first time it is asked
    for, so a command pays only for the imports it uses."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [*COMMAND_MODULES, *super().list_commands(ctx)]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        known = super().get_command(ctx, cmd_name)
        if known is not None or cmd_name not in COMMAND_MODULES:
            return known
        module, attribute = COMMAND_MODULES[cmd_name]
        with collector_paused():
            target = getattr(importlib.import_module(module), attribute)
        if isinstance(target, typer.Typer):
            command: click.Command = typer.main.get_group(target)
        else:
            single = typer.Typer(add_completion=False)
            single.command(cmd_name)(target)
            command = typer.main.get_command(single)
        command.name = cmd_name
        self.add_command(command, cmd_name)
        return command


app = typer.Typer(
    cls=LazyCommands,
    help="HuriBot: answers on human rights, LNOB and gender for UN country teams.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        from adapters.cli.common import out  # noqa: PLC0415  (only `--version` prints here)
        from bot import __version__  # noqa: PLC0415

        out.print(f"huribot {__version__}")
        raise typer.Exit()


def serve() -> None:
    """Run the web server (health check, Slack and Teams endpoints), Socket Mode when set, the
    outbox dispatcher, the calendar scheduler, knowledge-base sync with other processes and
    upkeep, until stopped."""
    with collector_paused():
        from adapters.cli import serve as command  # noqa: PLC0415  (the platforms' SDKs: slow)
    command.serve()


def worker() -> None:
    """Answer stored questions (run by `huribot serve` when HURIBOT_ANSWER_WORKERS > 0, or on
    its own, e.g. as another container), until stopped."""
    with collector_paused():
        from adapters.cli import serve as command  # noqa: PLC0415
    command.worker()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")
    ] = False,
) -> None:
    """HuriBot command line."""


app.command()(serve)
app.command()(worker)


def run() -> None:
    """Entry point of the `huribot` console script."""
    ImportPolicy.freeze = True
    app()


if __name__ == "__main__":
    run()
