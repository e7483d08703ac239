"""Slack misbehaving while the bot answers: rate limits, server errors, a call that never
returns. Each question is answered once (the client retries with back-off), or, past the
retry budget or the time limit (HURIBOT_PLATFORM_TIMEOUT_SECONDS), handed to the moderators'
queue; none lost or doubled."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest

from bot.db.engine import Database
from bot.questions.status import QuestionStatus
from tests.fakes.slack_api import Call, FakeSlackAPI
from tests.fakes.slack_events import Delivery, mention
from tests.faults.ledger import Ledger, account, event_key, settled
from tests.faults.serving import MODERATORS_CHANNEL, served
from tests.processes import BOOT_SECONDS

POST = "chat.postMessage"
QUICK_TIMEOUT = {"HURIBOT_PLATFORM_TIMEOUT_SECONDS": "3"}
"""A hung call is given up after 3 s instead of 10 (a loopback call takes milliseconds)."""
Fault = Callable[[FakeSlackAPI, str], None]
"""Injects a fault into the posts to one channel."""

CARD = "Question for the Secretariat: "


@dataclass(frozen=True, slots=True)
class Case:
    """A fault in the posts to one asker's thread, and what must come of the question."""

    name: str
    inject: Fault
    question: str
    outcome: QuestionStatus
    posts: list[bool]
    """What Slack answered each post to the thread: True for success."""
    held: int = 0
    """Posts that never got an answer."""


CASES = [
    Case(
        "a rate limit (429, Retry-After: 1)",
        lambda fake, channel: fake.fail_next(POST, status=429, retry_after=1, channel=channel),
        "how does a UNCT contribute to the UPR?",
        QuestionStatus.ANSWERED_BY_BOT,
        posts=[False, True],
    ),
    Case(
        "two server errors (500), within the retry budget of three",
        lambda fake, channel: fake.fail_next(POST, status=500, times=2, channel=channel),
        "what is the human rights-based approach?",
        QuestionStatus.ANSWERED_BY_BOT,
        posts=[False, False, True],
    ),
    Case(
        "four server errors (503), past the retry budget",
        lambda fake, channel: fake.fail_next(POST, status=503, times=4, channel=channel),
        "lnob 5 factors??",
        QuestionStatus.OPEN,
        posts=[False] * 4,
    ),
    Case(
        "a call that never returns (the client gives up after the time limit)",
        lambda fake, channel: fake.hang(POST, times=1, channel=channel),
        "how do i do a capacity gap analysis for duty bearers",
        QuestionStatus.OPEN,
        posts=[],
        held=1,
    ),
]


def moderators_cards(fake: FakeSlackAPI) -> list[str]:
    """The questions whose card reached the moderators' channel (once per card)."""
    return [
        str(call.params["text"]).removeprefix(CARD)
        for call in fake.calls_to(POST)
        if call.answered_ok
        and call.params["channel"] == MODERATORS_CHANNEL
        and str(call.params["text"]).startswith(CARD)
    ]


def posts_to(calls: list[Call], channel: str) -> list[bool]:
    """Whether each post to `channel` succeeded, oldest first."""
    return [call.answered_ok for call in calls if call.params.get("channel") == channel]


@pytest.mark.parametrize("knowledge_url", ["sqlite"], indirect=True)  # Slack's faults only
async def test_each_question_is_answered_once_or_queued_for_the_moderators(
    knowledge_url: str, records: Database, fake: FakeSlackAPI, tmp_path: Path
) -> None:
    deliveries: list[Delivery] = []
    async with (
        aiohttp.ClientSession() as session,
        served(knowledge_url, fake, logs=tmp_path, settings=QUICK_TIMEOUT) as bot,
    ):
        slack = bot.events(session)
        for case in CASES:
            body = mention(case.question)
            case.inject(fake, body["event"]["channel"])
            deliveries.append(await slack.deliver(body))
            await settled(records, [event_key(deliveries[-1])], timeout=BOOT_SECONDS)
        await fake.wait_until(
            lambda _calls: len(moderators_cards(fake)) >= 2,
            timeout=BOOT_SECONDS,
            expected="a card for each question queued",
        )
        # read once the cards are out: a queued question is opened, then grouped (and its
        # card queued) in the next transaction
        questions = await settled(records, [event_key(d) for d in deliveries], timeout=1)
        held = fake.held
        await bot.stop()

    assert account(deliveries, questions, fake.calls) == Ledger(
        sent=4, acknowledged=4, stored=4, answered=2, queued=2, lost=0, duplicated=0
    ), bot.output()
    by_key = {question.event_key: question for question in questions}
    for delivery, case in zip(deliveries, CASES, strict=True):
        stored, (channel, _) = by_key[event_key(delivery)], delivery.thread
        assert stored.status == case.outcome, case.name
        assert (stored.group_id is not None) == (case.outcome == QuestionStatus.OPEN), case.name
        assert len(delivery.attempts) == 1, case.name  # acknowledged at once, whatever came next
        assert posts_to(fake.calls_to(POST), channel) == case.posts, case.name
        assert len(posts_to(held, channel)) == case.held, case.name
    assert sorted(moderators_cards(fake)) == sorted(
        case.question for case in CASES if case.outcome == QuestionStatus.OPEN
    )
