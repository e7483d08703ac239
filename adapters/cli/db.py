"""`huribot db upgrade|backup`: the schema, and a copy of the database."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from adapters.cli.common import fail, out, settings, with_services
from bot.db.backup import BackupError, backup_database

if TYPE_CHECKING:
    from adapters.wiring.services import Services

db_app = typer.Typer(help="Database maintenance.", no_args_is_help=True)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the database schema to the latest version."""

    async def _work(services: Services) -> None:
        out.print(f"Database is up to date ({services.database.dialect}).")

    with_services(_work, load_index=False)


@db_app.command("backup")
def db_backup(
    target: Annotated[Path, typer.Argument(help="The file to write (replaced if it exists).")],
) -> None:
    """Copy the database while the bot runs: SQLite's online backup, or pg_dump's custom
    format for PostgreSQL (restore it with pg_restore; see the README)."""
    url = settings().database_url
    try:
        backup_database(url, target)
    except BackupError as exc:
        raise fail(f"No backup was made: {exc}.") from exc
    out.print(f"Backed up to {target} ({target.stat().st_size / 1024 / 1024:,.1f} MB).")
