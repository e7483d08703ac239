"""Fixtures shared by the platform adapters' tests: the sample knowledge base, ingested once."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from adapters.wiring.services import open_services
from bot.settings import load_settings
from knowledge.records import IngestBatch


@pytest.fixture(scope="session")
def sample_database(tmp_path_factory: pytest.TempPathFactory, sample_batch: IngestBatch) -> Path:
    """A SQLite file with the sample ingested, built once and copied for each test."""
    path = tmp_path_factory.mktemp("slack-kb") / "template.db"

    async def build() -> None:
        settings = load_settings({"HURIBOT_DATABASE_URL": f"sqlite:///{path}"})
        async with open_services(settings) as services:
            report = await services.knowledge.ingest(sample_batch)
            assert report.replies.changed()

    asyncio.run(build())
    return path
