"""Buttons under an answer: feedback is stored and thanked privately; Related shows the item."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
import structlog

from bot.chat.intake import FEEDBACK_THANKS, QUESTION_GONE
from bot.questions.log import Feedback
from bot.questions.status import QuestionStatus

if TYPE_CHECKING:
    from tests.adapters.slack.conftest import SlackHarness
    from tests.fakes.slack_api import Call

pytestmark = pytest.mark.asyncio(loop_scope="module")

QUESTION = "how does a UNCT contribute to the UPR?"


def buttons(slack: SlackHarness, post: Call, prefix: str) -> list[dict[str, Any]]:
    """The buttons of a posted card whose action_id starts with `prefix`."""
    return [
        element
        for block in slack.blocks(post)
        if block["type"] == "actions"
        for element in block["elements"]
        if element["action_id"].startswith(prefix)
    ]


def message_ts(post: Call) -> str:
    assert post.response is not None
    return str(post.response["ts"])


@pytest.mark.parametrize(
    ("feedback", "status"),
    [
        (Feedback.HELPFUL, QuestionStatus.ANSWERED_BY_BOT),
        (Feedback.NOT_HELPFUL, QuestionStatus.OPEN),
        (Feedback.ASK_SECRETARIAT, QuestionStatus.OPEN),
    ],
)
async def test_feedback_button_is_stored_and_thanked_privately(
    slack: SlackHarness, feedback: Feedback, status: QuestionStatus
) -> None:
    body, post = await slack.ask(QUESTION, user="U0ASKER01")
    [button] = buttons(slack, post, f"huribot_feedback_{feedback.value}")
    thread_ts = body["event"]["ts"]
    click = slack.action(
        feedback.value, value=button["value"], thread_ts=thread_ts, message_ts=message_ts(post)
    )
    click["user"]["id"] = "U0ASKER01"
    assert click["actions"][0]["action_id"] == button["action_id"]

    sent = await slack.send_action(click)

    assert sent.status == 200
    [thanks] = await slack.fake.wait_for("chat.postEphemeral")
    expected = {
        "channel": "C0LAN2Q65",
        "thread_ts": thread_ts,
        "user": "U0ASKER01",
        "text": FEEDBACK_THANKS[feedback],
    }
    assert expected.items() <= thanks.params.items()
    [question] = await slack.questions()
    assert str(question.id) == button["value"]
    assert question.feedback == feedback.value
    assert question.feedback_by == "U0ASKER01"
    assert question.feedback_at is not None
    assert question.status == status
    assert len(slack.posts()) == 1


async def test_related_button_posts_the_item_in_the_thread(slack: SlackHarness) -> None:
    body, post = await slack.ask(QUESTION)
    first, *_ = buttons(slack, post, "huribot_related_")
    thread_ts = body["event"]["ts"]
    click = slack.action(
        "related", value=first["value"], thread_ts=thread_ts, message_ts=message_ts(post)
    )
    click["actions"][0]["action_id"] = first["action_id"]

    assert (await slack.send_action(click)).status == 200

    _, shown = await slack.fake.wait_for("chat.postMessage", count=2)
    title = first["text"]["text"].split(" › ")[0].removesuffix(" …")
    assert shown.params["channel"] == "C0LAN2Q65"
    assert shown.params["thread_ts"] == thread_ts
    assert title in shown.params["text"]
    assert any(block["type"] == "section" for block in slack.blocks(shown))
    assert not buttons(slack, shown, "huribot_feedback_")
    assert len(await slack.questions()) == 1


async def test_related_button_for_an_item_gone_from_the_knowledge_base(
    slack: SlackHarness,
) -> None:
    click = slack.action(
        "related",
        value="a-reply-retired-since",
        thread_ts="1700000100.000200",
        message_ts="1700000000.000100",
    )

    assert (await slack.send_action(click)).status == 200

    [notice] = await slack.fake.wait_for("chat.postEphemeral")
    assert notice.params["user"] == "U061F7AUR"
    assert notice.params["thread_ts"] == "1700000100.000200"
    assert "no longer in the knowledge base" in notice.params["text"]
    assert slack.posts() == []


async def test_rating_a_question_deleted_since_says_so_privately(slack: SlackHarness) -> None:
    """A question purged (retention) or deleted (privacy) while its answer stays in Slack:
    the rating is not recorded, and the member is told why (it used to fail silently)."""
    click = slack.action(
        "helpful", value="4242", thread_ts="1700000100.000200", message_ts="1700000000.000100"
    )

    assert (await slack.send_action(click)).status == 200

    [notice] = await slack.fake.wait_for("chat.postEphemeral")
    assert notice.params["text"] == QUESTION_GONE
    assert await slack.questions() == []


@pytest.mark.parametrize("value", ["", "abc", "1.5", "-1", "99999999999999999999"])
async def test_a_button_value_no_message_of_ours_carries_is_acknowledged_and_ignored(
    slack: SlackHarness, value: str
) -> None:
    """Acknowledged at once (bolt answered 404 after three seconds when a listener failed
    after acknowledging), nothing posted, a warning rather than an error logged."""
    click = slack.action(
        "helpful", value=value, thread_ts="1700000100.000200", message_ts="1700000000.000100"
    )

    with structlog.testing.capture_logs() as logs:
        sent = await slack.send_action(click)
        await slack.settle()

    assert sent.status == 200
    assert [log["event"] for log in logs if log["log_level"] in {"warning", "error"}] == [
        "slack.malformed_payload"
    ]
    assert [call.method for call in slack.fake.calls] == []
