"""`/huribot`: acknowledged at once, echoed in the channel, answered in the echo's thread."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from bot.chat.commands import COMMANDS_HELP
from bot.chat.intake import FEEDBACK_THANKS
from bot.chat.router import HELP_TEXT
from bot.questions.log import Feedback
from bot.questions.status import QuestionStatus
from tests.fakes.slack_api import RESPONSE_URL

if TYPE_CHECKING:
    from tests.adapters.slack.conftest import SlackHarness
    from tests.fakes.slack_api import Call

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


def pressed_on_private_answer(
    slack: SlackHarness, answer: Call, prefix: str, channel: str
) -> dict[str, Any]:
    """A button press under an answer only its asker sees: Slack marks the container
    ephemeral and sends no `message` (the bot cannot read or update an ephemeral one)."""
    button, *_ = [
        element
        for block in answer.params["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
        if element["action_id"].startswith(prefix)
    ]
    name = "helpful" if prefix.startswith("huribot_feedback") else "related"
    click = slack.action(name, value=button["value"], thread_ts="", message_ts="")
    click["actions"][0] |= {"action_id": button["action_id"], "value": button["value"]}
    click["container"] = {
        "type": "message",
        "message_ts": "1700000500.000300",
        "channel_id": channel,
        "is_ephemeral": True,
    }
    click["channel"] = {"id": channel, "name": "privategroup"}
    del click["message"]
    click["response_url"] = slack.fake.response_url("T1/5555/privateaction")
    return click


@pytest.mark.parametrize("prefix", ["huribot_feedback_helpful", "huribot_related_"])
async def test_buttons_on_a_private_answer_answer_privately_too(
    slack: SlackHarness, prefix: str
) -> None:
    slack.fake.bot_not_in("C0PRIVATE1")
    fields = slack.command(QUESTION, channel_id="C0PRIVATE1", channel_name="privategroup")
    await slack.send_command(fields)
    [answer] = await slack.fake.wait_for(RESPONSE_URL)
    await slack.answered_questions()

    click = pressed_on_private_answer(slack, answer, prefix, "C0PRIVATE1")
    assert (await slack.send_action(click)).status == 200

    _, shown = await slack.fake.wait_for(RESPONSE_URL, count=2)
    assert shown.path == "/responses/T1/5555/privateaction"
    assert shown.params["response_type"] == "ephemeral"
    assert shown.params["replace_original"] is False  # the answer itself stays
    if prefix.startswith("huribot_feedback"):
        assert shown.params["text"] == FEEDBACK_THANKS[Feedback.HELPFUL]
        [question] = await slack.questions()
        assert question.feedback == Feedback.HELPFUL.value
    else:
        assert any(block["type"] == "section" for block in shown.params["blocks"])
    assert not slack.fake.calls_to("chat.postEphemeral")
    assert all(not call.answered_ok for call in slack.fake.calls_to("chat.postMessage"))


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


async def test_a_huge_command_is_not_echoed_whole_into_the_channel(slack: SlackHarness) -> None:
    huge = "why " * 10_000
    sent = await slack.send_command(slack.command(huge))
    assert sent.status == 200
    echo, answer = await slack.fake.wait_for("chat.postMessage", count=2)
    assert len(echo.params["text"]) < 600 and echo.params["text"].endswith("…")
    assert "characters long" in answer.params["text"]
