"""Who may post activities: with credentials, only requests carrying a valid Bot Framework
token; anonymous development mode is explicit, and refused together with credentials.

Microsoft's signing keys are played by a key pair made for the run (tests/fakes/
bot_framework_keys.py), so tokens are checked by the SDK exactly as in production."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

from adapters.teams.cards import text_activity
from adapters.teams.connector import ServiceUrlRefusedError, TeamsConfig, TeamsConnector
from bot.messages import ConversationRef
from tests.adapters.teams.conftest import APP_ID, TeamsHarness
from tests.fakes.bot_framework_keys import bot_framework_token, new_key

pytestmark = pytest.mark.asyncio(loop_scope="module")


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


HOST_REFUSED = "Service URL is not allowed by the host validator."


async def test_a_valid_token_passes_and_then_only_microsoft_hosts_are_trusted(
    secured: TeamsHarness, signing_key: RSAPrivateKey
) -> None:
    """A token for this app, signed by the Bot Framework's key, gets past authentication; the
    activity then still names a service URL outside Microsoft's hosts (the loopback fake), so
    the bot refuses to talk back to it and stores nothing."""
    activity = secured.activity("personal_message")
    token = bot_framework_token(signing_key, audience=APP_ID, service_url=activity["serviceUrl"])
    response = await secured.post(activity, headers={"Authorization": f"Bearer {token}"})

    assert (response.status, HOST_REFUSED in response.text) == (401, True)
    assert await secured.questions() == []
    assert secured.fake.sent == []


@pytest.mark.parametrize(
    ("problem", "token_for"),
    [
        ("another app's token", lambda key, url: bot_framework_token(
            key, audience="11111111-2222-3333-4444-555555555555", service_url=url)),
        ("an expired token", lambda key, url: bot_framework_token(
            key, audience=APP_ID, service_url=url, lifetime=-900)),
        ("a token signed by someone else", lambda _key, url: bot_framework_token(
            new_key(), audience=APP_ID, service_url=url)),
    ],
)  # fmt: skip
async def test_tokens_that_are_not_for_us_are_refused(
    secured: TeamsHarness,
    signing_key: RSAPrivateKey,
    problem: str,
    token_for: Callable[[RSAPrivateKey, str], str],
) -> None:
    activity = secured.activity("personal_message")
    token = token_for(signing_key, activity["serviceUrl"])
    response = await secured.post(activity, headers={"Authorization": f"Bearer {token}"})

    assert response.status == 401, problem
    assert HOST_REFUSED not in response.text  # refused by the token check itself
    assert await secured.questions() == []


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
