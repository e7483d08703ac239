"""`huribot queue`, `huribot privacy` and `huribot stats` on a real database."""

from __future__ import annotations

import asyncio
import csv
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from adapters.cli.main import app
from adapters.wiring.services import open_services
from bot.db.models import OutboxMessage, Question
from bot.messages import ConversationRef, IncomingMessage
from bot.settings import load_settings

runner = CliRunner()


def invoke(url: str, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args), env={"HURIBOT_DATABASE_URL": url, "COLUMNS": "200"})
    return result.exit_code, result.output


async def ask(url: str, text: str, *, user: str, thread: str, days_ago: int = 0) -> int:
    when = datetime.now(UTC) - timedelta(days=days_ago)
    async with open_services(load_settings({"HURIBOT_DATABASE_URL": url})) as services:
        ref = ConversationRef(platform="slack", conversation_id="CGEN", thread_id=thread)
        message = IncomingMessage(ref=ref, user_id=user, text=text, received_at=when)
        received = await services.intake.receive(message, event_key=f"slack:{thread}")
        assert received is not None
        await services.intake.delivered(received, await services.intake.respond(received))
        return received.question_id


async def count(url: str, model: type, **where: object) -> int:
    settings = load_settings({"HURIBOT_DATABASE_URL": url})
    query = select(func.count()).select_from(model)
    for name, value in where.items():
        query = query.where(getattr(model, name) == value)
    async with (
        open_services(settings, load_index=False) as services,
        services.database.sessions() as session,
    ):
        return int(await session.scalar(query) or 0)


async def alt_titles(url: str, reply_id: str) -> tuple[str, ...]:
    settings = load_settings({"HURIBOT_DATABASE_URL": url})
    async with open_services(settings, load_index=False) as services:
        doc = await services.knowledge.lookup(reply_id)
        assert doc is not None
        return doc.alt_titles


@pytest.fixture
def url(tmp_path: Path) -> str:
    database = f"sqlite:///{tmp_path / 'queue.db'}"
    assert invoke(database, "ingest", "--sample")[0] == 0
    asyncio.run(ask(database, "What is the per diem rate in Nairobi?", user="U1", thread="1.1"))
    asyncio.run(ask(database, "per diem rates for Nairobi missions?", user="U2", thread="2.2"))
    asyncio.run(
        ask(database, "How do I book flights through Umoja travel?", user="U1", thread="3.3")
    )
    return database


def test_queue_lists_groups_and_shows_every_wording(url: str) -> None:
    code, listing = invoke(url, "queue", "list")
    assert code == 0
    assert "per diem" in listing and "Umoja travel" in listing
    code, shown = invoke(url, "queue", "show", "1")
    assert code == 0
    assert "1. What is the per diem rate in Nairobi?" in shown  # numbered for --alt-question
    assert "2. per diem rates for Nairobi missions?" in shown
    assert "2 asked" in shown


def answer_group_one(url: str, *options: str) -> tuple[int, str]:
    """`huribot queue answer 1` with the ICSC answer and the given options."""
    return invoke(
        url, "queue", "answer", "1", "--text", "Rates are published by the ICSC.", *options
    )


def test_answering_from_the_command_line_queues_notifications(url: str) -> None:
    code, output = answer_group_one(
        url,
        "--source",
        "ICSC <https://icsc.un.org/>",
        "--tag",
        "admin",
        "--as",
        "amina",
    )
    assert code == 0, output
    assert "answered as reply q1-" in output
    assert asyncio.run(count(url, OutboxMessage, platform="slack")) >= 2
    code, shown = invoke(url, "queue", "show", "1")
    assert "cli:amina answer" in shown
    code, listing = invoke(url, "queue", "list")
    assert "per diem" not in listing
    code, answered = invoke(url, "ask", "--json", "per diem rate Nairobi")
    assert '"id": "q1-' in answered
    slug = output.split("answered as reply ")[1].split(";")[0]
    assert asyncio.run(alt_titles(url, slug)) == ()  # no asker's wording unless chosen


def test_alternative_questions_are_chosen_by_text_or_number(url: str) -> None:
    code, output = answer_group_one(
        url,
        "--question",
        "What are the per diem rates for Nairobi?",
        "--alt-question",
        "1",
        "--alt-question",
        "per diem rates for Nairobi missions?",
    )
    assert code == 0, output
    slug = output.split("answered as reply ")[1].split(";")[0]
    assert asyncio.run(alt_titles(url, slug)) == (
        "What is the per diem rate in Nairobi?",
        "per diem rates for Nairobi missions?",
    )
    code, shown = invoke(url, "queue", "show", "1")
    assert "answer (alternative questions kept: What is the per diem rate in Nairobi?;" in shown


