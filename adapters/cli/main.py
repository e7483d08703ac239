"""`huribot`: the console script. Each sub-command lives in its own module; those that load
the chat platforms' SDKs (`serve`, `worker`) are imported only when run, so that every other
command starts in a fraction of a second."""

from __future__ import annotations

from typing import Annotated

import typer

from adapters.cli import letter  # noqa: F401  (registers `calendar overview`)
from adapters.cli.ask import ask, chat
from adapters.cli.calendar import calendar_app
from adapters.cli.common import out
from adapters.cli.db import db_app
from adapters.cli.kb import ingest, kb_app
from adapters.cli.privacy import privacy_app
from adapters.cli.queue import queue_app
from adapters.cli.stats import stats
from adapters.cli.subscriptions import digest_app, subscription_app, unct_app
from bot import __version__

app = typer.Typer(
    help="HuriBot: answers on human rights, LNOB and gender for UN country teams.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        out.print(f"huribot {__version__}")
        raise typer.Exit()


def serve() -> None:
    """Run the web server (health check, Slack and Teams endpoints), Socket Mode when set, the
    outbox dispatcher, the calendar scheduler, knowledge-base sync with other processes and
    upkeep, until stopped."""
    from adapters.cli import serve as command  # noqa: PLC0415  (the platforms' SDKs: slow)

    command.serve()


def worker() -> None:
    """Answer stored questions (run by `huribot serve` when HURIBOT_ANSWER_WORKERS > 0, or on
    its own, e.g. as another container), until stopped."""
    from adapters.cli import serve as command  # noqa: PLC0415

    command.worker()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")
    ] = False,
) -> None:
    """HuriBot command line."""


app.command()(ingest)
app.command()(ask)
app.command()(chat)
app.command()(stats)
app.command()(serve)
app.command()(worker)
app.add_typer(kb_app, name="kb")
app.add_typer(db_app, name="db")
app.add_typer(queue_app, name="queue")
app.add_typer(calendar_app, name="calendar")
app.add_typer(privacy_app, name="privacy")
app.add_typer(unct_app, name="unct")
app.add_typer(subscription_app, name="subscription")
app.add_typer(digest_app, name="digest")


def run() -> None:
    """Entry point of the `huribot` console script."""
    app()


if __name__ == "__main__":
    run()
