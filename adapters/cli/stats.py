"""`huribot stats`: the knowledge base's health and how well members are served."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.table import Table

from adapters.cli.common import out, with_services
from bot.clock import system_clock
from bot.kb.stats import knowledge_stats
from bot.questions.stats import question_stats

if TYPE_CHECKING:
    from adapters.wiring.services import Services


def stats() -> None:
    """Replies, documents, overdue reviews; questions per week, answer and helpful rates,
    time to a Secretariat answer, top unanswered topics."""

    async def _work(services: Services) -> None:
        now = system_clock()
        async with services.database.sessions() as session:
            kb = await knowledge_stats(session, today=now.date())
            questions = await question_stats(
                session, now=now, glossary=services.answerer.planner.glossary
            )
        for title, rows in (
            ("Knowledge base", [(name, str(value)) for name, value in kb.rows()]),
            ("Questions", questions.rows()),
        ):
            table = Table("measure", "value", title=title)
            for name, value in rows:
                table.add_row(name, value)
            out.print(table)

    with_services(_work)
