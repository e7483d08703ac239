"""Teams' endpoint under any activity: nulls, wrong types, huge strings, odd Unicode, in
messages, card submits, dialogs (task/fetch, task/submit) and conversation updates.

Through authentication as in production (a Bot Framework token signed by the key the SDK
trusts), every activity is refused or accepted with a clear status, never a 5xx. In
development mode, where the bot answers through the fake connector, it is also handled to the
end without an error logged: stored and answered, or refused before anything is stored.
"""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from hypothesis import given
from hypothesis import strategies as st

from adapters.teams.cards import ACTION_KEY, FEEDBACK, RELATED
from adapters.teams.moderation_cards import ANSWER, ASSIGN, DISMISS, LINK
from tests.adapters.common import Sent
from tests.adapters.teams.conftest import (
    APP_ID,
    BOT_ID,
    TeamsHarness,
    development_mode,
    running_teams,
)
from tests.fakes.bot_framework_keys import bot_framework_token
from tests.fakes.teams_connector import FakeConnector
from tests.fuzz.json_shapes import json_values, one_field_broken
from tests.fuzz.logs import errors_logged
from tests.fuzz.tally import counted
from tests.fuzz.text import hostile_text, long_text

pytestmark = pytest.mark.asyncio(loop_scope="module")

MODERATOR = "11111111-2222-4333-8444-555555555555"
TEAMS_STATUSES = {200, 201, 202, 400, 401}
_SERIAL = itertools.count(1)
HOST_REFUSED = "Service URL is not allowed by the host validator."

names = hostile_text.filter(bool)
"""Text the SDK takes for an id or a name (it refuses empty ones)."""


def teams_id(*examples: str) -> st.SearchStrategy[str]:
    """One of Teams' ids, three times in four; else any text."""
    known = st.sampled_from(examples)
    return st.one_of(known, known, known, names)


account = st.fixed_dictionaries(
    {"id": teams_id("29:1AbCdEf", "29:2OtherMember", BOT_ID)},
    optional={
        "name": names,
        "aadObjectId": st.sampled_from(["6b1f0c3e-8e43-4f0a-9b0e-3c2d1a5e7f90", MODERATOR]),
    },
)
conversation = st.fixed_dictionaries(
    {"id": teams_id("a:1Xy9-personal", "19:c@thread.tacv2;messageid=17")},
    optional={
        "conversationType": st.sampled_from(["personal", "channel", "groupChat"]) | names,
        "tenantId": st.just("72f988bf-86f1-41af-91ab-2d7cd011db47") | names,
        "isGroup": st.booleans(),
    },
)
mention = st.fixed_dictionaries(
    {"type": st.just("mention"), "mentioned": account, "text": st.just("<at>HuriBot</at>")}
)
ids = st.sampled_from([1, 2, 3, 0, -1, 2**31, 10**30]) | st.sampled_from(["1", "x", ""])
card_values = st.one_of(
    st.fixed_dictionaries(
        {
            ACTION_KEY: st.just(FEEDBACK),
            "question_id": ids,
            "feedback": st.sampled_from(["helpful", "not_helpful", "other"]),
        }
    ),
    st.fixed_dictionaries({ACTION_KEY: st.just(RELATED), "reply_id": st.just("hrba-overview")}),
    st.fixed_dictionaries({ACTION_KEY: st.sampled_from([ASSIGN, DISMISS]), "group_id": ids}),
)
dialog_data = st.fixed_dictionaries(
    {ACTION_KEY: st.sampled_from([ANSWER, LINK]), "group_id": ids},
    optional={
        "answer": long_text(25000),
        "sources": hostile_text,
        "reply_id": hostile_text,
        "alt_questions": st.sampled_from(["0", "0,1", "9", "x"]) | hostile_text,
    },
)
KINDS = ["message", "message", "message", "invoke", "conversationUpdate", "messageReaction"]


