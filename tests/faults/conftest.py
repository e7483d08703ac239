"""Fixtures of the fault runs: the fake Slack Web API, and the bot's database read directly
(never through the proxy a test may cut)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.db.engine import Database
from tests.fakes.slack_api import FakeSlackAPI


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlackAPI]:
    """Slack's Web API."""
    async with FakeSlackAPI() as api:
        yield api


@pytest.fixture
async def records(knowledge_url: str) -> AsyncIterator[Database]:
    """The bot's database, as the test reads it."""
    database = Database(url=knowledge_url)
    try:
        yield database
    finally:
        await database.dispose()
