"""`huribot db backup`: a copy that holds what the database holds, restorable, made with the
password kept off the command line; a missing pg_dump is one line saying what to install."""

from __future__ import annotations

import sqlite3
import subprocess
import uuid
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url

from bot.db import backup
from tests.adapters.test_cli import invoke

REPLIES = "SELECT count(*) FROM consolidated_reply"


def test_a_sqlite_backup_holds_what_the_database_holds(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'live.db'}"
    assert invoke(url, "ingest", "--sample")[0] == 0
    copy = tmp_path / "copy.db"
    code, output = invoke(url, "db", "backup", str(copy))
    assert code == 0, output
    assert f"Backed up to {copy}" in " ".join(output.split())
    with sqlite3.connect(tmp_path / "live.db") as live, sqlite3.connect(copy) as copied:
        count = live.execute(REPLIES).fetchone()
        assert count == copied.execute(REPLIES).fetchone() and count[0] > 0
    assert invoke(f"sqlite:///{copy}", "kb", "list")[0] == 0  # the copy is a working database


def test_a_postgres_backup_restores_into_a_fresh_database(
    postgres_schema_url: str, tmp_path: Path
) -> None:
    assert invoke(postgres_schema_url, "ingest", "--sample")[0] == 0
    dump = tmp_path / "huribot.dump"
    code, output = invoke(postgres_schema_url, "db", "backup", str(dump))
    assert code == 0, output

    plain = make_url(postgres_schema_url).set(drivername="postgresql", query={})
    fresh = f"restore_{uuid.uuid4().hex[:10]}"
    admin = plain.render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{fresh}"')
    try:
        target = plain.set(database=fresh).render_as_string(hide_password=False)
        subprocess.run(["pg_restore", "--no-owner", "-d", target, str(dump)], check=True)
        schema = backup._schema_of(make_url(postgres_schema_url))
        with psycopg.connect(target) as restored, psycopg.connect(admin) as live:
            query = f'SELECT count(*) FROM "{schema}".consolidated_reply'
            count = live.execute(query).fetchone()
            assert count == restored.execute(query).fetchone() and count and count[0] > 0
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE "{fresh}"')


def test_the_password_reaches_pg_dump_through_its_environment_only() -> None:
    url = make_url("postgresql+psycopg://huribot:s3cret@db.internal:5432/huribot")
    assert "s3cret" not in backup._libpq_url(url)
    assert backup._libpq_url(url) == "postgresql://huribot@db.internal:5432/huribot"


def test_without_pg_dump_the_operator_is_told_what_to_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(backup.shutil, "which", lambda _name: None)
    url = "postgresql://huribot:s3cret@127.0.0.1:1/huribot"
    code, output = invoke(url, "db", "backup", str(tmp_path / "x.dump"))
    said = " ".join(output.split())
    assert code == 1 and "pg_dump was not found" in said and "postgresql-client" in said
    assert "s3cret" not in output and "Traceback" not in output
