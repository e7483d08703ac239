"""Calendar scheduler benchmark: how long one pass of the loop in `huribot serve` takes.

Every country gets `--events` events (published days, spread over two years) and
`--subscriptions` conversations subscribe to one to three countries each. The first pass plans
every reminder row; later passes re-check the plan against the calendar (the loop runs every
30 s, so a pass must stay well under that); a pass at a due time queues digests and reminders.

    PYTHONPATH=. python -m bench.bench_scheduler [--subscriptions 200] [--events 10]
        [--postgres URL]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import tempfile
import time
from collections.abc import Awaitable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pycountry
from sqlalchemy import event

from bench.loopback import database_url
from bot.calendar.digest_builder import DigestBuilder
from bot.calendar.rows import CalendarRow
from bot.calendar.scheduler import CalendarScheduler
from bot.calendar.store import store_calendar
from bot.calendar.subscriptions import Subscriptions
from bot.db.engine import Database
from bot.messages import ConversationRef

START = datetime(2027, 1, 2, tzinfo=UTC)
KINDS = ("submission_deadline", "review", "visit", "list_of_issues")


def calendar(events_per_country: int, rng: random.Random) -> list[CalendarRow]:
    """Synthetic published events for every country."""
    rows = []
    for country in pycountry.countries:
        for number in range(events_per_country):
            day = date(2027, 1, 1) + timedelta(days=rng.randrange(730))
            rows.append(
                CalendarRow(
                    event_id=f"{country.alpha_3}-{number}",
                    mechanism="UPR",
                    body="UPR Working Group",
                    session="",
                    country=country.alpha_3,
                    event_type=rng.choice(KINDS),
                    start_date=day,
                    end_date=None,
                    date_precision="day",
                    deadline_for="",
                    status="confirmed",
                    source_url="",
                    notes="",
                )
            )
    return rows


@dataclass
class Statements:
    """SQL statements the database has been sent so far (round-trips are most of a pass)."""

    count: int = 0

    def listen(self, database: Database) -> None:
        event.listen(database.engine.sync_engine, "before_cursor_execute", self._note)

    def _note(self, *_args: object) -> None:
        self.count += 1


async def timed(label: str, work: Awaitable[object], sent: Statements) -> float:
    """Await `work`, print and return its seconds, with the statements it sent."""
    before = sent.count
    began = time.perf_counter()
    result = await work
    seconds = time.perf_counter() - began
    shown = result if result is not None else ""
    print(f"{label:<44} {seconds * 1000:9.1f} ms {sent.count - before:7} statements   {shown}")
    return seconds


async def run(url: str, subscriptions: int, events: int) -> None:
    rng = random.Random(7)
    database = Database(url=url)
    await database.upgrade()
    try:
        async with database.transaction() as session:
            await store_calendar(session, calendar(events, rng))
        codes = [c.alpha_3 for c in pycountry.countries]
        clock = {"now": START}
        service = Subscriptions(database=database, clock=lambda: clock["now"])
        for number in range(subscriptions):
            ref = ConversationRef(platform="slack", conversation_id=f"C{number:05d}")
            await service.subscribe(ref, rng.sample(codes, rng.randint(1, 3)), actor="bench")
        scheduler = CalendarScheduler(
            database=database, builder=DigestBuilder(), clock=lambda: clock["now"]
        )
        print(f"{database.dialect}: {subscriptions} subscriptions, {len(codes) * events} events")
        sent = Statements()
        sent.listen(database)
        await timed("first pass (plans every reminder)", scheduler.plan(START), sent)
        await timed("steady pass (nothing due)", scheduler.run_once(), sent)
        clock["now"] = START + timedelta(days=30)
        await timed("pass at a due time (digests + reminders)", scheduler.run_once(), sent)
        await timed("steady pass afterwards", scheduler.run_once(), sent)
    finally:
        await database.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscriptions", type=int, default=200)
    parser.add_argument("--events", type=int, default=10, help="events per country")
    parser.add_argument(
        "--postgres",
        help="a PostgreSQL URL on this machine, run in a fresh schema dropped afterwards "
        "(default: a temporary SQLite file)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, database_url(args.postgres, Path(folder)) as url:
        asyncio.run(run(url, args.subscriptions, args.events))


if __name__ == "__main__":
    main()
