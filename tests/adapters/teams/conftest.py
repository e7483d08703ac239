"""The real Teams bot on loopback: our aiohttp server with `POST /api/messages`, the SDK's
adapter, services on a SQLite file holding the sample knowledge base, and a fake Bot
Framework connector (the activities' `serviceUrl`) recording what the bot sends.

Activities come from tests/fixtures/teams/, as Teams sends them; each gets a fresh id.
"""

from __future__ import annotations

import itertools
import json
import shutil
from collections.abc import AsyncIterator, Iterator, Mapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

from adapters.server import build_web_app
from adapters.teams.app import TeamsBot
from adapters.teams.sender import TeamsSender
from adapters.wiring.platforms import open_platforms
from adapters.wiring.services import Services
from bot.db.models import Question
from bot.settings import load_settings
from tests.adapters.common import Sent, forget_questions, load_recorded, stored_questions
from tests.fakes.adaptive_cards import schema_errors
from tests.fakes.bot_framework_keys import new_key, published_keys
from tests.fakes.teams_connector import Delivered, FakeConnector

BOT_ID = "28:00000000-0000-0000-0000-00000000b07"
APP_ID = "00000000-0000-0000-0000-00000000b07a"
_SERIAL = itertools.count(1)


class TeamsHarness:
    """Posts activities to the running bot; reads what reached the fake connector and the DB."""

    def __init__(
        self,
        *,
        http: TestClient[web.Request, web.Application],
        fake: FakeConnector,
        services: Services,
        bot: TeamsBot,
        sender: TeamsSender,
    ) -> None:
        self.http = http
        self.fake = fake
        self.services = services
        self.bot = bot
        self.sender = sender

    def activity(self, name: str, **changes: Any) -> dict[str, Any]:
        """A recorded activity with a fresh id, our fake as its service URL, fields changed."""
        activity = load_recorded("teams", name)
        n = next(_SERIAL)
        activity["id"] = f"{activity['id']}{n:04d}"
        conversation = activity["conversation"]
        if ";messageid=" in conversation["id"]:  # a channel thread is named by its first message
            conversation["id"] = conversation["id"].split(";messageid=")[0] + (
                f";messageid={activity['id']}"
            )
        activity["serviceUrl"] = self.fake.service_url
        activity.update(changes)
        return activity

    def message(self, name: str, text: str) -> dict[str, Any]:
        """A member's message from a recorded one, with other words after any mention."""
        activity = self.activity(name)
        mention = "<at>HuriBot</at> " if "<at>HuriBot</at>" in activity["text"] else ""
        activity["text"] = mention + text
        return activity

    async def post(
        self, activity: Mapping[str, Any], *, headers: Mapping[str, str] | None = None
    ) -> Sent:
        """POST one activity to /api/messages as the Bot Framework does; a dialog (task
        module) the bot answers with must pass Microsoft's schema, as every card it sends."""
        response = await self.http.post("/api/messages", json=activity, headers=headers)
        sent = Sent(status=response.status, text=await response.text())
        card = _dialog_card(sent.text)
        if card is not None:
            assert schema_errors(card) == [], f"a dialog the schema refuses: {schema_errors(card)}"
        return sent

    async def ask(self, name: str, text: str) -> tuple[dict[str, Any], Delivered]:
        """Send a question and wait for the bot's answer."""
        activity = self.message(name, text)
        response = await self.post(activity)
        assert response.status in {200, 201, 202}, response
        await self.bot.settle()
        answers = [s for s in self.fake.sent if s.conversation_id == activity["conversation"]["id"]]
        assert answers, f"no answer reached the connector: {self.fake.sent}"
        return activity, answers[-1]

    async def questions(self) -> list[Question]:
        """Every stored question, oldest first."""
        return await stored_questions(self.services.database)

    async def reset(self) -> None:
        """Forget the questions and requests of earlier tests."""
        await forget_questions(self.services.database)
        self.fake.reset()


@asynccontextmanager
async def running_teams(
    environment: Mapping[str, str], fake: FakeConnector
) -> AsyncIterator[TeamsHarness]:
    """A bot process wired exactly as `huribot serve` wires Teams."""
    async with open_platforms(load_settings(dict(environment))) as platforms:
        services, parts = platforms.services, platforms.teams
        assert parts is not None
        bot, sender = parts
        web_app = build_web_app(teams=bot.route())
        async with TestClient(TestServer(web_app, host="127.0.0.1")) as http:
            yield TeamsHarness(http=http, fake=fake, services=services, bot=bot, sender=sender)
            await bot.settle()


def development_mode(database: Path | str, *, moderator: str | None = None) -> dict[str, str]:
    """The settings of a bot in anonymous development mode on `database` (a SQLite file, or
    a URL), with `moderator`, a Teams user's Entra object id, as its moderator."""
    environment = {
        "HURIBOT_DATABASE_URL": database if isinstance(database, str) else f"sqlite:///{database}",
        "HURIBOT_TEAMS_ALLOW_ANONYMOUS": "true",
    }
    if moderator is not None:
        environment["HURIBOT_MODERATORS"] = f"teams:{moderator}"
    return environment


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def teams_app(
    tmp_path_factory: pytest.TempPathFactory, sample_database: Path
) -> AsyncIterator[TeamsHarness]:
    """HuriBot with Teams in anonymous development mode, once per test module."""
    database = tmp_path_factory.mktemp("teams") / "huribot.db"
    shutil.copyfile(sample_database, database)
    async with FakeConnector() as fake, running_teams(development_mode(database), fake) as harness:
        yield harness


@pytest_asyncio.fixture(loop_scope="module")
async def teams(teams_app: TeamsHarness) -> AsyncIterator[TeamsHarness]:
    """The module's bot with an empty question log and a connector that has seen nothing."""
    await teams_app.reset()
    yield teams_app
    await teams_app.bot.settle()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def secured(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[TeamsHarness]:
    """The bot with an app id and secret: authentication on, as in production."""
    database = tmp_path_factory.mktemp("teams-auth") / "huribot.db"
    environment = {
        "HURIBOT_DATABASE_URL": f"sqlite:///{database}",
        "HURIBOT_TEAMS_APP_ID": APP_ID,
        "HURIBOT_TEAMS_APP_PASSWORD": "not-a-real-secret",
        "HURIBOT_TEAMS_TENANT_ID": "72f988bf-86f1-41af-91ab-2d7cd011db47",
    }
    async with FakeConnector() as fake, running_teams(environment, fake) as harness:
        yield harness


@pytest.fixture(scope="module")
def signing_key() -> Iterator[RSAPrivateKey]:
    """The key the Bot Framework signs with, trusted by the SDK for the module's tests."""
    key = new_key()
    with published_keys(key):
        yield key


def _dialog_card(body: str) -> dict[str, Any] | None:
    """The Adaptive Card of a `task/fetch` or `task/submit` answer, if it holds one."""
    try:
        answer = json.loads(body)
    except ValueError:
        return None
    task = answer.get("task") if isinstance(answer, dict) else None
    value = task.get("value") if isinstance(task, dict) else None
    card = value.get("card") if isinstance(value, dict) else None
    content = card.get("content") if isinstance(card, dict) else None
    return content if isinstance(content, dict) else None
