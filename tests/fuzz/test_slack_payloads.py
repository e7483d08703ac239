"""Slack's endpoint under any correctly signed request: events, slash commands, interactivity
(block_actions, view_submission) of every shape, and bodies that are none of these.

The real server app (wired as `huribot serve` wires it, moderators included) answers each
within Slack's contract, never a 5xx, and no listener fails behind the acknowledgement.
"""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import AsyncIterator, Callable
from typing import Any
from urllib.parse import urlencode

import pytest
import pytest_asyncio
from hypothesis import given
from hypothesis import strategies as st

from adapters.slack.blocks import FEEDBACK_ACTION, RELATED_ACTION
from adapters.slack.moderation_blocks import ANSWER_MODAL, LINK_MODAL, MOD_ACTION
from tests.adapters.slack.conftest import MODERATOR, SECRET, SlackHarness, running_bot
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.slack_signing import FORM, JSON, signature
from tests.fuzz.json_shapes import json_values, payload
from tests.fuzz.logs import errors_logged
from tests.fuzz.tally import counted
from tests.fuzz.text import hostile_text, long_text

pytestmark = pytest.mark.asyncio(loop_scope="module")

SLACK_STATUSES = {200, 400, 404, 413}
"""What the endpoint may answer a signed request: handled, malformed, no listener, too big."""
_SERIAL = itertools.count(1)

user_ids = st.sampled_from(["U061F7AUR", MODERATOR, "UBOT", "W0ENTERPRISE"]) | hostile_text
channel_ids = st.sampled_from(["C0LAN2Q65", "CMODS", "D0DIRECT1", "G0PRIVATE"]) | hostile_text
timestamps = st.sampled_from(["1700000100.000200", "0", "-1", "1e400", "nan"]) | hostile_text
numbers = st.sampled_from(["1", "2", "3", "0", "-1", "99999999999999999999", "1.5"]) | hostile_text

events = payload(
    {
        "type": st.sampled_from(["app_mention", "app_mention", "message", "app_home_opened"]),
        "user": user_ids,
        "text": long_text(8000),
        "channel": channel_ids,
        "ts": timestamps,
    },
    optional={
        "thread_ts": timestamps,
        "channel_type": st.sampled_from(["im", "channel", "group", "mpim"]),
        "subtype": st.sampled_from(["bot_message", "message_changed", "file_share"]),
        "bot_id": st.just("B0OTHER"),
        "tab": st.sampled_from(["home", "messages"]),
        "blocks": json_values,
    },
)
event_callbacks = payload(
    {
        "type": st.sampled_from(["event_callback", "url_verification"]),
        "event": events,
        "team_id": st.just("T1"),
        "api_app_id": st.just("A0HURIBOT"),
    },
    optional={
        "challenge": hostile_text,
        "authorizations": st.just([{"team_id": "T1", "user_id": "UBOT", "is_bot": True}]),
        "event_time": st.integers(),
        "token": hostile_text,
    },
)


def command_forms(response_url: str) -> st.SearchStrategy[dict[str, str]]:
    """Slash-command forms: every field is text (forms hold nothing else), some may lack."""
    words = st.sampled_from(["calendar", "subscribe", "unsubscribe", "subscriptions", "stats"])
    texts = long_text(4000) | st.tuples(words, hostile_text).map(" ".join)
    return st.fixed_dictionaries(
        {
            "command": st.sampled_from(["/huribot", "/huribot", "/huribot", "/other"]),
            "text": texts,
            "user_id": user_ids,
            "channel_id": channel_ids,
            "trigger_id": st.just("1700000400.1234567890.0123abcd") | hostile_text,
            "response_url": st.just(response_url),
        },
        optional={"team_id": st.just("T1") | hostile_text, "channel_name": hostile_text},
    )


ACTION_IDS = [
    f"{FEEDBACK_ACTION}_helpful",
    f"{FEEDBACK_ACTION}_not_helpful",
    f"{FEEDBACK_ACTION}_ask_secretariat",
    f"{FEEDBACK_ACTION}_other",
    f"{RELATED_ACTION}_0",
    f"{RELATED_ACTION}_whole",
    f"{MOD_ACTION}_answer",
    f"{MOD_ACTION}_link",
    f"{MOD_ACTION}_assign",
    f"{MOD_ACTION}_dismiss",
]


