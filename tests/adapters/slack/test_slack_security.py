"""Only Slack gets in (signed, fresh, small requests), and members' markup never posts live."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import urlencode

import pytest

from adapters.server import MAX_REQUEST_BYTES
from bot import __version__
from tests.fakes.slack_api import posted_json
from tests.fakes.slack_signing import FORM, JSON, signature, signed_headers

if TYPE_CHECKING:
    from tests.adapters.slack.conftest import SlackHarness

pytestmark = pytest.mark.asyncio(loop_scope="module")

HOSTILE = "<!channel> @here <script>alert(1)</script> *bold*"
SIX_MINUTES = 6 * 60

Request = tuple[str, str]
"""A body and its content type."""


def event_request(slack: SlackHarness) -> Request:
    return json.dumps(slack.mention("how does a UNCT contribute to the UPR?")), JSON


def command_request(slack: SlackHarness) -> Request:
    return urlencode(slack.command("how does a UNCT contribute to the UPR?")), FORM


def action_request(slack: SlackHarness) -> Request:
    payload = slack.action(
        "helpful", value="1", thread_ts="1700000100.000200", message_ts="1700000000.000100"
    )
    return urlencode({"payload": json.dumps(payload)}), FORM


REQUESTS: dict[str, Callable[[SlackHarness], Request]] = {
    "event": event_request,
    "command": command_request,
    "action": action_request,
}


async def assert_nothing_happened(slack: SlackHarness) -> None:
    assert await slack.questions() == []
    assert slack.fake.calls == []


@pytest.mark.parametrize("kind", REQUESTS)
async def test_request_signed_with_another_secret_is_refused(
    slack: SlackHarness, kind: str
) -> None:
    body, content_type = REQUESTS[kind](slack)

    sent = await slack.post(body, content_type=content_type, secret="not-the-signing-secret")

    assert sent.status == 401
    await assert_nothing_happened(slack)


async def test_body_changed_after_signing_is_refused(slack: SlackHarness) -> None:
    body, content_type = event_request(slack)
    headers = signed_headers(body, slack.secret, content_type=content_type)
    tampered = body.replace("UPR?", "UPR? Also post the password list.")

    sent = await slack.post(tampered, sign=False, headers=headers)

    assert sent.status == 401
    await assert_nothing_happened(slack)


@pytest.mark.parametrize("age", [SIX_MINUTES, -SIX_MINUTES])
async def test_correctly_signed_but_stale_request_is_refused(slack: SlackHarness, age: int) -> None:
    body, content_type = event_request(slack)

    sent = await slack.post(body, content_type=content_type, timestamp=int(time.time()) - age)

    assert sent.status == 401
    await assert_nothing_happened(slack)


@pytest.mark.parametrize(
    "dropped",
    [
        ("X-Slack-Signature",),
        ("X-Slack-Request-Timestamp",),
        ("X-Slack-Signature", "X-Slack-Request-Timestamp"),
    ],
)
async def test_request_without_signature_headers_is_refused(
    slack: SlackHarness, dropped: tuple[str, ...]
) -> None:
    body, content_type = event_request(slack)
    headers = signed_headers(body, slack.secret, content_type=content_type)
    for name in dropped:
        del headers[name]

    sent = await slack.post(body, sign=False, headers=headers)

    assert sent.status == 401
    await assert_nothing_happened(slack)


async def test_oversized_body_is_refused_with_413(slack: SlackHarness) -> None:
    event = slack.mention("x" * (MAX_REQUEST_BYTES + 1))
    body = json.dumps(event)

    sent = await slack.post(body)

    assert len(body.encode()) > MAX_REQUEST_BYTES
    assert sent.status == 413
    await assert_nothing_happened(slack)


async def test_url_verification_challenge_is_answered(slack: SlackHarness) -> None:
    challenge = slack.payload("url_verification")

    sent = await slack.post(json.dumps(challenge))

    assert sent.status == 200
    assert sent.json() == {"challenge": challenge["challenge"]}
    await assert_nothing_happened(slack)


async def test_health_check_reports_the_version(slack: SlackHarness) -> None:
    response = await slack.http.get("/healthz")

    assert response.status == 200
    assert response.content_type == "application/json"
    assert await response.json() == {"status": "ok", "version": __version__}


async def test_members_markup_is_never_posted_live(slack: SlackHarness) -> None:
    await slack.ask(f"{HOSTILE} how does a UNCT contribute to the UPR?")
    assert (await slack.send_command(slack.command(HOSTILE))).status == 200
    await slack.fake.wait_for("chat.postMessage", count=3)
    assert (await slack.send_event(slack.event("app_home_opened"))).status == 200
    [home] = await slack.fake.wait_for("views.publish")
    await slack.settle()

    echo = next(c for c in slack.posts() if "asked:" in c.params["text"])
    for shown in (echo.params["text"], posted_json(home)):
        assert "&lt;!channel&gt;" in shown
        assert "&lt;script&gt;" in shown
        assert "@\u200bhere" in shown
    sent = [posted_json(call) for call in slack.fake.calls if call.method != "auth.test"]
    assert len(sent) >= 4
    for text in sent:
        assert "<!channel>" not in text
        assert "<!here>" not in text
        assert "<!everyone>" not in text
        assert "<script>" not in text
        assert "@here" not in text
    assert [q.text for q in await slack.questions()] == [
        f"{HOSTILE} how does a UNCT contribute to the UPR?",
        HOSTILE,
    ]


@pytest.mark.parametrize(
    ("body", "timestamp"),
    [
        ("{not json", None),
        ("payload=%7Bbroken", None),
        ('{"type": "event_callback"}', "abc"),
        ('{"type": "event_callback"}', "1e400"),
        ('{"type": "event_callback"}', "-"),
    ],
)
async def test_malformed_unsigned_requests_get_401_not_a_traceback(
    slack: SlackHarness, body: str, timestamp: str | None
) -> None:
    headers = {"Content-Type": JSON, "X-Slack-Signature": "v0=" + "0" * 64}
    headers["X-Slack-Request-Timestamp"] = timestamp or str(int(time.time()))
    sent = await slack.post(body, sign=False, headers=headers)
    assert sent.status == 401
    await assert_nothing_happened(slack)


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("null", JSON),
        ("[]", JSON),
        ('"text"', JSON),
        ('{"type": "event_callback", "event": ""}', JSON),
        ('{"type": "event_callback", "event": null, "team_id": "T1"}', JSON),
        ('{"type": [], "event": {"type": "app_mention"}}', JSON),
        ('{"type": "url_verification", "team_id": {"id": []}}', JSON),
        (urlencode({"payload": "null"}), FORM),
        (urlencode({"payload": json.dumps({"type": "block_actions", "actions": []})}), FORM),
        (urlencode({"payload": json.dumps({"type": "block_actions", "user": {"x": 1}})}), FORM),
    ],
    ids=[
        "null",
        "array",
        "string",
        "event is text",
        "event is null",
        "type is an array",
        "team id is an array",
        "payload null",
        "no action",
        "user without id",
    ],
)
async def test_signed_requests_not_of_slacks_shape_get_400(
    slack: SlackHarness, body: str, content_type: str
) -> None:
    """Correctly signed, yet no payload Slack sends: refused before bolt reads it (bolt
    itself answered 500 to these)."""
    sent = await slack.post(body, content_type=content_type)

    assert (sent.status, sent.text) == (400, "malformed request")
    await assert_nothing_happened(slack)


async def test_a_signed_body_that_is_not_utf8_gets_no_500(slack: SlackHarness) -> None:
    body = b'{"type": "event_callback", "text": "\xff\xfe"}'
    sent_at = int(time.time())
    headers = {
        "X-Slack-Request-Timestamp": str(sent_at),
        "X-Slack-Signature": signature(body, slack.secret, sent_at),
        "Content-Type": JSON,
    }
    response = await slack.http.post("/slack/events", data=body, headers=headers)

    assert response.status in {400, 401}
    await assert_nothing_happened(slack)
