"""SIGKILL at the worst moment: a question stored and acknowledged but not yet answered, and a
digest claimed from the outbox but not yet sent. After a restart each is delivered once.

The kill lands while Slack holds the bot's posts unanswered, so neither post took effect. A
kill after Slack accepted a post and before the bot recorded it would repeat that post after
the restart (short of reading the conversation's history, which for channels the app has no
scope for, the bot cannot tell), so delivery is at least once, and exactly once whenever the
process dies anywhere else (`bench.faults` shows both)."""

from __future__ import annotations

from pathlib import Path

import aiohttp
import pytest

from bot.db.engine import Database
from bot.delivery.outbox import OutboxStatus
from bot.questions.status import QuestionStatus
from tests.adapters.common import DIGEST_CHANNEL, due_digest
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.slack_events import mention
from tests.faults.ledger import Ledger, account, event_key, outbox_to, settled, stored_questions
from tests.faults.serving import served
from tests.processes import BOOT_SECONDS

POST = "chat.postMessage"
QUESTION = "how does a UNCT contribute to the UPR?"
SHORT_CLAIMS = {"HURIBOT_CLAIM_LEASE_SECONDS": "2", "HURIBOT_RECOVERY_GRACE_SECONDS": "2"}
"""A claim a killed process left is taken up 2 s later instead of 5 minutes later."""


@pytest.mark.parametrize(
    ("knowledge_url", "workers"),
    [
        pytest.param("sqlite", 0, id="sqlite-answered-by-serve"),
        pytest.param("postgresql", 0, id="postgresql-answered-by-serve"),
        pytest.param("sqlite", 1, id="sqlite-answered-by-a-worker"),  # the same claims
    ],
    indirect=["knowledge_url"],
)
async def test_a_question_and_a_digest_in_flight_at_a_kill_are_each_delivered_once(
    knowledge_url: str, records: Database, fake: FakeSlackAPI, tmp_path: Path, workers: int
) -> None:
    await due_digest(knowledge_url)
    settings = {**SHORT_CLAIMS, "HURIBOT_ANSWER_WORKERS": str(workers)}
    body = mention(QUESTION)
    channel = body["event"]["channel"]
    fake.hang(POST, channel=channel)
    fake.hang(POST, channel=DIGEST_CHANNEL)
    async with (
        aiohttp.ClientSession() as session,
        served(knowledge_url, fake, logs=tmp_path, settings=settings) as bot,
    ):
        delivery = await bot.events(session).deliver(body)
        assert delivery.acknowledged and len(delivery.attempts) == 1
        await fake.wait_for_held(POST, channel=channel, timeout=BOOT_SECONDS)
        await fake.wait_for_held(POST, channel=DIGEST_CHANNEL, timeout=BOOT_SECONDS)
        [question] = await stored_questions(records, [event_key(delivery)])
        [digest] = await outbox_to(records, DIGEST_CHANNEL)
        assert question.status == QuestionStatus.ANSWERING
        assert (digest.status, digest.attempts) == (OutboxStatus.SENDING, 1)

        await bot.kill()
        fake.release(POST, answer=False)  # the killed process's posts: never made
        await bot.start()
        questions = await settled(records, [event_key(delivery)], timeout=BOOT_SECONDS)
        [digest] = await outbox_to(
            records, DIGEST_CHANNEL, settled=True
        )  # one message, whatever ran again

    assert account([delivery], questions, fake.calls) == Ledger(
        sent=1, acknowledged=1, stored=1, answered=1, queued=0, lost=0, duplicated=0
    ), bot.output()
    assert questions[0].status == QuestionStatus.ANSWERED_BY_BOT
    posted = [c for c in fake.calls_to(POST) if c.params["channel"] == DIGEST_CHANNEL]
    assert [call.answered_ok for call in posted] == [True], bot.output()
    assert "coming up for Kenya" in posted[0].params["text"]
    assert (digest.status, digest.attempts) == (OutboxStatus.SENT, 2)
