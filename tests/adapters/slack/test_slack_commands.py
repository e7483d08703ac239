"""`/huribot`: acknowledged at once, echoed in the channel, answered in the echo's thread."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from bot.commands import COMMANDS_HELP
from bot.questions import QuestionStatus
from bot.router import HELP_TEXT
from tests.fakes.slack_api import RESPONSE_URL

if TYPE_CHECKING:
    from tests.adapters.slack.conftest import SlackHarness

pytestmark = pytest.mark.asyncio(loop_scope="module")

QUESTION = "how does a UNCT contribute to the UPR?"


async def test_command_is_echoed_and_answered_in_the_echo_thread(slack: SlackHarness) -> None:
    fields = slack.command(QUESTION)
    assert slack.ack_watch is not None
    with slack.ack_watch.watching() as stored_at_ack:
        sent = await slack.send_command(fields)

    assert sent.status == 200
    assert stored_at_ack == [[f"slack:command:{fields['trigger_id']}"]]
    echo, answer = await slack.fake.wait_for("chat.postMessage", count=2)
    assert echo.params["channel"] == "C0LAN2Q65"
    assert "thread_ts" not in echo.params
    assert echo.params["text"] == f"<@U061F7AUR> asked: {QUESTION}"
    echo_ts = "1700000000.000100"
    assert answer.params["channel"] == "C0LAN2Q65"
    assert answer.params["thread_ts"] == echo_ts
    assert "Universal Periodic Review" in answer.params["text"]
    assert any(block["type"] == "actions" for block in slack.blocks(answer))

    [question] = await slack.answered_questions()
    assert question.text == QUESTION
    assert question.conversation["thread_id"] == echo_ts
    assert question.conversation["conversation_id"] == "C0LAN2Q65"
    assert question.status == QuestionStatus.ANSWERED_BY_BOT


@pytest.mark.parametrize("text", ["help", "", "   ", "HELP"])
async def test_help_and_empty_command_ack_with_the_help_text(
    slack: SlackHarness, text: str
) -> None:
    sent = await slack.send_command(slack.command(text))
    _, sentinel = await slack.ask(QUESTION)

    assert sent.status == 200
    assert sent.text == f"{HELP_TEXT}\n\n{COMMANDS_HELP}"
    assert slack.posts() == [sentinel]
    assert len(await slack.questions()) == 1


async def test_command_where_the_bot_may_not_post_is_answered_by_response_url(
    slack: SlackHarness,
) -> None:
    slack.fake.fail_next("chat.postMessage", error="not_in_channel")
    fields = slack.command(QUESTION, channel_id="C0PRIVATE1", channel_name="privategroup")

    sent = await slack.send_command(fields)

    assert sent.status == 200
    [response] = await slack.fake.wait_for(RESPONSE_URL)
    [refused] = slack.fake.calls_to("chat.postMessage")
    assert not refused.answered_ok
    assert response.path == "/responses/T1/1234567890/abcdefABCDEF"
    assert "Universal Periodic Review" in response.params["text"]
    assert any(block["type"] == "section" for block in response.params["blocks"])
    assert slack.posts() == []
    [question] = await slack.questions()
    assert question.text == QUESTION
    assert question.conversation["conversation_id"] == "C0PRIVATE1"


async def test_repeated_command_delivery_is_answered_once(slack: SlackHarness) -> None:
    fields = slack.command(QUESTION)

    first = await slack.send_command(fields)
    again = await slack.send_command(fields)
    await slack.fake.wait_for("chat.postMessage", count=2)
    _, sentinel = await slack.ask("what is the human rights-based approach?")

    assert (first.status, again.status) == (200, 200)
    echo, answer, last = slack.posts()
    assert "asked:" in echo.params["text"]
    assert answer.params["thread_ts"] == "1700000000.000100"
    assert last == sentinel
    assert len(await slack.questions()) == 2


async def test_echo_shows_an_ampersand_as_the_member_typed_it(slack: SlackHarness) -> None:
    await slack.send_command(slack.command("gender &amp; LNOB in the CCA"))

    echo, *_ = await slack.fake.wait_for("chat.postMessage")
    assert echo.params["text"] == "<@U061F7AUR> asked: gender &amp; LNOB in the CCA"
