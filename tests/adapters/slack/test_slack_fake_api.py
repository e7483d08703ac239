"""The test doubles themselves: the fake Web API answers slack_sdk as Slack does, and our
signatures are the ones slack_sdk's own verifier accepts."""

from __future__ import annotations

import asyncio
import time

import aiohttp
import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient

from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.slack_signing import FORM, signed_headers


async def test_fake_answers_known_methods_and_refuses_unknown_ones() -> None:
    async with FakeSlackAPI() as fake:
        client = AsyncWebClient(token="xoxb-fake", base_url=fake.url)

        auth = await client.auth_test()
        first = await client.chat_postMessage(channel="C1", text="one")
        second = await client.chat_postMessage(channel="C1", text="two", thread_ts=first["ts"])
        with pytest.raises(SlackApiError) as refused:
            await client.api_call("reactions.add", json={"name": "tada"})

    assert fake.url.endswith("/api/")
    assert (auth["user_id"], auth["bot_id"], auth["team_id"]) == ("UBOT", "BBOT", "T1")
    assert (first["ts"], second["ts"]) == ("1700000000.000100", "1700000000.000101")
    assert first["channel"] == "C1"
    assert refused.value.response["error"] == "unknown_method"
    assert [call.method for call in fake.calls] == [
        "auth.test",
        "chat.postMessage",
        "chat.postMessage",
        "reactions.add",
    ]
    assert fake.calls_to("chat.postMessage")[1].params["thread_ts"] == first["ts"]
    assert fake.calls[1].headers["Authorization"] == "Bearer xoxb-fake"
    assert not fake.calls[3].answered_ok


async def test_injected_errors_apply_to_the_next_calls_only() -> None:
    async with FakeSlackAPI() as fake:
        client = AsyncWebClient(token="xoxb-fake", base_url=fake.url)
        fake.fail_next("chat.postMessage", error="not_in_channel", times=2)

        errors = []
        for _ in range(2):
            with pytest.raises(SlackApiError) as failed:
                await client.chat_postMessage(channel="C1", text="hi")
            errors.append(failed.value.response["error"])
        posted = await client.chat_postMessage(channel="C1", text="hi")

    assert errors == ["not_in_channel", "not_in_channel"]
    assert posted["ok"] is True
    assert [call.answered_ok for call in fake.calls] == [False, False, True]


async def test_rate_limit_carries_retry_after() -> None:
    async with FakeSlackAPI() as fake:
        client = AsyncWebClient(token="xoxb-fake", base_url=fake.url)
        fake.fail_next("views.publish", status=429, retry_after=7)

        with pytest.raises(SlackApiError) as limited:
            await client.views_publish(user_id="U1", view={"type": "home", "blocks": []})

    assert limited.value.response.status_code == 429
    assert limited.value.response.headers["Retry-After"] == "7"
    assert fake.calls_to("views.publish")[0].response is None


async def test_wait_for_reports_what_arrived_instead() -> None:
    async with FakeSlackAPI() as fake:
        client = AsyncWebClient(token="xoxb-fake", base_url=fake.url)
        await client.chat_postEphemeral(channel="C1", user="U1", text="psst")

        with pytest.raises(AssertionError) as timed_out:
            await fake.wait_for("chat.postMessage", timeout=0.05)

    assert "chat.postMessage" in str(timed_out.value)
    assert "chat.postEphemeral" in str(timed_out.value)


@pytest.mark.parametrize("age", [0, 299])
def test_signed_headers_pass_slacks_own_verifier(age: int) -> None:
    body = "command=%2Fhuribot&text=help&user_id=U1"
    sent_at = int(time.time()) - age

    headers = signed_headers(body, "s3cret", timestamp=sent_at, content_type=FORM)

    verifier = SignatureVerifier("s3cret")
    assert verifier.is_valid_request(body, headers)
    assert not SignatureVerifier("other").is_valid_request(body, headers)
    assert headers["Content-Type"] == FORM
    assert headers["X-Slack-Request-Timestamp"] == str(sent_at)


