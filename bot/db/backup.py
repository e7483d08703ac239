"""A consistent copy of the database while the bot runs: SQLite's online backup, or
PostgreSQL's `pg_dump` (custom format, restored with `pg_restore`).

Both read a snapshot, so `serve` need not stop. The PostgreSQL password goes to `pg_dump`
through its environment, never its command line (which every user of the host can list).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import URL, make_url

PG_DUMP_HINT = "install PostgreSQL's client tools (e.g. `apt install postgresql-client`)"


class BackupError(RuntimeError):
    """The backup could not be made; the message says what to fix."""


def backup_database(url: str, target: Path) -> None:
    """Write a copy of the database at `url` to `target` (replaced if it exists)."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        _backup_sqlite(parsed, target)
    elif backend in {"postgresql", "postgres"}:
        _backup_postgres(parsed, target)
    else:
        raise BackupError(f"cannot back up a {backend} database: use SQLite or PostgreSQL")


def _backup_sqlite(url: URL, target: Path) -> None:
    source = url.database
    if not source or source == ":memory:" or not Path(source).exists():
        raise BackupError(f"no SQLite file at {source!r}: check HURIBOT_DATABASE_URL")
    partial = target.with_name(target.name + ".partial")
    try:
        with sqlite3.connect(source) as origin, sqlite3.connect(partial) as copy:
            origin.backup(copy)  # page by page, consistent while others write
        partial.replace(target)
    except sqlite3.Error as exc:
        partial.unlink(missing_ok=True)
        raise BackupError(f"SQLite could not copy {source}: {exc}") from exc


def _libpq_url(url: URL) -> str:
    """The URL `pg_dump` understands: no SQLAlchemy driver, no password (its query, such as
    `sslmode`, is kept)."""
    plain = URL.create(
        "postgresql",
        username=url.username,
        host=url.host,
        port=url.port,
        database=url.database,
        query=url.query,
    )
    return plain.render_as_string(hide_password=False)


def _schema_of(url: URL) -> str | None:
    """The schema a URL confines its connections to (`options=-csearch_path=NAME`), if any."""
    options = url.query.get("options", "")
    text = options if isinstance(options, str) else " ".join(options)
    for option in text.split():
        if option.startswith("-csearch_path="):
            return option.removeprefix("-csearch_path=").split(",")[0]
    return None


def _backup_postgres(url: URL, target: Path) -> None:
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        raise BackupError(f"pg_dump was not found: {PG_DUMP_HINT}")
    command = [pg_dump, "--format=custom", "--no-owner", f"--file={target}"]
    schema = _schema_of(url)
    if schema:
        command.append(f"--schema={schema}")
    environment = dict(os.environ)
    if url.password:
        environment["PGPASSWORD"] = str(url.password)
    done = subprocess.run(
        [*command, _libpq_url(url)],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        reason = (done.stderr.strip().splitlines() or ["no reason given"])[-1]
        raise BackupError(f"pg_dump failed: {reason}")
