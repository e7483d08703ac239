"""Two `huribot serve` replicas on one PostgreSQL, as a deployment behind a load balancer runs
them: what one learns the other answers with, what both schedule is delivered once, and an
event both receive is answered once.

Nothing here is shared between the processes but the database: a moderator's answer reaches
the other replica's index through the knowledge base's change log (read every second), the
outbox and the calendar's rows are claimed by exactly one process, and Slack's events are
de-duplicated by their stored event id.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import select

from adapters.slack.moderation_blocks import MOD_ACTION
from bot.calendar.digest_builder import DigestBuilder
from bot.calendar.schedule import Schedule
from bot.calendar.scheduler import CalendarScheduler
from bot.calendar.subscriptions import Subscriptions, SubscriptionSettings
from bot.db.engine import Database
from bot.db.models import OutboxMessage
from bot.delivery.outbox import OutboxStatus
from bot.messages import ConversationRef
from tests.adapters.slack.conftest import card_action, modal_submission
from tests.bot.calendar.helpers import deadlines, store
from tests.fakes.clock import FakeClock
from tests.fakes.slack_api import Call, FakeSlackAPI
from tests.fakes.slack_events import Delivery, mention
from tests.faults.ledger import Ledger, account, event_key, outbox_to, settled
from tests.faults.serving import MODERATOR, MODERATORS_CHANNEL, ServedBot, replicas
from tests.processes import BOOT_SECONDS

POST = "chat.postMessage"
REPLICAS = ["replica-a", "replica-b"]
pytestmark = pytest.mark.parametrize("knowledge_url", ["postgresql"], indirect=True)
"""Replicas share a server database; SQLite is one machine's file."""
LOGGED = {"HURIBOT_LOG_LEVEL": "INFO"}
"""What the tests read in the replicas' logs (`index.loaded`, `index.synced`) is INFO."""


@dataclass(frozen=True, slots=True)
class Deployment:
    """One database holding the sample knowledge base, one Slack, and the replicas' logs."""

    url: str
    records: Database
    fake: FakeSlackAPI
    logs: Path

    def replicas(self) -> AbstractAsyncContextManager[list[ServedBot]]:
        """Replicas A and B, booted side by side."""
        return replicas(self.url, self.fake, logs=self.logs, settings=LOGGED, names=REPLICAS)


@pytest.fixture
def deployment(
    knowledge_url: str, records: Database, fake: FakeSlackAPI, tmp_path: Path
) -> Deployment:
    """Where the replicas run."""
    return Deployment(url=knowledge_url, records=records, fake=fake, logs=tmp_path)


def posts(fake: FakeSlackAPI, keep: Callable[[Call], bool]) -> list[Call]:
    """The posts that reached Slack and that `keep` selects."""
    return [call for call in fake.calls_to(POST) if call.answered_ok and keep(call)]


def in_thread(delivery: Delivery) -> Callable[[Call], bool]:
    """Selects the posts in the thread of the event `delivery` carried."""
    channel, ts = delivery.thread
    return lambda call: (call.params.get("channel"), call.params.get("thread_ts")) == (channel, ts)


async def posted(fake: FakeSlackAPI, keep: Callable[[Call], bool], *, what: str) -> Call:
    """The first post `keep` selects, once it has reached Slack."""
    await fake.wait_until(lambda _: bool(posts(fake, keep)), timeout=BOOT_SECONDS, expected=what)
    return posts(fake, keep)[0]


def synced_at(replica: ServedBot) -> float:
    """When (Unix time) the replica last applied changes made elsewhere to its index."""
    assert replica.process is not None
    stamp = replica.process.logged("index.synced")[-1]["timestamp"]
    return datetime.fromisoformat(stamp).timestamp()


