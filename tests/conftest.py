"""Shared fixtures: databases on SQLite and (when configured) PostgreSQL, and a small corpus."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url

from adapters.wiring.services import open_services
from bot.db.engine import Database
from bot.settings import load_settings
from knowledge.ingest.loader import load_paths, sample_knowledge_path
from knowledge.records import IngestBatch

POSTGRES_URL_VARIABLE = "HURIBOT_TEST_POSTGRES_URL"


def pytest_configure(config: pytest.Config) -> None:
    """Commands run by the tests search lexically unless a test asks for the embedding model
    (computing a passage's vectors takes a quarter of a second)."""
    os.environ.setdefault("HURIBOT_EMBEDDER", "none")


BACKENDS = ["sqlite", "postgresql"]


def _postgres_url() -> str | None:
    return os.environ.get(POSTGRES_URL_VARIABLE) or None


@contextmanager
def fresh_schema(base: str) -> Iterator[str]:
    """A URL on the PostgreSQL at `base` whose connections live in a new schema, dropped
    afterwards."""
    schema = f"test_{uuid.uuid4().hex[:12]}"
    plain = make_url(base).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(plain, autocommit=True) as connection:
        connection.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield (
            make_url(base)
            .update_query_dict({"options": f"-csearch_path={schema}"})
            .render_as_string(hide_password=False)
        )
    finally:
        with psycopg.connect(plain, autocommit=True) as connection:
            connection.execute(f'DROP SCHEMA "{schema}" CASCADE')


def postgres_base_url() -> str:
    """The configured PostgreSQL's URL; skips the test when none is."""
    base = _postgres_url()
    if base is None:
        pytest.skip(f"{POSTGRES_URL_VARIABLE} is not set; PostgreSQL tests are skipped")
    return base


@pytest.fixture
def postgres_schema_url() -> Iterator[str]:
    """A URL whose connections live in a fresh PostgreSQL schema, dropped afterwards."""
    with fresh_schema(postgres_base_url()) as url:
        yield url


def _backend_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh database on the backend of `request.param`."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'huribot.db'}"
    url: str = request.getfixturevalue("postgres_schema_url")
    return url


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of an empty database, once on SQLite and once on PostgreSQL."""
    return _backend_url(request, tmp_path)


@pytest.fixture(params=BACKENDS)
async def knowledge_url(
    request: pytest.FixtureRequest, tmp_path: Path, sample_batch: IngestBatch
) -> str:
    """The URL of a database holding the sample knowledge base, once on SQLite and once on
    PostgreSQL."""
    url = _backend_url(request, tmp_path)
    async with open_services(load_settings({"HURIBOT_DATABASE_URL": url})) as services:
        await services.knowledge.ingest(sample_batch)
    return url


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    """An upgraded, empty database."""
    db = Database(url=database_url)
    await db.upgrade()
    try:
        yield db
    finally:
        await db.dispose()


@pytest.fixture(scope="session")
def sample_batch() -> IngestBatch:
    """The shipped sample knowledge base, read once."""
    return load_paths([sample_knowledge_path()])
