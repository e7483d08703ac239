"""Activities Teams would not send, but a client or a proxy might: refused or ignored with a
clear status, never a 500, and nothing half-stored."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
import structlog

from adapters.wording import OUT_OF_DATE_TEXT
from tests.adapters.common import load_recorded
from tests.adapters.teams.conftest import TeamsHarness, development_mode, running_teams
from tests.fakes.teams_connector import FakeConnector

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest.mark.parametrize(
    "changes",
    [
        {"conversation": None},
        {"serviceUrl": None},
        {"from": None},
        {"text": None},
        {"conversation": {"id": None}},
    ],
    ids=["no conversation", "no service URL", "no sender", "no text", "null conversation id"],
)
async def test_an_activity_with_a_null_field_gets_no_500(
    teams: TeamsHarness, changes: dict[str, object]
) -> None:
    activity = teams.message("personal_message", "How does a UNCT contribute to the UPR?")
    activity.update(changes)
    sent = await teams.post(activity)
    await teams.bot.settle()
    assert sent.status in {200, 201, 202, 400}, sent
    if sent.status == 400:
        assert await teams.questions() == []


@pytest.mark.parametrize(
    "changes",
    [
        {"channelId": ""},
        {"serviceUrl": None},
        {"recipient": None},
        {"from": None},
        {"conversation": {"id": "#"}},
        {"conversation": {"id": "a/../b"}},
        {"conversation": {"id": "{"}},
        {"id": "1?x=1"},
    ],
    ids=[
        "empty channel id",
        "no service URL",
        "no recipient",
        "no sender",
        "conversation id with #",
        "conversation id with /",
        "conversation id with {",
        "id with ?",
    ],
)
async def test_an_activity_no_reply_could_reach_gets_400(
    teams: TeamsHarness, changes: dict[str, object]
) -> None:
    """Found by fuzzing: an empty channelId was a 500 (the SDK raises a TypeError); without a
    service URL or a recipient, or with an id the connector's URL cannot carry, a question
    was stored whose answer failed with an error logged."""
    activity = teams.message("personal_message", "How does a UNCT contribute to the UPR?")
    activity.update(changes)
    with structlog.testing.capture_logs() as logs:
        sent = await teams.post(activity)
        await teams.bot.settle()
    assert (sent.status, sent.text) == (400, "malformed activity")
    assert await teams.questions() == []
    assert [log for log in logs if log["log_level"] == "error"] == []


async def test_channel_data_of_another_shape_is_read_without_failing(teams: TeamsHarness) -> None:
    activity = teams.message("personal_message", "How does a UNCT contribute to the UPR?")
    activity["conversation"].pop("tenantId")
    activity["channelData"] = {"tenant": ["not", "an", "object"]}
    with structlog.testing.capture_logs() as logs:
        sent = await teams.post(activity)
        await teams.bot.settle()
    assert sent.status == 202
    assert [log["event"] for log in logs if log["log_level"] == "error"] == []
    assert len(await teams.questions()) == 1


@pytest.mark.parametrize(
    "value",
    [
        {"huribot": "feedback", "question_id": "x", "feedback": "helpful"},
        {"huribot": "feedback", "question_id": 2**31, "feedback": "helpful"},
        {"huribot": "feedback", "question_id": 1, "feedback": "brilliant"},
        {"huribot": "related"},
        {"huribot": "mod_assign", "group_id": ""},
    ],
    ids=["id not a number", "id past the column", "unknown rating", "no item", "no group"],
)
async def test_a_card_button_out_of_date_says_so(
    teams: TeamsHarness, value: dict[str, object]
) -> None:
    """A submit value none of the bot's cards carries (found by fuzzing: each failed the turn
    with an error logged and no answer)."""
    activity = teams.activity("card_submit_feedback", value=value)
    with structlog.testing.capture_logs() as logs:
        sent = await teams.post(activity)
        await teams.bot.settle()
    assert sent.status in {200, 202}
    assert [log["event"] for log in logs if log["log_level"] == "error"] == []
    assert [s.activity.get("text") for s in teams.fake.sent] == [OUT_OF_DATE_TEXT]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def moderated(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[TeamsHarness]:
    """The bot in development mode with the moderator of the recorded dialogs."""
    moderator = load_recorded("teams", "task_fetch")["from"]["aadObjectId"]
    settings = development_mode(tmp_path_factory.mktemp("odd") / "huribot.db", moderator=moderator)
    async with FakeConnector() as fake, running_teams(settings, fake) as harness:
        yield harness


@pytest.mark.parametrize("data", [{}, {"huribot": "mod_answer", "group_id": "x"}, None])
async def test_a_dialog_out_of_date_answers_with_a_message(
    moderated: TeamsHarness, data: object
) -> None:
    """Found by fuzzing: a task/fetch without a usable group id got 501 (nothing answered the
    invoke) or failed the turn; it now tells the moderator, as any other dialog message."""
    activity = moderated.activity("task_fetch")
    activity["value"] = {"data": data}
    sent = await moderated.post(activity)
    assert sent.status == 200
    assert sent.json() == {"task": {"type": "message", "value": OUT_OF_DATE_TEXT}}


@pytest.mark.parametrize(
    ("part", "field", "chars"),
    [("from", "id", 129), ("from", "aadObjectId", 129), ("conversation", "id", 256)],
)
async def test_an_activity_whose_id_is_longer_than_stored_gets_400(
    teams: TeamsHarness, part: str, field: str, chars: int
) -> None:
    """Found by fuzzing on PostgreSQL: the database refused ids past its columns after the
    activity was accepted, and the question was lost with an error."""
    activity = teams.message("personal_message", "How does a UNCT contribute to the UPR?")
    activity[part][field] = "7" * chars
    sent = await teams.post(activity)
    assert (sent.status, sent.text) == (400, "malformed activity")
    assert await teams.questions() == []