def interactions(response_url: str) -> st.SearchStrategy[Any]:
    """block_actions under any of the bot's buttons and view_submission of its modals."""
    common = {
        "user": payload({"id": user_ids}, optional={"team_id": st.just("T1")}),
        "team": st.just({"id": "T1"}),
        "api_app_id": st.just("A0HURIBOT"),
        "trigger_id": st.just("9.9.9"),
    }
    container = payload(
        {"type": st.just("message"), "channel_id": channel_ids},
        optional={
            "message_ts": timestamps,
            "thread_ts": timestamps,
            "is_ephemeral": st.booleans(),
        },
    )
    action = payload(
        {
            "action_id": st.sampled_from(ACTION_IDS),
            "value": numbers | st.sampled_from(["hrba-overview", "guide-upr-engagement#0"]),
            "block_id": st.just("feedback_1"),
        },
        optional={"type": st.just("button")},
    )
    block_actions = payload(
        {
            "type": st.just("block_actions"),
            **common,
            "actions": st.lists(action, min_size=1, max_size=2),
            "response_url": st.just(response_url),
            "container": container,
        },
        optional={"channel": st.just({"id": "C0LAN2Q65"})},
    )
    typed = st.fixed_dictionaries({"type": st.just("plain_text_input"), "value": long_text(25000)})
    field_names = st.sampled_from(["answer", "sources", "reply_id", "alt_questions", "question"])
    state = payload(
        {"values": st.dictionaries(field_names | hostile_text, st.fixed_dictionaries({
            "value": payload({"value": long_text(25000)}, optional={"type": typed})}))}
    )  # fmt: skip
    view = payload(
        {
            "id": st.just("V1"),
            "callback_id": st.sampled_from([ANSWER_MODAL, LINK_MODAL]),
            "private_metadata": numbers,
            "state": state,
        }
    )
    view_submission = payload({"type": st.just("view_submission"), **common, "view": view})
    return st.one_of(block_actions, view_submission, json_values)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def slack(sample_knowledge_url: str) -> AsyncIterator[SlackHarness]:
    """The bot with moderators on the sample knowledge base, for the whole module (every
    example of a test shares it, as Slack's requests share one running bot)."""
    async with FakeSlackAPI() as fake, running_bot(sample_knowledge_url, fake) as bot:
        yield bot.harness


async def post_signed(slack: SlackHarness, body: bytes, content_type: str) -> int:
    """POST `body` signed with the app's secret, now; the status, once every listener ran,
    with no error logged meanwhile."""
    sent_at = int(time.time())
    headers = {
        "X-Slack-Request-Timestamp": str(sent_at),
        "X-Slack-Signature": signature(body, SECRET, sent_at),
        "Content-Type": content_type,
    }
    with errors_logged() as errors:
        response = await slack.http.post("/slack/events", data=body, headers=headers)
        await response.read()
        await slack.settle()
    assert errors == [], errors
    return response.status


@given(body=event_callbacks | json_values)
@counted
async def test_any_signed_event_is_acknowledged_without_error(
    slack: SlackHarness, body: Any
) -> None:
    if isinstance(body, dict):
        body["event_id"] = f"EvFUZZ{next(_SERIAL):06d}"  # Slack's retries share an id; these not
    status = await post_signed(slack, json.dumps(body).encode(), JSON)
    assert status in SLACK_STATUSES


FORMS: dict[str, Callable[[str], st.SearchStrategy[dict[str, str]]]] = {
    "slash command": command_forms,
    "interaction": lambda url: interactions(url).map(lambda p: {"payload": json.dumps(p)}),
}
"""What Slack posts as a form, from the `response_url` it names."""


@pytest.mark.parametrize("kind", FORMS)
@given(data=st.data())
@counted
async def test_any_signed_form_is_answered_without_error(
    slack: SlackHarness, kind: str, data: st.DataObject
) -> None:
    fields = data.draw(FORMS[kind](slack.fake.response_url()))
    status = await post_signed(slack, urlencode(fields).encode(), FORM)
    assert status in SLACK_STATUSES


content_types = st.sampled_from(
    [JSON, FORM, "text/plain", "application/json; charset=latin-1", "multipart/form-data"]
) | hostile_text.map(lambda text: "".join(c for c in text if " " <= c <= "~").strip())


@given(body=st.binary(max_size=2000) | hostile_text.map(str.encode), content_type=content_types)
@counted
async def test_any_signed_body_of_any_type_gets_no_5xx(
    slack: SlackHarness, body: bytes, content_type: str
) -> None:
    status = await post_signed(slack, body, content_type)
    assert status in (SLACK_STATUSES if is_utf8(body) else {401, 400}), (status, body)


def is_utf8(body: bytes) -> bool:
    """Slack signs text; the SDK's check decodes a body as UTF-8 before checking it."""
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
