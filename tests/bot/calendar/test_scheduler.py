"""Digests and reminders fire at the subscriber's local times, exactly once, even across a
daylight-saving change, a downtime, a moved deadline or two bot processes."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select

from bot.calendar.digest import Digest
from bot.calendar.digest_builder import DigestBuilder
from bot.calendar.rows import CalendarRow
from bot.calendar.schedule import Schedule
from bot.calendar.scheduler import CalendarScheduler
from bot.calendar.subscriptions import Subscriptions, SubscriptionSettings
from bot.db.engine import Database
from bot.db.models import CalendarReminder
from bot.delivery.dispatcher import Dispatcher
from bot.payload_types import payload_codec
from tests.bot.calendar.helpers import (
    CHANNEL,
    FakeClock,
    RecordingSender,
    deadlines,
    event,
    moved,
    outbox_keys,
    store,
    utc,
)
from tests.statements import statements

GENEVA = SubscriptionSettings(schedule=Schedule(timezone="Europe/Zurich"))
DEADLINE = event("upr-48-KEN-unct", date(2027, 6, 10))


class Bot:
    """A scheduler and a dispatcher on one database and one fake clock, as `huribot serve`
    runs them."""

    def __init__(self, database: Database, clock: FakeClock, *, skip_empty: bool = False):
        self.clock = clock
        self.sender = RecordingSender(clock)
        self.scheduler = CalendarScheduler(
            database=database, builder=DigestBuilder(), clock=clock, skip_empty=skip_empty
        )
        self.dispatcher = Dispatcher(
            codec=payload_codec(), database=database, senders=[self.sender], clock=clock
        )

    async def tick(self) -> None:
        await self.scheduler.run_once()
        await self.dispatcher.run_once()

    def digests(self) -> list[Digest]:
        return [Digest.from_dict(p["digest"]) for _, _, p in self.sender.sent]


async def started(database: Database, now: datetime, *rows: CalendarRow, **kwargs: Any) -> Bot:
    """A calendar holding `rows`, the Kenya channel subscribed at `now`, and a bot."""
    clock = FakeClock(now)
    await store(database, *rows)
    await subscribe(database, clock, **kwargs)
    return Bot(database, clock)


async def subscribe(database: Database, clock: FakeClock, **kwargs: Any) -> int:
    subscriptions = Subscriptions(database=database, clock=clock)
    settings = kwargs.pop("settings", GENEVA)
    subscription = await subscriptions.subscribe(
        CHANNEL, ["Kenya"], actor="slack:U1", settings=settings, **kwargs
    )
    return subscription.id


async def test_digests_and_reminders_keep_local_time_across_daylight_saving(
    database: Database,
) -> None:
    bot = await started(database, utc(2027, 2, 15), DEADLINE)
    clock = bot.clock
    # Europe/Zurich is UTC+1 until 28 March 2027, then UTC+2: 09:00 is 08:00, then 07:00 UTC.
    expected = [
        (utc(2027, 3, 1, 8), "calendar_digest"),
        (utc(2027, 3, 12, 8), "calendar_reminder"),  # 90 days before 10 June
        (utc(2027, 4, 1, 7), "calendar_digest"),
        (utc(2027, 5, 1, 7), "calendar_digest"),
        (utc(2027, 5, 11, 7), "calendar_reminder"),  # 30 days
        (utc(2027, 6, 1, 7), "calendar_digest"),
        (utc(2027, 6, 3, 7), "calendar_reminder"),  # 7 days
    ]
    for due, _ in expected:
        clock.now = due - timedelta(minutes=1)
        await bot.tick()
        clock.now = due
        await bot.tick()
    assert [(when, payload["kind"]) for when, _, payload in bot.sender.sent] == expected
    reminder = bot.digests()[1]
    assert (
        reminder.title
        == "Reminder: Kenya — UPR: submission deadline for UNCT (session 48) in 90 days"
    )
    assert not reminder.late_note


async def test_a_bot_down_over_the_due_time_sends_once_late_on_restart(
    database: Database,
) -> None:
    before_downtime = await started(database, utc(2027, 3, 5), DEADLINE)
    clock = before_downtime.clock
    await before_downtime.tick()
    assert before_downtime.sender.sent == []
    clock.now = utc(2027, 3, 14, 12)  # the 90-day reminder was due on 12 March
    restarted = Bot(database, clock)
    await restarted.tick()
    await restarted.tick()
    clock.now += timedelta(hours=1)
    await restarted.tick()
    assert restarted.sender.kinds() == ["calendar_reminder"]
    late = restarted.digests()[0]
    assert late.late_note == "Sent late: HuriBot was unavailable at the scheduled time."
    assert "in 88 days" in late.title
    async with database.sessions() as session:
        reminder = await session.scalar(
            select(CalendarReminder).where(CalendarReminder.lead_days == 90)
        )
    assert reminder is not None and reminder.late and reminder.status == "queued"


async def test_missed_digests_are_sent_once_not_once_per_missed_month(
    database: Database,
) -> None:
    bot = await started(database, utc(2027, 1, 10), DEADLINE)
    bot.clock.now = utc(2027, 3, 20)  # down over 1 February and 1 March
    clock = bot.clock
    await bot.tick()
    await bot.tick()
    assert bot.sender.kinds().count("calendar_digest") == 1
    assert bot.digests()[0].late_note
    clock.now = utc(2027, 4, 1, 7)
    await bot.tick()
    assert bot.sender.kinds().count("calendar_digest") == 2


async def test_a_moved_deadline_reschedules_its_reminders_and_the_digest_says_so(
    database: Database,
) -> None:
    bot = await started(database, utc(2027, 2, 15), DEADLINE)
    clock = bot.clock
    clock.now = utc(2027, 3, 1, 8)
    await bot.tick()  # first digest: the deadline is listed, unmarked
    assert bot.digests()[0].sections[0].items[0].marker == ""
    await store(database, moved(DEADLINE, date(2027, 7, 12)))
    steps = (utc(2027, 4, 1, 7), utc(2027, 4, 13, 7), utc(2027, 5, 1, 7), utc(2027, 5, 11, 7))
    for due in (*steps, utc(2027, 6, 12, 7)):
        clock.now = due
        await bot.tick()
    # 90 and 30 days before 12 July; nothing on 11 May, 30 days before the old date
    assert [(when, payload["kind"]) for when, _, payload in bot.sender.sent] == [
        (utc(2027, 3, 1, 8), "calendar_digest"),
        (utc(2027, 4, 1, 7), "calendar_digest"),
        (utc(2027, 4, 13, 7), "calendar_reminder"),
        (utc(2027, 5, 1, 7), "calendar_digest"),
        (utc(2027, 6, 12, 7), "calendar_reminder"),
        (utc(2027, 6, 12, 7), "calendar_digest"),
    ]
    assert "in 30 days" in bot.digests()[4].title
    april = bot.digests()[1]
    item = april.sections[0].items[0]
    assert (item.marker, item.when) == ("moved", "12 July 2027")
    assert item.previously == "was 10 June 2027"
    assert "[MOVED] 12 July 2027" in april.text()
    assert bot.digests()[3].sections[0].items[0].marker == ""  # May: no longer news


async def test_month_precision_dates_print_as_months_and_get_no_countdown(
    database: Database,
) -> None:
    review = event(
        "tb-KEN-review", date(2027, 5, 1), mechanism="TB", event_type="review", precision="month"
    )
    bot = await started(database, utc(2027, 1, 20), review)
    bot.clock.now = utc(2027, 2, 1, 8)
    await bot.tick()
    [section] = bot.digests()[0].sections
    assert section.heading == "Treaty bodies"
    assert section.items[0].when == "May 2027"
    assert "1 May" not in bot.digests()[0].text()
    async with database.sessions() as session:
        assert (await session.scalars(select(CalendarReminder))).all() == []


async def test_withdrawn_events_cancel_their_reminders_and_are_marked_once(
    database: Database,
) -> None:
    bot = await started(database, utc(2027, 2, 15), DEADLINE)
    clock = bot.clock
    clock.now = utc(2027, 3, 1, 8)
    await bot.tick()
    await store(database, event("upr-48-KEN-unct", date(2027, 6, 10), status="postponed"))
    for month in (3, 4, 5, 6):
        clock.now = utc(2027, month, 12, 8) if month == 3 else utc(2027, month, 1, 7)
        await bot.tick()
    assert "calendar_reminder" not in bot.sender.kinds()
    markers = [[i.marker for s in d.sections for i in s.items] for d in bot.digests()]
    assert markers == [[""], ["postponed"], [], []]
    assert bot.digests()[2].empty_note == "Nothing is scheduled for the next 12 months."


async def test_empty_digests_can_be_skipped(database: Database) -> None:
    clock = FakeClock(utc(2027, 2, 15))
    await subscribe(database, clock)
    bot = Bot(database, clock, skip_empty=True)
    clock.now = utc(2027, 3, 1, 8)
    await bot.tick()
    assert bot.sender.sent == []
    chatty = Bot(database, clock)
    clock.now = utc(2027, 4, 1, 7)
    await chatty.tick()
    assert chatty.digests()[0].empty_note


async def test_digests_speak_the_subscription_language(database: Database) -> None:
    french = SubscriptionSettings(schedule=Schedule(timezone="Africa/Nairobi"), language="fr")
    bot = await started(database, utc(2027, 2, 15), DEADLINE, settings=french)
    clock = bot.clock
    clock.now = utc(2027, 3, 1, 6)  # 09:00 in Nairobi (UTC+3)
    await bot.tick()
    [digest] = bot.digests()
    assert digest.title.startswith("Mécanismes des droits de l'homme")
    assert "10 juin 2027" in digest.text()
    assert digest.sections[0].heading == "Examen périodique universel"


async def test_two_scheduler_loops_on_one_postgresql_deliver_each_reminder_once(
    shared_postgres: tuple[Database, Database],
) -> None:
    first, second = shared_postgres
    clock = FakeClock(utc(2027, 1, 2))
    countries = ["KEN", "UGA", "TZA", "RWA", "ETH"]
    await store(first, *deadlines(countries, submission=date(2027, 6, 10), visit=date(2027, 5, 20)))
    subscriptions = Subscriptions(database=first, clock=clock)
    for number, country in enumerate(countries):
        ref = CHANNEL.__class__(platform="slack", conversation_id=f"C{number}")
        await subscriptions.subscribe(ref, [country], actor="cli:ops")
    bots = [Bot(first, clock), Bot(second, clock)]
    for step in range(12):  # both processes run over the same due times
        clock.now = utc(2027, 1, 2) + timedelta(days=15 * step)
        await asyncio.gather(*(bot.tick() for bot in bots for _ in range(2)))
    sent = [p for bot in bots for _, _, p in bot.sender.sent]
    keys = await outbox_keys(first)
    assert len(keys) == len(set(keys))
    assert len(sent) == len(keys)
    kinds = Counter(p["kind"] for p in sent)
    # 5 countries x (2 events x 3 lead times) reminders, and digests February to June
    assert kinds["calendar_reminder"] == 30
    assert kinds["calendar_digest"] == 5 * 5


async def test_a_backlog_larger_than_a_batch_is_queued_in_one_pass(database: Database) -> None:
    deadlines = [event(f"upr-KEN-{n}", date(2027, 6, 1) + timedelta(days=n)) for n in range(40)]
    bot = await started(database, utc(2027, 1, 2), *deadlines)
    await bot.scheduler.run_once()  # plans 40 events x 3 lead times
    bot.clock.now = utc(2027, 7, 15)  # every reminder and a digest fell due while down
    assert await bot.scheduler.run_once() == 40 * 3 + 1
    assert len(await outbox_keys(database)) == 40 * 3 + 1
    assert await bot.scheduler.run_once() == 0


async def test_a_first_plan_stores_its_reminders_in_one_insert(database: Database) -> None:
    """Round-trips are what a scheduler pass costs: planning 40 deadlines x 3 lead times for
    a new subscription sends one INSERT, not one per reminder."""
    deadlines = [event(f"upr-KEN-{n}", date(2027, 6, 1) + timedelta(days=n)) for n in range(40)]
    bot = await started(database, utc(2027, 1, 2), *deadlines)
    with statements(database) as sent:
        await bot.scheduler.plan(bot.clock.now)
    assert sent.count("INSERT") == 1
    async with database.sessions() as session:
        rows = (await session.scalars(select(CalendarReminder))).all()
    assert len(rows) == 40 * 3
    assert {row.status for row in rows} == {"pending"} and not any(row.late for row in rows)


async def test_a_due_batch_is_claimed_and_queued_in_a_few_statements(database: Database) -> None:
    """A month's downtime leaves hundreds of reminders due: each batch of them is claimed in
    one UPDATE and queued in one INSERT, not three statements per reminder."""
    deadlines = [event(f"upr-KEN-{n}", date(2027, 6, 1) + timedelta(days=n)) for n in range(40)]
    bot = await started(database, utc(2027, 1, 2), *deadlines)
    await bot.scheduler.run_once()
    bot.clock.now = utc(2027, 7, 15)
    with statements(database) as sent:
        assert await bot.scheduler.run_once() == 40 * 3 + 1
    assert sent.count("INSERT") == 2 + 1  # two batches of reminders (BATCH each), the digest
    assert len(sent) < 30  # it was 3 per reminder
    async with database.sessions() as session:
        rows = (await session.scalars(select(CalendarReminder))).all()
    assert {(row.status, row.late) for row in rows} == {("queued", True)}
