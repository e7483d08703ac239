"""Analytics benchmark: the dashboard's figures over a year of questions.

`--questions` questions spread over 52 weeks (the bot answers most; a few percent go to the
Secretariat, in groups some of which it answered) go into a temporary SQLite database (or
`--postgres`). Each of the core's analytics functions is timed over 12 and 52 weeks against
a reference measured in the same run: `question_stats`, the all-time figures `huribot
stats` computes by reading every question into Python. Then the analytics page is asked
for, signed in, from the real dashboard on loopback: its time and its size in bytes (what a
slow field connection has to carry), for 12 and 52 weeks, and one CSV's.

    PYTHONPATH=. python -m bench.bench_analytics [--questions 100000] [--postgres URL]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import re
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp.test_utils import TestServer
from sqlalchemy import insert, text

from adapters.logs import configure_logging
from adapters.server import build_web_app
from adapters.wiring.dashboard import dashboard_app
from adapters.wiring.services import open_services
from bot.db.models import Question, QuestionGroup
from bot.questions.analytics import (
    Weeks,
    secretariat_speed,
    top_unanswered,
    volume_by_language,
    volume_by_platform,
    weekly_outcomes,
)
from bot.questions.stats import question_stats
from bot.settings import load_settings

NOW = datetime.now(UTC)
SETUP_TOKEN = "bench-set-up-token-0123456789abcdef"
BATCH = 5000
REPEATS = 5


def questions_and_groups(count: int, rng: random.Random) -> tuple[list[dict[str, Any]], int]:
    """Question rows over 52 weeks, and how many groups they reference (ids 1..n)."""
    rows: list[dict[str, Any]] = []
    groups = 0
    for number in range(count):
        received = NOW - timedelta(days=rng.uniform(0, 364))
        platform = rng.choice(("slack", "slack", "teams"))
        row: dict[str, Any] = {
            "platform": platform,
            "conversation": {"platform": platform, "conversation_id": f"C{number % 300}"},
            "user_id": f"U{number % 5000}",
            "text": f"synthetic question {number}",
            "language": rng.choice(("en", "en", "en", "fr", "es")),
            "received_at": received,
            "status": "answered-by-bot",
            "reply_kind": "answer",
            "feedback": rng.choice((None, None, "helpful", "helpful", "not_helpful")),
            "group_id": None,
        }
        if rng.random() < 0.05:
            if groups == 0 or rng.random() < 0.4:
                groups += 1
            row.update(status="secretariat", reply_kind="abstain", group_id=groups)
        rows.append(row)
    return rows, groups


async def seed(url: str, count: int) -> None:
    rng = random.Random(11)
    rows, groups = questions_and_groups(count, rng)
    group_rows = []
    for group in range(1, groups + 1):
        created = NOW - timedelta(days=rng.uniform(0, 364))
        answered = created + timedelta(hours=rng.uniform(2, 200))
        closed = answered < NOW and rng.random() < 0.8
        group_rows.append(
            {
                "id": group,
                "status": "answered" if closed else "open",
                "title": f"synthetic group {group}",
                "created_at": created,
                "updated_at": answered if closed else created,
                "answered_at": answered if closed else None,
            }
        )
    statuses = {g["id"]: g["status"] for g in group_rows}
    for row in rows:
        if row["group_id"] is not None:
            row["status"] = statuses[row["group_id"]]
    settings = load_settings({"HURIBOT_DATABASE_URL": url})
    async with open_services(settings) as services:
        async with services.database.transaction() as session:
            await session.execute(insert(QuestionGroup), group_rows)
            for start in range(0, len(rows), BATCH):
                await session.execute(insert(Question), rows[start : start + BATCH])
        async with services.database.transaction() as session:
            await session.execute(text("ANALYZE"))  # as autovacuum would have by then
    print(f"{count} questions, {groups} groups for the Secretariat")


async def best_of(work: Callable[[], Awaitable[object]]) -> float:
    """The median of REPEATS runs, in seconds."""
    times = []
    for _ in range(REPEATS):
        began = time.perf_counter()
        await work()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


async def core(url: str) -> None:
    """Each analytics function against `question_stats`, on the same database."""
    async with open_services(load_settings({"HURIBOT_DATABASE_URL": url})) as services:
        sessions = services.database.sessions
        glossary = services.answerer.planner.glossary

        async def reference() -> None:
            async with sessions() as session:
                await question_stats(session, now=NOW, glossary=glossary)

        baseline = await best_of(reference)
        print(f"{'question_stats (reference, all time)':<44} {baseline * 1000:9.1f} ms   1.00")
        for weeks_count in (12, 52):
            weeks = Weeks.ending_at(NOW, weeks_count)
            for figures in (
                weekly_outcomes,
                secretariat_speed,
                top_unanswered,
                volume_by_language,
                volume_by_platform,
            ):

                async def measured(figures: Any = figures, weeks: Weeks = weeks) -> None:
                    async with sessions() as session:
                        await figures(session, weeks)

                seconds = await best_of(measured)
                label = f"{figures.__name__} ({weeks_count} weeks)"
                print(f"{label:<44} {seconds * 1000:9.1f} ms   {seconds / baseline:.2f}")


async def page(url: str) -> None:
    """The analytics page and a CSV through the real dashboard, signed in."""
    port_settings = {
        "HURIBOT_DATABASE_URL": url,
        "HURIBOT_DASHBOARD_URL": "http://127.0.0.1:8471",
        "HURIBOT_DASHBOARD_ADMIN_TOKEN": SETUP_TOKEN,
    }
    async with open_services(load_settings(port_settings)) as services:
        app = build_web_app(database=services.database, dashboard=dashboard_app(services))
        origin = "http://127.0.0.1:8471"
        jar = aiohttp.CookieJar(unsafe=True, treat_as_secure_origin=[origin])
        async with (
            TestServer(app, host="127.0.0.1", port=8471),
            aiohttp.ClientSession(base_url=origin, cookie_jar=jar) as http,
        ):
            form = await (await http.get("/dashboard/sign-in")).text()
            token = re.search(r'name="csrf_token" value="([^"]+)"', form)
            assert token is not None
            signed_in = await http.post(
                "/dashboard/sign-in/setup",
                data={"token": SETUP_TOKEN, "csrf_token": token.group(1)},
                headers={"Origin": origin},
                allow_redirects=False,
            )
            assert signed_in.status == 303, await signed_in.text()
            for path in (
                "/dashboard/analytics?weeks=12",
                "/dashboard/analytics?weeks=52",
                "/dashboard/analytics/questions-per-week.csv?weeks=52",
            ):
                sizes = []

                async def fetch(path: str = path, sizes: list[int] = sizes) -> None:
                    response = await http.get(path)
                    assert response.status == 200, response.status
                    sizes.append(len(await response.read()))

                seconds = await best_of(fetch)
                print(f"GET {path:<48} {seconds * 1000:7.1f} ms {sizes[-1]:8d} bytes")


async def run(url: str, count: int) -> None:
    await seed(url, count)
    await core(url)
    await page(url)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=100_000)
    parser.add_argument("--postgres", help="a PostgreSQL URL (default: a temporary SQLite file)")
    args = parser.parse_args()
    configure_logging(level="WARNING", fmt="console")
    with tempfile.TemporaryDirectory() as folder:
        url = args.postgres or f"sqlite:///{Path(folder) / 'bench.db'}"
        asyncio.run(run(url, args.questions))


if __name__ == "__main__":
    main()
