"""Who may post activities: with credentials, only requests carrying a valid Bot Framework
token; anonymous development mode is explicit, and refused together with credentials.

The SDK fetches signing keys only from Microsoft's fixed JWKS addresses (it offers no setting
to point them elsewhere), so a token it would accept cannot be minted offline; these tests
prove the rejections, which happen before any key is fetched."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from adapters.teams.cards import text_activity
from adapters.teams.connector import ServiceUrlRefusedError, TeamsConfig, TeamsConnector
from bot.messages import ConversationRef
from tests.adapters.teams.conftest import TeamsHarness, running_teams
from tests.fakes.teams_connector import FakeConnector

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def secured(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[TeamsHarness]:
    """The bot with an app id and secret: authentication on, as in production."""
    database = tmp_path_factory.mktemp("teams-auth") / "huribot.db"
    environment = {
        "HURIBOT_DATABASE_URL": f"sqlite:///{database}",
        "HURIBOT_TEAMS_APP_ID": "00000000-0000-0000-0000-00000000b07a",
        "HURIBOT_TEAMS_APP_PASSWORD": "not-a-real-secret",
        "HURIBOT_TEAMS_TENANT_ID": "72f988bf-86f1-41af-91ab-2d7cd011db47",
    }
    async with FakeConnector() as fake, running_teams(environment, fake) as harness:
        yield harness


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer", "Basic dXNlcjpwYXNz", "Bearer not-a-jwt", "Bearer a.b.c"],
)
async def test_requests_without_a_valid_token_are_refused(
    secured: TeamsHarness, authorization: str | None
) -> None:
    headers = {"Authorization": authorization} if authorization is not None else None
    response = await secured.post(secured.activity("personal_message"), headers=headers)

    assert response.status == 401
    assert await secured.questions() == []
    assert secured.fake.sent == []


async def test_anonymous_mode_accepts_unauthenticated_activities(teams: TeamsHarness) -> None:
    response = await teams.post(teams.activity("personal_message"))

    assert response.status == 202
    assert len(await teams.questions()) == 1


async def test_production_never_posts_to_a_foreign_service_url() -> None:
    """Outbound host validation: with credentials, the bot posts only to Microsoft's
    connector hosts, whatever a stored reference says."""
    connector = TeamsConnector(TeamsConfig(app_id="app", app_password="secret"))
    assert connector.host_validator.is_allowed("https://smba.trafficmanager.net/emea/")
    ref = ConversationRef(
        platform="teams", conversation_id="a:1", service_url="https://attacker.example.org/"
    )
    with pytest.raises(ServiceUrlRefusedError):
        await connector.send(ref, text_activity("hello"))
