"""The console adapter drives the real router and renders replies."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import UTC, datetime

from rich.console import Console

from adapters.composition import open_services
from adapters.console.adapter import ConsoleAdapter
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


async def test_chat_loop_answers_until_quit(tmp_path: object) -> None:
    settings = load_settings({"HURIBOT_DATABASE_URL": f"sqlite:///{tmp_path}/chat.db"})
    screen = io.StringIO()
    async with open_services(settings) as services:
        await services.knowledge.ingest(SMALL_BATCH)
        adapter = ConsoleAdapter(
            router=services.router,
            console=Console(file=screen, width=100, color_system=None),
            read_line=scripted(["hello", "what is the human rights-based approach?", "quit", "x"]),
            clock=lambda: datetime(2026, 11, 27, tzinfo=UTC),
            user_id="tester",
        )
        await adapter.run()
    shown = screen.getvalue()
    assert "Ask me anything" in shown
    assert "rights-holders and duty-bearers" in shown
    assert "UNSDG HRBA portal" in shown
    assert "confidence" in shown
    assert shown.rstrip().endswith("Goodbye.")
