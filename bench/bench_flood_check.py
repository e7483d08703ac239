"""The flood check's cost as questions arrive faster: every answer counts how many questions
its asker and its conversation sent in the last minute (`bot/questions/statements.py`).

For each `--rates` (questions in the last minute: 12,000 is 200 a second), that many questions
from 500 members in 50 conversations go into a temporary SQLite database (or `--postgres`),
then the check runs for the newest one, timed against the reference measured in the same run:
the statement it replaced, one join over every question of the last minute, filtered on the
sender. Both must count the same.

    PYTHONPATH=. python -m bench.bench_flood_check [--rates 60 1000 12000] [--postgres URL]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Select, delete, func, insert, or_, select, text

from bench.loopback import database_url
from bot.db.engine import Database
from bot.db.models import Question
from bot.questions.statements import ASKED, QUESTION, RECENT_QUESTIONS

RUNS = 200
"""Timings per statement and rate (the median is reported)."""
MEMBERS = 500
CONVERSATIONS = 50


def reference(since: datetime, question_id: int) -> Select[int, int]:
    """The check as it was: every question of the last minute joined, then filtered."""
    by_asker = QUESTION.c.user_id == ASKED.c.user_id
    in_conversation = (
        QUESTION.c.conversation["conversation_id"].as_string()
        == ASKED.c.conversation["conversation_id"].as_string()
    )
    return (
        select(func.count().filter(by_asker), func.count().filter(in_conversation))
        .select_from(QUESTION.join(ASKED, ASKED.c.id == question_id))
        .where(
            QUESTION.c.platform == ASKED.c.platform,
            QUESTION.c.received_at > since,
            QUESTION.c.id <= ASKED.c.id,
            or_(by_asker, in_conversation),
        )
    )


def fill(connection: Connection, count: int, now: datetime) -> int:
    """`count` questions received within the last minute; the newest one's id."""
    connection.execute(delete(Question))
    rows = [
        {
            "platform": "slack",
            "conversation": {"platform": "slack", "conversation_id": f"C{n % CONVERSATIONS}"},
            "conversation_id": f"C{n % CONVERSATIONS}",
            "user_id": f"U{n % MEMBERS}",
            "text": "When is our next UPR?",
            "received_at": now - timedelta(seconds=50 * (count - n) / count),
            "status": "answered_by_bot",
        }
        for n in range(count)
    ]
    connection.execute(insert(Question), rows)
    connection.execute(text("ANALYZE"))  # as the databases' own upkeep would, before timing
    return int(connection.scalar(select(func.max(Question.id))) or 0)


def median_ms(connection: Connection, statement: Any, values: dict[str, Any]) -> float:
    spent = []
    for _ in range(RUNS):
        started = time.perf_counter()
        connection.execute(statement, values).one()
        spent.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(spent), 3)


def measure(connection: Connection, rates: Sequence[int]) -> list[dict[str, Any]]:
    """Both statements' median time at each rate, and the counts they agree on."""
    now = datetime.now(UTC)
    since = now - timedelta(minutes=1)
    figures = []
    for rate in rates:
        newest = fill(connection, rate, now)
        values = {"question_id": newest, "since": since}
        counts = tuple(connection.execute(RECENT_QUESTIONS, values).one())
        old = reference(since, newest)
        if counts != tuple(connection.execute(old).one()):
            raise AssertionError(f"the two statements disagree at {rate} questions")
        check, before = (
            median_ms(connection, RECENT_QUESTIONS, values),
            median_ms(connection, old, {}),
        )
        figures.append(
            {
                "questions_in_the_last_minute": rate,
                "counts": counts,
                "check_ms": check,
                "reference_ms": before,
                "ratio": round(check / before, 3) if before else None,
            }
        )
    return figures


async def benchmark(rates: Sequence[int], url: str) -> list[dict[str, Any]]:
    """The figures over the (empty) database at `url`."""
    database = Database(url=url)
    try:
        await database.upgrade()
        async with database.engine.begin() as connection:
            return await connection.run_sync(measure, rates)
    finally:
        await database.dispose()


def main(argv: Sequence[str] | None = None) -> None:
    """Parse the options, run once, print the figures."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rates", type=int, nargs="+", default=[60, 1_000, 12_000])
    parser.add_argument("--postgres", metavar="URL", help="a PostgreSQL on this machine")
    parser.add_argument("--json", action="store_true", help="one JSON array")
    args = parser.parse_args(argv)
    with (
        tempfile.TemporaryDirectory() as folder,
        database_url(args.postgres, Path(folder)) as url,
    ):
        figures = asyncio.run(benchmark(args.rates, url))
    if args.json:
        print(json.dumps(figures))
        return
    for row in figures:
        print(
            f"{row['questions_in_the_last_minute']:>7} questions in the last minute: check "
            f"{row['check_ms']} ms, reference {row['reference_ms']} ms, "
            f"ratio {row['ratio']} (counts {row['counts']})"
        )


if __name__ == "__main__":
    main()