async def test_a_moderators_answer_on_one_replica_answers_questions_on_the_other(
    deployment: Deployment, record_property: Callable[[str, object], None]
) -> None:
    fake, records = deployment.fake, deployment.records
    async with aiohttp.ClientSession() as session, deployment.replicas() as bots:
        a, b = bots[0].events(session), bots[1].events(session)
        asked = await b.deliver(mention("What is the per diem rate in Nairobi?"))
        abstained = await posted(fake, in_thread(asked), what="the abstention")
        assert "Secretariat" in json.dumps(abstained.params)
        card = await posted(
            fake,
            lambda call: f"{MOD_ACTION}_answer" in json.dumps(call.params),
            what="the group's card in the moderators' channel",
        )
        assert card.params["channel"] == MODERATORS_CHANNEL

        assert await a.interact(card_action(card, f"{MOD_ACTION}_answer", user=MODERATOR)) == 200
        [opened] = await fake.wait_for("views.open", timeout=BOOT_SECONDS)
        view = opened.params["view"]
        modal = json.loads(view) if isinstance(view, str) else view
        answer = {
            "question": "What are the per diem rates for Nairobi?",
            "answer": "Daily subsistence allowance rates are set by the **ICSC**.",
            "tags": "admin, travel",
            "sources": "ICSC DSA circular <https://icsc.un.org/Home/DataDSA>",
        }
        submitted = time.time()
        assert await a.interact(modal_submission(modal, user=MODERATOR, values=answer)) == 200
        assert bots[1].process is not None
        await bots[1].process.wait_logged("index.synced")  # the change log, read every second
        propagation = synced_at(bots[1]) - submitted

        again = await b.deliver(mention("per diem Nairobi rates?"))
        answered = await posted(fake, in_thread(again), what="replica B's answer")
        notice = await posted(
            fake,
            lambda call: in_thread(asked)(call) and "Secretariat has answered" in str(call.params),
            what="the notice to the first asker",
        )
        await outbox_to(records, asked.thread[0], settled=True)

    record_property("propagation_seconds", round(propagation, 3))
    print(f"moderator's answer on replica A searchable on replica B after {propagation:.3f} s")
    assert "ICSC" in json.dumps(answered.params)
    assert "icsc.un.org" in json.dumps(notice.params)
    assert len(posts(fake, in_thread(asked))) == 2  # the abstention, then one notice
    assert bots[1].process is not None and len(bots[1].process.logged("index.loaded")) == 1


def daily_at_midnight(lead_days: tuple[int, ...]) -> SubscriptionSettings:
    """A digest every day at 00:00 UTC, and reminders at 00:00 `lead_days` before an event."""
    schedule = Schedule(cadence="0 0 * * *", reminder_time="00:00", lead_days=lead_days)
    return SubscriptionSettings(schedule=schedule)


COUNTRIES = ["KEN", "UGA", "TZA", "RWA", "ETH", "SOM", "SDN", "BDI", "COD", "SSD", "ZMB", "MWI"]
LEAD_DAYS = (1, 2)


async def due_batch(url: str, countries: Sequence[str]) -> list[str]:
    """For each country, a channel subscribed three days ago to it, whose digest and whose
    reminders of its two events tomorrow are all due now (planned then, when none was due
    yet); the channels."""
    database = Database(url=url)
    then = FakeClock(datetime.now(UTC) - timedelta(days=3))
    tomorrow = datetime.now(UTC).date() + timedelta(days=1)
    try:
        await store(database, *deadlines(countries, submission=tomorrow, visit=tomorrow))
        subscriptions = Subscriptions(database=database, clock=then)
        channels = [f"CDUE{country}" for country in countries]
        for channel, country in zip(channels, countries, strict=True):
            ref = ConversationRef(platform="slack", conversation_id=channel)
            settings = daily_at_midnight(LEAD_DAYS)
            await subscriptions.subscribe(ref, [country], actor="cli:ops", settings=settings)
        scheduler = CalendarScheduler(database=database, builder=DigestBuilder(), clock=then)
        await scheduler.plan(then.now)
        return channels
    finally:
        await database.dispose()