SECTION = {"type": "section", "text": {"type": "mrkdwn", "text": "fine"}}


@pytest.mark.parametrize(
    ("blocks", "reason"),
    [
        ([SECTION] * 51, "no more than 50 blocks, got 51"),
        ([{"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}}], "3000"),
        ([SECTION | {"colour": "red"}], "colour"),
        ([{"type": "marquee"}], "unknown block type"),
        ([{"type": "actions"}], "elements"),
    ],
)
async def test_fake_refuses_blocks_slack_refuses(
    blocks: list[dict[str, object]], reason: str
) -> None:
    async with FakeSlackAPI() as fake:
        client = AsyncWebClient(token="xoxb-fake", base_url=fake.url)
        assert (await client.chat_postMessage(channel="C1", text="ok", blocks=[SECTION]))["ok"]
        with pytest.raises(SlackApiError) as refused:
            await client.chat_postMessage(channel="C1", text="x", blocks=blocks)
    assert refused.value.response["error"] == "invalid_blocks"
    assert reason in " ".join(refused.value.response["response_metadata"]["messages"])


async def test_fake_refuses_a_view_past_block_kit_limits() -> None:
    title = {"type": "plain_text", "text": "x" * 25}  # a modal title holds 24 characters
    view = {"type": "modal", "title": title, "blocks": [SECTION]}
    async with FakeSlackAPI() as fake:
        client = AsyncWebClient(token="xoxb-fake", base_url=fake.url)
        with pytest.raises(SlackApiError) as refused:
            await client.views_open(trigger_id="1.2", view=view)
    assert refused.value.response["error"] == "invalid_arguments"


async def test_fake_answers_missing_scope_for_a_scope_the_manifest_does_not_grant() -> None:
    async with FakeSlackAPI(granted=frozenset({"chat:write", "channels:read"})) as fake:
        fake.members("C1", ["U1"])
        fake.members("G1", ["U1"])
        client = AsyncWebClient(token="xoxb-fake", base_url=fake.url)
        assert (await client.conversations_members(channel="C1"))["members"] == ["U1"]
        with pytest.raises(SlackApiError) as refused:
            await client.conversations_members(channel="G1")  # private: groups:read
    assert refused.value.response["error"] == "missing_scope"
    assert refused.value.response["needed"] == "groups:read"
    assert FakeSlackAPI().granted >= {"chat:write", "channels:read", "groups:read"}  # manifest's


async def test_a_hung_call_makes_the_callers_time_out_fire_and_is_never_done() -> None:
    async with FakeSlackAPI() as fake:
        client = AsyncWebClient(token="xoxb-fake", base_url=fake.url, timeout=1)
        fake.hang("chat.postMessage", times=1)

        with pytest.raises(TimeoutError):
            await client.chat_postMessage(channel="C1", text="lost")
        [held] = fake.held
        fake.release("chat.postMessage", answer=False)
        posted = await client.chat_postMessage(channel="C1", text="next")

    assert held.params["text"] == "lost" and not held.answered_ok
    assert posted["ok"] is True
    assert [call.params["text"] for call in fake.calls] == ["next"]


async def test_a_held_call_is_answered_or_dropped_when_released() -> None:
    async with FakeSlackAPI() as fake:
        client = AsyncWebClient(token="xoxb-fake", base_url=fake.url, retry_handlers=[])
        fake.hang("chat.postMessage")

        answered = asyncio.create_task(client.chat_postMessage(channel="C1", text="late"))
        await fake.wait_for_held("chat.postMessage")
        fake.release("chat.postMessage", answer=True)
        assert (await answered)["ok"] is True

        fake.hang("chat.postMessage")
        dropped = asyncio.create_task(client.chat_postMessage(channel="C1", text="lost"))
        await fake.wait_for_held("chat.postMessage")
        fake.release("chat.postMessage", answer=False)
        with pytest.raises(aiohttp.ServerDisconnectedError):
            await dropped

    assert [(call.params["text"], call.answered_ok) for call in fake.calls] == [("late", True)]
    assert fake.held == []
