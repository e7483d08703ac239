"""A fresh PostgreSQL schema for one test or one benchmark run, so runs never see each
other's rows, however many share the server."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from sqlalchemy.engine import make_url


@contextmanager
def fresh_schema(base_url: str, *, prefix: str) -> Iterator[str]:
    """`base_url` with its connections in a new schema named `prefix_<random>`; the schema
    and everything in it is dropped afterwards."""
    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    plain = make_url(base_url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(plain, autocommit=True) as connection:
        connection.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield (
            make_url(base_url)
            .update_query_dict({"options": f"-csearch_path={schema}"})
            .render_as_string(hide_password=False)
        )
    finally:
        with psycopg.connect(plain, autocommit=True) as connection:
            connection.execute(f'DROP SCHEMA "{schema}" CASCADE')