def test_a_wording_not_asked_in_the_group_is_refused_by_name(url: str) -> None:
    for command in (["answer", "1", "--text", "x"], ["link", "1", "hrba-overview"]):
        code, output = invoke(
            url, "queue", *command, "--alt-question", "what is the weather in Nairobi"
        )
        assert code == 2, output
        assert "what is the weather in Nairobi" in output and "queue show 1" in output
        assert len(output.strip().splitlines()) == 1
        code, output = invoke(url, "queue", *command, "--alt-question", "3")
        assert code == 2 and "“3”" in output
    code, listing = invoke(url, "queue", "list")
    assert "per diem" in listing  # nothing was answered


def test_bad_queue_input_gets_an_actionable_error(url: str) -> None:
    assert invoke(url, "queue", "answer", "1")[0] == 2
    code, output = invoke(url, "queue", "answer", "1", "--text", "x", "--source", "no url")
    assert code == 2 and "Title <https://" in output
    code, output = invoke(url, "queue", "show", "99")
    assert code == 1 and "queue list" in output
    code, output = invoke(url, "queue", "list", "--status", "pending")
    assert code == 2 and "open, assigned" in output


def test_dismiss_link_and_export(url: str, tmp_path: Path) -> None:
    before = asyncio.run(alt_titles(url, "hrba-overview"))
    assert invoke(url, "queue", "dismiss", "2")[0] == 0
    code, output = invoke(url, "queue", "link", "1", "hrba-overview", "--alt-question", "2")
    assert code == 0, output
    added = asyncio.run(alt_titles(url, "hrba-overview"))
    assert added == (*before, "per diem rates for Nairobi missions?")
    target = tmp_path / "questions.csv"
    code, _ = invoke(url, "queue", "export", "--output", str(target))
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert {r["status"] for r in rows} == {"answered", "dismissed"}
    assert "U1" not in target.read_text(encoding="utf-8")


def test_forgetting_a_member_leaves_nothing_of_them(url: str) -> None:
    code, output = invoke(url, "privacy", "forget", "U1")
    assert code == 0 and "Forgot 2 question(s)" in output
    assert asyncio.run(count(url, Question, user_id="U1")) == 0
    assert asyncio.run(count(url, Question, user_id="U2")) == 1
    code, shown = invoke(url, "queue", "show", "1")
    assert "What is the per diem rate in Nairobi?" not in shown
    assert "per diem rates for Nairobi missions?" in shown


def test_retention_purge_removes_old_questions(tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path / 'old.db'}"
    assert invoke(database, "ingest", "--sample")[0] == 0
    asyncio.run(ask(database, "old question about per diem", user="U1", thread="1", days_ago=800))
    asyncio.run(ask(database, "new question about per diem", user="U1", thread="2"))
    code, output = invoke(database, "privacy", "purge")
    assert code == 0 and "Purged 1 question(s)" in output
    assert asyncio.run(count(database, Question)) == 1


def test_stats_report_questions(url: str) -> None:
    code, output = invoke(url, "stats")
    assert code == 0
    assert "questions (all time)" in output and "open question groups" in output
    assert "unanswered topic" in output


def test_the_export_never_hands_a_spreadsheet_a_formula(tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path / 'formula.db'}"
    assert invoke(database, "ingest", "--sample")[0] == 0
    hostile = ['=HYPERLINK("https://evil.example","per diem")', "+1+cmd|' /C calc'!A0", "@SUM(A1)"]
    for n, text in enumerate(hostile):
        asyncio.run(ask(database, text, user="U9", thread=f"9.{n}"))
    target = tmp_path / "questions.csv"
    assert invoke(database, "queue", "export", "--output", str(target))[0] == 0
    exported = [r["question"] for r in csv.DictReader(io.StringIO(target.read_text("utf-8")))]
    assert exported == [f"'{text}" for text in hostile]


def test_import_problems_print_as_written_not_as_markup(tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path / 'markup.db'}"
    broken = tmp_path / "calendar.csv"
    broken.write_text(
        "event_id,mechanism,body,country_iso3,event_type,start_date,end_date,date_precision,status\n"
        "x-1,UPR,WG,[blink]UPR[/blink],review,2027-01-20,,day,tentative\n",
        encoding="utf-8",
    )
    code, output = invoke(database, "calendar", "import", str(broken))
    assert code == 1 and "[blink]UPR[/blink]" in output


def test_a_member_can_have_everything_logged_about_them_exported(url: str) -> None:
    result = runner.invoke(
        app, ["privacy", "export", "U1"], env={"HURIBOT_DATABASE_URL": url, "COLUMNS": "200"}
    )
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert record["user_id"] == "U1"
    assert [q["text"] for q in record["questions"]] == [
        "What is the per diem rate in Nairobi?",
        "How do I book flights through Umoja travel?",
    ]
    assert all(q["platform"] == "slack" and q["status"] for q in record["questions"])
    assert "per diem rates for Nairobi missions?" not in result.stdout  # U2's question
