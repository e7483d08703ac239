"""The database down mid-load: PostgreSQL behind a proxy that closes every connection and
refuses new ones, then comes back.

Questions are persisted before Slack is acknowledged, so while the database is away Slack's
events get a 500 and Slack retries them later (nothing is acknowledged that was not stored).
Answers and a digest posted just as it went away are recorded once it is back, so none is
posted again when its claim expires. The process answers health checks throughout, and says
it is not ready."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from sqlalchemy.engine import make_url

from bot.db.engine import Database
from bot.delivery.outbox import OutboxStatus
from tests.adapters.common import DIGEST_CHANNEL, due_digest
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.slack_events import Delivery, SlackEvents, mention
from tests.fakes.tcp_proxy import proxy_to
from tests.faults.ledger import (
    Ledger,
    account,
    event_key,
    outbox_to,
    settled,
    stored_questions,
)
from tests.faults.serving import served, through
from tests.processes import BOOT_SECONDS, get_json

POST = "chat.postMessage"
UNREACHABLE = "database.unreachable"
BEFORE = ["how does a UNCT contribute to the UPR?", "what is hrba exactly", "lnob 5 factors??"]
DURING = ["how do we put upr recs into the cca?", "how do i do a capacity gap analysis"]
AFTER = ["what is the human rights-based approach?", "can we cite treaty body recs?"]


class CheckedSlack:
    """Slack's deliveries, each acknowledgement checked at once against the database (read
    directly, never through the proxy): an event acknowledged and not stored would be lost."""

    def __init__(self, slack: SlackEvents, records: Database) -> None:
        self._slack = slack
        self._records = records

    async def deliver(self, body: dict[str, Any]) -> Delivery:
        return await self._checked(await self._slack.deliver(body))

    async def redeliver(self, delivery: Delivery) -> Delivery:
        return await self._checked(await self._slack.redeliver(delivery))

    async def _checked(self, delivery: Delivery) -> Delivery:
        stored = await stored_questions(self._records, [event_key(delivery)])
        assert len(stored) == int(delivery.acknowledged), (delivery.attempts, stored)
        return delivery


@pytest.mark.parametrize("knowledge_url", ["postgresql"], indirect=True)
async def test_questions_before_during_and_after_an_outage_are_each_answered_once(
    knowledge_url: str, records: Database, fake: FakeSlackAPI, tmp_path: Path
) -> None:
    database = make_url(knowledge_url)
    await due_digest(knowledge_url)
    before_bodies = [mention(question) for question in BEFORE]
    for channel in [DIGEST_CHANNEL, *(body["event"]["channel"] for body in before_bodies)]:
        fake.hang(POST, channel=channel)  # these posts are under way when the database goes
    async with (
        proxy_to(database.host or "127.0.0.1", database.port or 5432) as proxy,
        aiohttp.ClientSession() as session,
        served(through(proxy, knowledge_url), fake, logs=tmp_path, settings={}) as bot,
    ):
        slack = CheckedSlack(bot.events(session), records)
        before = [await slack.deliver(body) for body in before_bodies]
        for delivery in before:
            await fake.wait_for_held(POST, channel=delivery.thread[0], timeout=BOOT_SECONDS)
        await fake.wait_for_held(POST, channel=DIGEST_CHANNEL, timeout=BOOT_SECONDS)

        await proxy.cut()
        fake.release(POST, answer=True)
        during = [await slack.deliver(mention(question)) for question in DURING]
        health = await asyncio.to_thread(get_json, f"{bot.origin}/healthz")
        readiness = await asyncio.to_thread(get_json, f"{bot.origin}/readyz")
        assert bot.process is not None  # recording what was posted waits for the database:
        await bot.process.wait_logged(UNREACHABLE, retrying="delivered", count=len(BEFORE))
        await bot.process.wait_logged(UNREACHABLE, retrying="outbox")
        await proxy.restore()

        during = [await slack.redeliver(delivery) for delivery in during]  # Slack's next retry
        after = [await slack.deliver(mention(question)) for question in AFTER]
        deliveries = before + during + after
        questions = await settled(records, [event_key(d) for d in deliveries], timeout=60)
        [digest] = await outbox_to(records, DIGEST_CHANNEL, settled=True)

    assert account(deliveries, questions, fake.calls) == Ledger(
        sent=7, acknowledged=7, stored=7, answered=7, queued=0, lost=0, duplicated=0
    ), bot.output()
    assert all(len(d.attempts) == 1 for d in before + after), bot.output()
    assert [[a.status for a in d.attempts] for d in during] == [[500, 500, 200]] * len(DURING)
    digests = [c for c in fake.calls_to(POST) if c.params["channel"] == DIGEST_CHANNEL]
    assert [call.answered_ok for call in digests] == [True]
    assert (digest.status, digest.attempts) == (OutboxStatus.SENT, 1)
    assert health == (200, {"status": "ok", "version": health[1]["version"]})
    assert readiness[0] == 503 and not readiness[1]["checks"]["database"]["ok"]
