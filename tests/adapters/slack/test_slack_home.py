"""The App Home tab: what HuriBot does and where the member's recent questions stand."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from tests.adapters.slack.conftest import SlackHarness
    from tests.fakes.slack_api import Call

pytestmark = pytest.mark.asyncio(loop_scope="module")

MEMBER = "U061F7AUR"
ANSWERED = "how does a UNCT contribute to the UPR?"
OPEN = "what is the DSA rate for Nairobi?"


def recent_lines(view_call: Call) -> list[str]:
    """The lines of the 'Your recent questions' section of a published view."""
    view = view_call.params["view"]
    view = json.loads(view) if isinstance(view, str) else view
    assert view["type"] == "home"
    texts = [str(b["text"]["text"]) for b in view["blocks"] if b["type"] == "section"]
    [recent] = [text for text in texts if text.startswith("*Your recent questions*")]
    return recent.splitlines()[1:]


async def open_home(slack: SlackHarness, user: str = MEMBER) -> Call:
    sent = await slack.send_event(slack.event("app_home_opened", user=user))
    assert sent.status == 200
    [published] = await slack.fake.wait_for("views.publish")
    return published


async def test_home_lists_the_members_recent_questions_and_their_status(
    slack: SlackHarness,
) -> None:
    await slack.ask(ANSWERED)
    await slack.ask(OPEN)
    await slack.ask("what is the human rights-based approach?", user="U0SOMEONE2")

    published = await open_home(slack)

    assert published.params["user_id"] == MEMBER
    assert recent_lines(published) == [
        f"• {OPEN} — 📨 with the Secretariat",
        f"• {ANSWERED} — ✅ answered by HuriBot",
    ]


async def test_home_shows_the_five_latest_questions(slack: SlackHarness) -> None:
    asked = [f"how does a UNCT contribute to the UPR, part {n}?" for n in range(1, 7)]
    for question in asked:
        await slack.ask(question)

    lines = recent_lines(await open_home(slack))

    assert [line.split(" — ")[0] for line in lines] == [f"• {q}" for q in reversed(asked[1:])]


async def test_home_of_a_new_member_invites_a_first_question(slack: SlackHarness) -> None:
    published = await open_home(slack, user="U0NEWCOMER")

    assert published.params["user_id"] == "U0NEWCOMER"
    assert recent_lines(published) == ["None yet: ask me anything."]


async def test_opening_the_messages_tab_publishes_nothing(slack: SlackHarness) -> None:
    sent = await slack.send_event(slack.event("app_home_opened", tab="messages"))
    published = await open_home(slack)
    await slack.settle()

    assert sent.status == 200
    assert slack.fake.calls_to("views.publish") == [published]