def activities(service_url: str) -> st.SearchStrategy[Any]:
    """Activities as Teams types them (messages, card submits, dialogs, installs), and the
    same with one field of any other type, null, or left out."""
    typed = st.fixed_dictionaries(
        {
            "type": st.sampled_from(KINDS),
            "id": teams_id("1714814102123", "f:7c6b5a49"),
            "channelId": st.just("msteams"),
            "serviceUrl": st.just(service_url),
            "from": account,
            "conversation": conversation,
            "recipient": account,
        },
        optional={
            "text": long_text(20000),
            "textFormat": st.sampled_from(["plain", "markdown", "xml"]),
            "timestamp": st.sampled_from(["2026-05-04T09:15:02.1234567Z", "2026-05-04T11:15:02"]),
            "locale": st.sampled_from(["en-GB", "fr", "xx-ZZ"]) | names,
            "entities": st.lists(mention, max_size=2),
            "channelData": st.fixed_dictionaries({"tenant": st.fixed_dictionaries({"id": names})}),
            "value": card_values,
            "name": st.sampled_from(["task/fetch", "task/submit", "adaptiveCard/action"]),
            "membersAdded": st.lists(account, max_size=2),
            "replyToId": names,
        },
    )
    return typed | one_field_broken(typed)


def as_sent(activity: Any, data: Any) -> Any:
    """The activity with an id of its own (Teams never sends one twice, and a repeated one is
    dropped as a redelivery) and, for an invoke, its dialog's data in `value.data`."""
    if isinstance(activity.get("id"), str):
        activity["id"] += f"{next(_SERIAL):05d}"
    if activity.get("type") == "invoke":
        activity["value"] = {"data": data, "context": {"theme": "default"}}
    return activity


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def teams(sample_knowledge_url: str) -> AsyncIterator[TeamsHarness]:
    """The bot in development mode on the sample knowledge base, with a moderator, its
    answers reaching the fake connector."""
    settings = development_mode(sample_knowledge_url, moderator=MODERATOR)
    async with FakeConnector() as fake, running_teams(settings, fake) as harness:
        yield harness


@given(data=st.data())
@counted
async def test_a_signed_activity_of_any_shape_gets_no_5xx(
    secured: TeamsHarness, signing_key: RSAPrivateKey, data: st.DataObject
) -> None:
    """Past the token check (the token is valid), only the activity decides: 400 when the SDK
    cannot read it, else 401 for the loopback service URL, which is no Microsoft host."""
    url = secured.fake.service_url
    activity = as_sent(data.draw(activities(url)), data.draw(dialog_data | json_values))
    token = bot_framework_token(signing_key, audience=APP_ID, service_url=url)
    sent = await post(secured, activity, headers={"Authorization": f"Bearer {token}"})
    assert sent.status in {400, 401}, sent
    assert sent.status == 400 or HOST_REFUSED in sent.text, sent


@given(data=st.data())
@counted
async def test_any_activity_is_handled_to_the_end_without_error(
    teams: TeamsHarness, data: st.DataObject
) -> None:
    dialog = data.draw(dialog_data | one_field_broken(dialog_data) | json_values)
    activity = as_sent(data.draw(activities(teams.fake.service_url)), dialog)
    before = len(await teams.questions())
    sent = await post(teams, activity)
    assert sent.status in TEAMS_STATUSES | not_served(activity), sent
    if sent.status == 400:
        assert len(await teams.questions()) == before, "a refused activity left a question"


def not_served(activity: Any) -> set[int]:
    """501 Not Implemented: the Bot Framework's answer to an invoke a bot does not serve."""
    name = activity.get("name")
    served = isinstance(name, str) and name in {"task/fetch", "task/submit"}
    return {501} if activity.get("type") == "invoke" and not served else set()


async def post(
    harness: TeamsHarness, activity: Any, *, headers: dict[str, str] | None = None
) -> Sent:
    """POST the activity; its answer once every reply it caused was sent, with no error
    logged meanwhile."""
    with errors_logged() as errors:
        sent = await harness.post(activity, headers=headers)
        await harness.bot.settle()
    assert errors == [], errors
    return sent