async def outbox(records: Database) -> list[OutboxMessage]:
    """Every outbox message."""
    async with records.sessions() as session:
        return list((await session.scalars(select(OutboxMessage))).all())


async def all_sent(records: Database, channels: Sequence[str], count: int) -> list[OutboxMessage]:
    """The outbox's messages to `channels` once `count` of them are sent."""
    deadline = time.monotonic() + BOOT_SECONDS
    while True:
        messages = [
            m for m in await outbox(records) if m.conversation["conversation_id"] in channels
        ]
        if sum(m.status == OutboxStatus.SENT for m in messages) >= count:
            return messages
        if time.monotonic() > deadline:
            raise AssertionError(f"{len(messages)} of {count} queued, not all sent: {messages}")
        await asyncio.sleep(0.1)


async def sent_by(replica: ServedBot, session: aiohttp.ClientSession) -> int:
    """How many outbox messages the replica itself handed to Slack (its `/metrics`)."""
    async with session.get(f"{replica.origin}/metrics") as response:
        text = await response.text()
    return sum(
        int(sample.value)
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == "huribot_outbox_deliveries_total" and sample.labels["outcome"] == "sent"
    )


async def test_both_replicas_schedulers_deliver_a_due_batch_once(
    deployment: Deployment, record_property: Callable[[str, object], None]
) -> None:
    fake, records = deployment.fake, deployment.records
    channels = await due_batch(deployment.url, COUNTRIES)
    expected = len(channels) * (1 + 2 * len(LEAD_DAYS))  # a digest, and 2 events' reminders
    assert expected > 50  # more than one dispatcher's claim: both have some to take
    async with aiohttp.ClientSession() as session, deployment.replicas() as bots:
        messages = await all_sent(records, channels, expected)
        everything = await outbox(records)  # the moderators' reminders too
        split = [await sent_by(bot, session) for bot in bots]

    record_property("sent_by_replica", split)
    print(f"the outbox's {sum(split)} messages sent by replica A, B: {split}")
    assert sum(split) == len(everything)

    delivered = posts(fake, lambda call: call.params.get("channel") in channels)
    per_channel = Counter(str(call.params["channel"]) for call in delivered)
    assert per_channel == dict.fromkeys(channels, 1 + 2 * len(LEAD_DAYS))  # as many as queued:
    assert len(messages) == expected  # each sent message posted once
    assert [(m.idempotency_key, m.status, m.attempts) for m in everything if m.attempts != 1] == []
    assert {m.status for m in everything} == {OutboxStatus.SENT}


QUESTION = "how does a UNCT contribute to the UPR?"


async def test_an_event_both_replicas_receive_is_answered_once(deployment: Deployment) -> None:
    fake, records = deployment.fake, deployment.records
    async with aiohttp.ClientSession() as session, deployment.replicas() as bots:
        a, b = bots[0].events(session), bots[1].events(session)
        at_once = [Delivery(mention(QUESTION)) for _ in range(3)]
        for delivery in at_once:  # Slack's retry while the first attempt is being handled
            await asyncio.gather(a.send(delivery), b.send(delivery, retry_num=1))
        one_after_the_other = [await a.deliver(mention(QUESTION)) for _ in range(3)]
        for delivery in one_after_the_other:  # the acknowledgement did not reach Slack
            await b.send(delivery, retry_num=1)
        deliveries = at_once + one_after_the_other
        questions = await settled(records, [event_key(d) for d in deliveries], timeout=60)
        for delivery in deliveries:
            await posted(fake, in_thread(delivery), what=f"the answer to {event_key(delivery)}")

    assert account(deliveries, questions, fake.calls) == Ledger(
        sent=6, acknowledged=6, stored=6, answered=6, queued=0, lost=0, duplicated=0
    ), [bot.output() for bot in bots]
    assert [[a.status for a in d.attempts] for d in deliveries] == [[200, 200]] * 6
