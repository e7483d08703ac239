"""The answer card's buttons in Teams: ratings stored as in Slack, related items shown."""

from __future__ import annotations

import pytest

from adapters.wording import FEEDBACK_LABELS
from bot.questions.log import Feedback
from bot.questions.status import QuestionStatus
from tests.adapters.teams.conftest import TeamsHarness

pytestmark = pytest.mark.asyncio(loop_scope="module")

QUESTION = "How does a UNCT contribute to the UPR?"


@pytest.mark.parametrize(
    ("feedback", "status"),
    [
        (Feedback.HELPFUL, QuestionStatus.ANSWERED_BY_BOT),
        (Feedback.NOT_HELPFUL, QuestionStatus.OPEN),
        (Feedback.ASK_SECRETARIAT, QuestionStatus.OPEN),
    ],
)
async def test_feedback_button_is_stored_and_thanked(
    teams: TeamsHarness, feedback: Feedback, status: QuestionStatus
) -> None:
    asked, answer = await teams.ask("personal_message", QUESTION)
    [button] = [a for a in answer.actions() if a["title"] == FEEDBACK_LABELS[feedback]]
    click = teams.activity(
        "card_submit_feedback", value=button["data"], replyToId=answer.activity_id
    )

    response = await teams.post(click)

    assert response.status == 202
    [question] = await teams.questions()
    assert question.feedback == feedback.value
    assert question.feedback_by == click["from"]["aadObjectId"]
    assert question.status == status.value
    thanks = teams.fake.sent[-1]
    assert thanks.conversation_id == asked["conversation"]["id"]
    assert thanks.activity["text"].startswith("Thanks") or "Secretariat" in thanks.activity["text"]


async def test_related_button_shows_the_item(teams: TeamsHarness) -> None:
    _, answer = await teams.ask("personal_message", "what's the HRBA?")
    related = [a for a in answer.actions() if a["data"].get("huribot") == "related"]
    assert related, answer.card
    click = teams.activity("card_submit_feedback", value=related[0]["data"])

    await teams.post(click)

    shown = teams.fake.sent[-1]
    assert shown.card is not None and shown.card_text()


async def test_a_retired_related_item_is_said_to_be_gone(teams: TeamsHarness) -> None:
    click = teams.activity("card_submit_feedback", value={"huribot": "related", "reply_id": "nope"})

    await teams.post(click)

    assert "no longer in the knowledge base" in teams.fake.sent[-1].activity["text"]
