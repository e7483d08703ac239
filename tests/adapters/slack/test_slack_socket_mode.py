"""Socket Mode end to end: bolt's real handler connects to a websocket served by the fake,
which sends Slack's envelopes (`hello`, `events_api`, `slash_commands`, `interactive`,
`disconnect`) and reads the acks; what the bot then does reaches the fake Web API."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from adapters.readiness import run_checks
from adapters.slack.app import SlackBot
from adapters.slack.socket_mode import LinkState, SocketModeLink
from adapters.wiring.platforms import Platforms
from adapters.wiring.services import Services, open_services
from bot.questions.log import Feedback
from bot.settings import load_settings
from tests.adapters.common import stored_questions
from tests.adapters.slack.conftest import FIXTURE_ORIGIN, SlackHarness, load_payload, slack_bot
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.slack_socket import APP_TOKEN

QUESTION = "how does a UNCT contribute to the UPR?"


@dataclass
class SocketBot:
    fake: FakeSlackAPI
    services: Services
    bot: SlackBot

    def link(self, token: str = APP_TOKEN) -> SocketModeLink:
        return SocketModeLink(self.bot.app, token, first_retry_seconds=0.01)


@pytest.fixture
async def socket_bot(tmp_path: Path, sample_database: Path) -> AsyncIterator[SocketBot]:
    database = tmp_path / "huribot.db"
    shutil.copyfile(sample_database, database)
    settings = load_settings({"HURIBOT_DATABASE_URL": f"sqlite:///{database}"})
    async with FakeSlackAPI() as fake, open_services(settings) as services:
        bot = slack_bot(services, fake, signing_secret=None)
        try:
            yield SocketBot(fake, services, bot)
        finally:
            await bot.aclose()


@pytest.fixture
async def connected(socket_bot: SocketBot) -> AsyncIterator[SocketBot]:
    link = socket_bot.link()
    link.start()
    assert await link.wait_until(LinkState.CONNECTED, LinkState.REFUSED) is LinkState.CONNECTED
    await socket_bot.fake.socket.wait_for_connections(1)
    try:
        yield socket_bot
    finally:
        await link.close()


def mention(text: str, ts: str) -> dict[str, Any]:
    body = load_payload("app_mention")
    body["event"] |= {"text": f"<@UBOT> {text}", "ts": ts, "event_ts": ts}
    body["event"].pop("blocks", None)
    body["event_id"] = f"EvSOCKET{ts.replace('.', '')}"
    return body


async def test_a_mention_over_the_websocket_is_acked_and_answered_in_its_thread(
    connected: SocketBot,
) -> None:
    fake = connected.fake
    body = mention(QUESTION, "1700002000.000100")

    envelope = await fake.socket.send("events_api", body)

    ack = await fake.socket.ack_for(envelope)
    assert ack.payload is None  # events take no response payload
    [answer] = await fake.wait_for("chat.postMessage", timeout=10)
    assert answer.params["channel"] == body["event"]["channel"]
    assert answer.params["thread_ts"] == "1700002000.000100"
    assert answer.headers["Authorization"] == "Bearer xoxb-test"
    assert not fake.socket.unknown_acks


async def test_a_slash_command_is_acked_with_its_reply_in_the_ack(connected: SocketBot) -> None:
    fake = connected.fake
    fields = load_payload("slash_command") | {"text": "help"}

    envelope = await fake.socket.send("slash_commands", fields, accepts_response_payload=True)

    ack = await fake.socket.ack_for(envelope)
    assert ack.payload is not None
    assert ack.payload["text"].startswith("I answer questions on human rights")


async def test_a_button_press_is_acked_and_its_feedback_stored(connected: SocketBot) -> None:
    fake = connected.fake
    await fake.socket.ack_for(await fake.socket.send("events_api", mention(QUESTION, "17.1")))
    [answer] = await fake.wait_for("chat.postMessage", timeout=10)
    [helpful] = [
        element
        for block in SlackHarness.blocks(answer)
        if block["type"] == "actions"
        for element in block["elements"]
        if element["action_id"].startswith("huribot_feedback_helpful")
    ]
    click = load_payload("block_actions_helpful")
    click["actions"][0] |= {"value": helpful["value"], "action_id": helpful["action_id"]}
    click["response_url"] = click["response_url"].replace(FIXTURE_ORIGIN, fake.origin)
    click["container"] |= {"thread_ts": "17.1", "message_ts": answer.response["ts"]}  # type: ignore[index]

    await fake.socket.ack_for(await fake.socket.send("interactive", click))

    [thanks] = await fake.wait_for("chat.postEphemeral", timeout=10)
    assert thanks.params["thread_ts"] == "17.1"
    [question] = await stored_questions(connected.services.database)
    assert question.feedback == Feedback.HELPFUL.value


async def test_after_a_disconnect_the_app_moves_to_a_new_connection_and_goes_on(
    connected: SocketBot,
) -> None:
    fake = connected.fake

    await fake.socket.disconnect("refresh_requested")

    await fake.socket.wait_for_connections(2)
    assert fake.socket.tickets_issued == 2
    envelope = await fake.socket.send("events_api", mention(QUESTION, "17.2"))
    assert (await fake.socket.ack_for(envelope)).connection == 2
    await fake.wait_for("chat.postMessage", timeout=10)


async def test_a_refused_app_token_is_reported_once_and_not_retried(socket_bot: SocketBot) -> None:
    link = socket_bot.link("xapp-1-wrong")
    link.start()
    try:
        assert await link.wait_until(LinkState.CONNECTED, LinkState.REFUSED) is LinkState.REFUSED
        [opened] = socket_bot.fake.calls_to("apps.connections.open")
        assert opened.response == {"ok": False, "error": "invalid_auth"}
        checks = Platforms(services=socket_bot.services, slack=None, teams=None).readiness(link)
        results = await run_checks(checks)
        assert results["database"].ok
        assert not results["slack"].ok
        assert "HURIBOT_SLACK_APP_TOKEN" in results["slack"].detail
    finally:
        await link.close()


async def test_a_slack_outage_at_start_up_is_retried_until_it_connects(
    socket_bot: SocketBot,
) -> None:
    socket_bot.fake.fail_next("apps.connections.open", error="service_unavailable", times=2)
    link = socket_bot.link()
    assert not (await link.readiness()).ok
    link.start()
    try:
        assert await link.wait_until(LinkState.CONNECTED, LinkState.REFUSED) is LinkState.CONNECTED
        assert len(socket_bot.fake.calls_to("apps.connections.open")) == 3
        await socket_bot.fake.socket.wait_for_connections(1)
        assert (await link.readiness()).ok
    finally:
        await link.close()
