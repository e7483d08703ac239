"""Events API end to end: mentions and DMs in, Block Kit answers out, nothing lost or doubled."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest
import structlog.testing
from slack_bolt.request.async_request import AsyncBoltRequest

from adapters.slack.app import SlackBot, SlackConfig
from bot.chat.worker import QuestionWorker
from bot.questions.status import QuestionStatus
from tests.fakes.slack_signing import signed_headers

if TYPE_CHECKING:
    from tests.adapters.slack.conftest import SlackHarness

pytestmark = pytest.mark.asyncio(loop_scope="module")

UPR_QUESTION = "how does a UNCT contribute to the UPR?"
UNANSWERABLE = "what is the per diem rate in Nairobi?"
FEEDBACK_ACTIONS = {
    "huribot_feedback_helpful",
    "huribot_feedback_not_helpful",
    "huribot_feedback_ask_secretariat",
}


def first_section(blocks: list[dict[str, Any]]) -> str:
    """The text of the first section block (the answer, after any warning)."""
    return str(next(block for block in blocks if block["type"] == "section")["text"]["text"])


def texts_of(block: dict[str, Any]) -> list[str]:
    """The mrkdwn/plain texts of a section or context block."""
    if block["type"] == "context":
        return [element["text"] for element in block["elements"]]
    return [block["text"]["text"]] if "text" in block else []


async def test_mention_is_answered_in_its_thread_with_the_full_card(slack: SlackHarness) -> None:
    body = slack.event("app_mention")
    sent = await slack.send_event(body)
    assert sent.status == 200

    [post] = await slack.fake.wait_for("chat.postMessage")
    await slack.settle()
    [question] = await slack.questions()
    assert post.params["channel"] == "C0LAN2Q65"
    assert post.params["thread_ts"] == body["event"]["ts"] == "1700000100.000200"
    assert "Universal Periodic Review" in post.params["text"]
    assert post.headers["Authorization"] == "Bearer xoxb-test"

    blocks = slack.blocks(post)
    assert "Universal Periodic Review" in first_section(blocks)
    contexts = [text for block in blocks if block["type"] == "context" for text in texts_of(block)]
    assert any("<https://" in text and "|" in text for text in contexts), contexts
    assert any(
        "%" in text and ("confident" in text or "not fully sure" in text) for text in contexts
    )

    actions = [block for block in blocks if block["type"] == "actions"]
    related = [b for block in actions for b in block["elements"] if "related" in b["action_id"]]
    assert 1 <= len(related) <= 3
    assert all(button["value"] and button["text"]["text"] for button in related)
    feedback = actions[-1]["elements"]
    assert {button["action_id"] for button in feedback} == FEEDBACK_ACTIONS
    assert {button["value"] for button in feedback} == {str(question.id)}
    assert question.text == UPR_QUESTION
    assert question.status == QuestionStatus.ANSWERED_BY_BOT
    assert question.reply_kind == "answer"


async def test_mention_inside_a_thread_is_answered_in_that_thread(slack: SlackHarness) -> None:
    body = slack.event("app_mention_in_thread")
    assert (await slack.send_event(body)).status == 200

    post = await slack.reply_in_thread("C0LAN2Q65", "1700000120.000300")
    [question] = await slack.questions()
    assert "rights-based approach" in post.params["text"]
    assert question.conversation["thread_id"] == "1700000120.000300"
    assert question.user_id == "U0THREAD1"


async def test_direct_message_is_answered_in_the_dm(slack: SlackHarness) -> None:
    body = slack.event("message_im")
    assert (await slack.send_event(body)).status == 200

    [post] = await slack.fake.wait_for("chat.postMessage")
    assert post.params["channel"] == "D0DMHURI1"
    assert "thread_ts" not in post.params
    assert post.params["text"]
    assert "rights-based approach" in first_section(slack.blocks(post))
    [question] = await slack.questions()
    assert question.conversation == {
        "platform": "slack",
        "conversation_id": "D0DMHURI1",
        "tenant_id": "T1",
    }


async def test_question_is_stored_before_the_ack(slack: SlackHarness) -> None:
    body = slack.mention(UPR_QUESTION)
    assert slack.ack_watch is not None

    with slack.ack_watch.watching() as stored_at_ack:
        sent = await slack.send_event(body)

    assert sent.status == 200
    assert stored_at_ack == [[f"slack:{body['event_id']}"]]
    [question] = await slack.questions()
    assert question.text == UPR_QUESTION
    assert question.conversation["conversation_id"] == "C0LAN2Q65"
    assert question.conversation["thread_id"] == body["event"]["ts"]


async def test_question_survives_a_failed_post(slack: SlackHarness) -> None:
    slack.fake.fail_next("chat.postMessage", error="channel_not_found")

    assert (await slack.send_event(slack.mention(UPR_QUESTION))).status == 200
    [failed] = await slack.fake.wait_for("chat.postMessage")
    await slack.settle()

    assert not failed.answered_ok
    [question] = await slack.questions()
    assert question.text == UPR_QUESTION
    assert question.user_id == "U061F7AUR"


async def test_question_whose_answer_could_not_be_posted_is_not_marked_answered(
    slack: SlackHarness,
) -> None:
    slack.fake.fail_next("chat.postMessage", error="channel_not_found")

    assert (await slack.send_event(slack.mention(UPR_QUESTION))).status == 200
    await slack.fake.wait_for("chat.postMessage")
    await slack.settle()

    [question] = await slack.questions()
    assert question.status != QuestionStatus.ANSWERED_BY_BOT


async def test_a_post_that_fails_is_logged(slack: SlackHarness) -> None:
    slack.fake.fail_next("chat.postMessage", error="channel_not_found")

    with structlog.testing.capture_logs() as logs:
        assert (await slack.send_event(slack.mention(UPR_QUESTION))).status == 200
        await slack.fake.wait_for("chat.postMessage")
        await slack.settle()

    failures = [entry for entry in logs if entry["event"] == "slack.listener_failed"]
    assert len(failures) == 1
    assert "channel_not_found" in failures[0]["error"]


async def test_web_api_connection_is_kept_alive_between_calls(slack: SlackHarness) -> None:
    await slack.ask(UPR_QUESTION)
    await slack.ask("what is the human rights-based approach?")

    first, second = slack.posts()
    assert first.client_port == second.client_port


async def test_unanswerable_question_gets_the_abstention_card(slack: SlackHarness) -> None:
    _, post = await slack.ask(UNANSWERABLE)

    blocks = slack.blocks(post)
    assert "passed your question to the Secretariat" in first_section(blocks)
    assert "Secretariat" in post.params["text"]
    assert all("feedback" not in block.get("block_id", "") for block in blocks)
    [question] = await slack.questions()
    assert question.status == QuestionStatus.OPEN
    assert question.reply_kind == "abstain"


async def test_slack_retries_are_answered_once(slack: SlackHarness) -> None:
    body = slack.mention(UPR_QUESTION)
    assert (await slack.send_event(body)).status == 200
    await slack.fake.wait_for("chat.postMessage")

    first_retry = await slack.send_event(body, retry_num=1)
    second_retry = await slack.send_event(body, retry_num=2)
    plain_repeat = await slack.send_event(body)
    sentinel, _ = await slack.ask("what is the human rights-based approach?")

    assert [first_retry.status, second_retry.status, plain_repeat.status] == [200, 200, 200]
    threads = [call.params["thread_ts"] for call in slack.posts()]
    assert sorted(threads) == sorted([body["event"]["ts"], sentinel["event"]["ts"]])
    assert [q.text for q in await slack.questions()] == [
        UPR_QUESTION,
        "what is the human rights-based approach?",
    ]


def _from_another_bot_mention(slack: SlackHarness) -> dict[str, Any]:
    body = slack.mention(UPR_QUESTION, bot_id="B0OTHERBOT", user="U0OTHERBOT")
    body["event"]["bot_profile"] = {"id": "B0OTHERBOT", "name": "Reminders", "team_id": "T1"}
    return body


def _without_a_channel(slack: SlackHarness) -> dict[str, Any]:
    body = slack.mention(UPR_QUESTION)
    del body["event"]["channel"]
    return body


NOT_QUESTIONS: dict[str, Callable[[SlackHarness], dict[str, Any]]] = {
    "own message": lambda slack: slack.event("message_own_bot"),
    "another bot's message": lambda slack: slack.event("message_other_bot"),
    "another bot's mention": _from_another_bot_mention,
    "edited message": lambda slack: slack.event("message_changed"),
    "channel message": lambda slack: slack.event("message_im", channel_type="channel"),
    "mention without a channel": _without_a_channel,
}


@pytest.mark.parametrize("kind", NOT_QUESTIONS)
async def test_messages_that_are_not_questions_are_ignored(slack: SlackHarness, kind: str) -> None:
    sent = await slack.send_event(NOT_QUESTIONS[kind](slack))
    sentinel, _ = await slack.ask(UPR_QUESTION)

    assert sent.status == 200
    assert [call.params["thread_ts"] for call in slack.posts()] == [sentinel["event"]["ts"]]
    assert [q.event_key for q in await slack.questions()] == [f"slack:{sentinel['event_id']}"]


async def test_rate_limited_post_is_retried_after_retry_after(slack: SlackHarness) -> None:
    slack.fake.fail_next("chat.postMessage", status=429, retry_after=1)

    assert (await slack.send_event(slack.mention(UPR_QUESTION))).status == 200
    limited, posted = await slack.fake.wait_for("chat.postMessage", count=2, timeout=10)

    assert not limited.answered_ok
    assert posted.answered_ok
    assert posted.at - limited.at >= 0.95
    assert posted.params == limited.params


async def test_slack_entities_in_a_question_are_decoded(slack: SlackHarness) -> None:
    sent = await slack.send_event(slack.mention("gender &amp; LNOB in the CCA"))

    assert sent.status == 200
    [question] = await slack.questions()
    assert question.text == "gender & LNOB in the CCA"


async def test_with_a_worker_the_web_process_only_stores_and_acknowledges(
    slack: SlackHarness,
) -> None:
    services = slack.services
    store_only = SlackBot(
        config=SlackConfig(
            bot_token="xoxb-test", signing_secret=slack.secret, api_url=slack.fake.url
        ),
        intake=services.intake,
        answerer=services.answerer,
        answer_inline=False,
    )
    body = slack.mention(UPR_QUESTION)
    response = await store_only.app.async_dispatch(
        AsyncBoltRequest(
            body=json.dumps(body), headers=signed_headers(json.dumps(body), slack.secret)
        )
    )
    await slack.settle()
    assert response.status == 200
    assert slack.posts() == []
    [question] = await slack.questions()
    assert question.status == QuestionStatus.RECEIVED

    worker = QuestionWorker(
        questions=services.intake.questions,
        intake=services.intake,
        channels={"slack": store_only.channels},
    )
    assert await worker.run_until_idle() == 1
    assert await worker.run_until_idle() == 0
    post = await slack.reply_in_thread(body["event"]["channel"], body["event"]["ts"])
    assert "Universal Periodic Review" in post.params["text"]
    [question] = await slack.questions()
    assert question.status == QuestionStatus.ANSWERED_BY_BOT
    await store_only.aclose()


async def test_a_slack_server_error_is_retried_before_the_answer_is_given_up(
    slack: SlackHarness,
) -> None:
    slack.fake.fail_next("chat.postMessage", status=500, times=2)

    assert (await slack.send_event(slack.mention(UPR_QUESTION))).status == 200
    first, second, posted = await slack.fake.wait_for("chat.postMessage", count=3, timeout=10)

    assert not first.answered_ok and not second.answered_ok and posted.answered_ok
    assert "Universal Periodic Review" in posted.params["text"]
    [question] = await slack.answered_questions()
    assert question.status == QuestionStatus.ANSWERED_BY_BOT


@pytest.mark.parametrize("ts", ["1e400", "-1e20", "nan"])
async def test_a_mention_whose_ts_is_no_date_is_answered(slack: SlackHarness, ts: str) -> None:
    """Found by fuzzing: a `ts` that is a number but no date (overflowing) failed the
    listener before the question was stored; it is received now, as a ts that is no number."""
    with structlog.testing.capture_logs() as logs:
        _, answer = await slack.ask("how does a UNCT contribute to the UPR?", ts=ts)
    assert answer.params["thread_ts"] == ts
    assert [log["event"] for log in logs if log["log_level"] == "error"] == []
    assert len(await slack.questions()) == 1


@pytest.mark.parametrize("field", ["user", "channel", "ts"])
async def test_an_event_whose_id_is_longer_than_any_slack_id_gets_400(
    slack: SlackHarness, field: str
) -> None:
    """Found by fuzzing on PostgreSQL: a user id past the column's 128 characters was refused
    by the database after the acknowledgement, and the question lost with an error."""
    body = slack.mention("how does a UNCT contribute to the UPR?", **{field: "U" * 121})

    sent = await slack.send_event(body)

    assert (sent.status, sent.text) == (400, "malformed request")
    assert await slack.questions() == []
