"""The console adapter drives the real router and renders replies."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from rich.console import Console

from adapters.cli.calendar import sample_calendar_text
from adapters.console.adapter import ConsoleAdapter
from adapters.wiring.services import Services, open_services
from bot.calendar.rows import parse_calendar_csv
from bot.calendar.store import store_calendar
from bot.settings import load_settings
from tests.corpus import SMALL_BATCH


def scripted(lines: list[str]) -> Callable[[str], str]:
    pending = iter(lines)

    def read_line(_prompt: str) -> str:
        try:
            return next(pending)
        except StopIteration:
            raise EOFError from None

    return read_line


async def chat(services: Services, lines: list[str], *, width: int = 100, **options: Any) -> str:
    """What the console shows after `lines` are typed."""
    screen = io.StringIO()
    adapter = ConsoleAdapter(
        intake=services.intake,
        console=Console(file=screen, width=width, color_system=None),
        read_line=scripted(lines),
        user_id="tester",
        **options,
    )
    await adapter.run()
    return screen.getvalue()


async def test_chat_loop_answers_until_quit(tmp_path: object) -> None:
    settings = load_settings({"HURIBOT_DATABASE_URL": f"sqlite:///{tmp_path}/chat.db"})
    screen = io.StringIO()
    async with open_services(settings) as services:
        await services.knowledge.ingest(SMALL_BATCH)
        adapter = ConsoleAdapter(
            intake=services.intake,
            console=Console(file=screen, width=100, color_system=None),
            read_line=scripted(["hello", "what is the human rights-based approach?", "quit", "x"]),
            clock=lambda: datetime(2026, 11, 27, tzinfo=UTC),
            user_id="tester",
        )
        await adapter.run()
    shown = screen.getvalue()
    assert "Ask me anything" in shown
    assert "Secretariat" not in shown
    assert "rights-holders and duty-bearers" in shown
    assert "UNSDG HRBA portal" in shown
    assert "confidence" in shown
    assert shown.rstrip().endswith("Goodbye.")


async def test_chat_commands_work_in_the_console(tmp_path: object) -> None:
    settings = load_settings({"HURIBOT_DATABASE_URL": f"sqlite:///{tmp_path}/commands.db"})
    screen = io.StringIO()
    async with open_services(settings) as services:
        async with services.database.transaction() as session:
            await store_calendar(session, parse_calendar_csv(sample_calendar_text()))
        lines = ["calendar Narnia", "subscribe KEN", "subscriptions", "/quit", "never read"]
        adapter = ConsoleAdapter(
            intake=services.intake,
            console=Console(file=screen, width=200, color_system=None),
            read_line=scripted(lines),
            user_id="tester",
            commands=services.commands,
        )
        await adapter.run()
        assert await services.subscriptions.all() == []
    shown = " ".join(screen.getvalue().split())
    assert "I don't know the country “Narnia”" in shown
    assert "Calendar digests are posted in Slack or Teams" in shown
    assert "This conversation has no calendar subscription" in shown
    assert shown.endswith("Goodbye.")


async def test_a_question_the_bot_cannot_answer_reaches_the_queue_and_the_stats(
    tmp_path: object,
) -> None:
    settings = load_settings({"HURIBOT_DATABASE_URL": f"sqlite:///{tmp_path}/queue.db"})
    async with open_services(settings) as services:
        await services.knowledge.ingest(SMALL_BATCH)
        typed = ["what is the per diem rate in Nairobi for consultants?", "stats"]
        shown = await chat(services, typed, commands=services.commands)
        groups = await services.moderation.groups()
    assert "Secretariat" in shown
    assert [g.group.title for g in groups] == [
        "what is the per diem rate in Nairobi for consultants?"
    ]
    # the operator at the console may read the Secretariat's figures, as at the command line
    assert "only the Secretariat's moderators" not in shown
    assert "questions (all time): 1" in shown and "open question groups: 1" in shown


async def test_help_keeps_its_list_apart_from_the_sentence_after_it(tmp_path: object) -> None:
    settings = load_settings({"HURIBOT_DATABASE_URL": f"sqlite:///{tmp_path}/help.db"})
    async with open_services(settings) as services:
        shown = await chat(services, ["help"])
    lines = [line.strip("│ ") for line in shown.splitlines()]
    assert "When I can't answer, I pass the question to the Secretariat." in lines
