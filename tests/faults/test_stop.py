"""A stop (SIGTERM, as a deploy sends) while an answer is being posted: `serve` lets it finish
and records it before exiting, instead of leaving the question to its claim's expiry (and
posting it again if Slack had taken the post)."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import aiohttp
import pytest

from bot.db.engine import Database
from bot.questions.status import QuestionStatus
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.slack_events import mention
from tests.faults.ledger import Ledger, account, event_key, stored_questions
from tests.faults.serving import served
from tests.processes import BOOT_SECONDS, get_json

POST = "chat.postMessage"


async def stopped_listening(origin: str) -> None:
    """Until `/healthz` is refused: the web server is closed, the process is stopping."""
    deadline = time.monotonic() + BOOT_SECONDS
    while time.monotonic() < deadline:
        try:
            await asyncio.to_thread(get_json, f"{origin}/healthz", timeout=2)
        except OSError:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"{origin} still answers {BOOT_SECONDS} s after SIGTERM")


@pytest.mark.parametrize("knowledge_url", ["sqlite"], indirect=True)  # no claim is involved
async def test_serve_stopped_mid_answer_finishes_and_records_it_first(
    knowledge_url: str, records: Database, fake: FakeSlackAPI, tmp_path: Path
) -> None:
    body = mention("how does a UNCT contribute to the UPR?")
    fake.hang(POST, channel=body["event"]["channel"])
    async with (
        aiohttp.ClientSession() as session,
        served(knowledge_url, fake, logs=tmp_path, settings={}) as bot,
    ):
        delivery = await bot.events(session).deliver(body)
        await fake.wait_for_held(POST, channel=body["event"]["channel"], timeout=BOOT_SECONDS)
        assert bot.process is not None
        stopping = asyncio.create_task(asyncio.to_thread(bot.process.stop))
        await stopped_listening(bot.origin)
        fake.release(POST, answer=True)
        assert await stopping == 0, bot.output()
        questions = await stored_questions(records, [event_key(delivery)])

    assert questions[0].status == QuestionStatus.ANSWERED_BY_BOT, bot.output()
    assert account([delivery], questions, fake.calls) == Ledger(
        sent=1, acknowledged=1, stored=1, answered=1, queued=0, lost=0, duplicated=0
    )
