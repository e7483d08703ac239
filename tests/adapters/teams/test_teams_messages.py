"""Members' messages in Teams, end to end: recorded activities into the real server, answers
captured by the fake connector at the activity's serviceUrl."""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Any

import pytest

from bot.questions.status import QuestionStatus
from tests.adapters.teams.conftest import TeamsHarness, running_teams
from tests.fakes.teams_connector import Delivered, FakeConnector

pytestmark = pytest.mark.asyncio(loop_scope="module")


async def test_personal_message_is_answered_with_an_answer_card(teams: TeamsHarness) -> None:
    activity, answer = await teams.ask("personal_message", "How does a UNCT contribute to the UPR?")

    assert answer.method == "POST"
    assert answer.reply_to is None  # personal chat has no reply chain
    assert answer.activity["conversation"]["id"] == activity["conversation"]["id"]
    text = answer.card_text()
    assert "UPR" in text
    assert "📄" in text  # sources
    assert "confident" in text or "not fully sure" in text
    titles = [a["title"] for a in answer.actions()]
    assert titles[-3:] == ["👍 Helpful", "👎 Not helpful", "Ask the Secretariat"]
    [question] = await teams.questions()
    assert question.platform == "teams"
    assert question.user_id == activity["from"]["aadObjectId"]
    assert question.conversation["service_url"] == teams.fake.service_url
    assert question.conversation["tenant_id"] == activity["conversation"]["tenantId"]
    assert question.status == QuestionStatus.ANSWERED_BY_BOT.value


async def test_channel_mention_is_stripped_and_answered_in_its_reply_chain(
    teams: TeamsHarness,
) -> None:
    activity = teams.activity("channel_mention")
    response = await teams.post(activity)
    assert response.status == 202
    await teams.bot.settle()

    [question] = await teams.questions()
    assert question.text == "what is the human rights-based approach?"
    [answer] = teams.fake.sent
    assert answer.conversation_id == activity["conversation"]["id"]
    assert answer.reply_to == activity["id"]
    assert "human rights-based approach" in answer.card_text().casefold()


async def test_group_chat_mention_is_decoded(teams: TeamsHarness) -> None:
    activity = teams.activity("group_chat_mention")
    await teams.post(activity)
    await teams.bot.settle()

    [question] = await teams.questions()
    assert question.text == '"leave no one behind" & disaggregated data?'
    assert teams.fake.sent[0].reply_to == activity["id"]


async def test_a_redelivered_activity_is_answered_once(teams: TeamsHarness) -> None:
    activity = teams.message("personal_message", "What is the HRBA?")
    await teams.post(activity)
    await teams.post(activity)
    await teams.bot.settle()

    assert len(await teams.questions()) == 1
    assert len(teams.fake.sent) == 1


async def test_unknown_question_abstains_and_goes_to_the_secretariat(teams: TeamsHarness) -> None:
    _, answer = await teams.ask("personal_message", "per diem rates for Nairobi missions?")

    assert "Secretariat" in answer.card_text()
    [question] = await teams.questions()
    assert question.status == QuestionStatus.OPEN.value


async def test_install_in_a_team_is_greeted(teams: TeamsHarness) -> None:
    activity = teams.activity("conversation_update_install")
    response = await teams.post(activity)

    assert response.status == 202
    [welcome] = teams.fake.sent
    assert welcome.conversation_id == activity["conversation"]["id"]
    assert "HuriBot" in welcome.activity["text"]
    assert await teams.questions() == []


async def test_undeliverable_answer_goes_to_a_human(teams: TeamsHarness) -> None:
    teams.fake.fail_next(times=10)
    await teams.post(teams.message("personal_message", "How does a UNCT contribute to the UPR?"))
    await teams.bot.settle()

    [question] = await teams.questions()
    assert question.status == QuestionStatus.OPEN.value


def _answers_to(teams: TeamsHarness, activity: dict[str, Any]) -> list[Delivered]:
    return [s for s in teams.fake.sent if s.conversation_id == activity["conversation"]["id"]]


async def test_a_passing_connector_failure_is_retried_and_answered_once(
    teams: TeamsHarness,
) -> None:
    teams.fake.fail_next(times=2)  # 503, then 503, then the service is back
    activity, _ = await teams.ask("personal_message", "How does a UNCT contribute to the UPR?")

    assert teams.fake.attempts == 3
    assert len(_answers_to(teams, activity)) == 1
    [question] = await teams.questions()
    assert question.status == QuestionStatus.ANSWERED_BY_BOT.value


async def test_a_rate_limited_call_waits_out_retry_after(teams: TeamsHarness) -> None:
    teams.fake.fail_next(status=429, retry_after="1")
    started = time.monotonic()
    activity, _ = await teams.ask("personal_message", "How does a UNCT contribute to the UPR?")

    assert time.monotonic() - started >= 1.0  # it waited as told, not the 0.5 s back-off
    assert teams.fake.attempts == 2 and len(_answers_to(teams, activity)) == 1


async def test_a_hung_connector_call_times_out_and_is_not_repeated(
    tmp_path: Path, sample_database: Path
) -> None:
    database = tmp_path / "huribot.db"
    shutil.copyfile(sample_database, database)
    environment = {
        "HURIBOT_DATABASE_URL": f"sqlite:///{database}",
        "HURIBOT_TEAMS_ALLOW_ANONYMOUS": "true",
        "HURIBOT_PLATFORM_TIMEOUT_SECONDS": "1",
    }
    async with FakeConnector() as fake, running_teams(environment, fake) as teams:
        fake.hang_next()
        await teams.post(
            teams.message("personal_message", "How does a UNCT contribute to the UPR?")
        )
        await teams.bot.settle()

        [question] = await teams.questions()
        assert question.status == QuestionStatus.OPEN.value  # a human takes it up
        # the answer that hung may have been delivered: it is not sent again
        assert fake.attempts == len(fake.sent) + 1
        assert all(not s.card for s in fake.sent)


async def test_settle_waits_for_an_answer_under_way(teams: TeamsHarness) -> None:
    teams.fake.hang_next()
    activity = teams.message("personal_message", "How does a UNCT contribute to the UPR?")
    assert (await teams.post(activity)).status in {200, 201, 202}
    await teams.fake.wait_until_attempted(1)

    assert await teams.bot.settle(timeout=0.1) is False  # the answer is still on its way
    teams.fake.release()
    assert await teams.bot.settle(timeout=30) is True
    assert len(_answers_to(teams, activity)) == 1
    [question] = await teams.questions()
    assert question.status == QuestionStatus.ANSWERED_BY_BOT.value
