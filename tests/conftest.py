"""Shared fixtures: databases on SQLite and (when configured) PostgreSQL, and a small corpus."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from adapters.wiring.services import open_services
from bot.db.engine import Database
from bot.settings import load_settings
from knowledge.ingest.loader import load_paths, sample_knowledge_path
from knowledge.records import IngestBatch
from tests.schemas import fresh_schema

POSTGRES_URL_VARIABLE = "HURIBOT_TEST_POSTGRES_URL"


def pytest_configure(config: pytest.Config) -> None:
    """Commands run by the tests search lexically unless a test asks for the embedding model
    (computing a passage's vectors takes a quarter of a second)."""
    os.environ.setdefault("HURIBOT_EMBEDDER", "none")


BACKENDS = ["sqlite", "postgresql"]


def _postgres_url() -> str | None:
    return os.environ.get(POSTGRES_URL_VARIABLE) or None


def _backend_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh database on the backend of `request.param`."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'huribot.db'}"
    url: str = request.getfixturevalue("postgres_schema_url")
    return url


def postgres_base_url() -> str:
    """The configured PostgreSQL's URL; skips the test when none is."""
    base = _postgres_url()
    if base is None:
        pytest.skip(f"{POSTGRES_URL_VARIABLE} is not set; PostgreSQL tests are skipped")
    return base


@pytest.fixture
def postgres_schema_url() -> Iterator[str]:
    """A URL whose connections live in a fresh PostgreSQL schema, dropped afterwards."""
    with fresh_schema(postgres_base_url(), prefix="test") as url:
        yield url


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


@pytest.fixture
async def shared_postgres(postgres_schema_url: str) -> AsyncIterator[tuple[Database, Database]]:
    """One upgraded PostgreSQL database as two bot processes reach it: an engine (a pool of
    connections) each."""
    first, second = Database(url=postgres_schema_url), Database(url=postgres_schema_url)
    await first.upgrade()
    try:
        yield first, second
    finally:
        await first.dispose()
        await second.dispose()


@pytest.fixture(scope="session")
def sample_batch() -> IngestBatch:
    """The shipped sample knowledge base, read once."""
    return load_paths([sample_knowledge_path()])
