"""`huribot stats`: the size and health of the knowledge base."""

from __future__ import annotations

from datetime import UTC, datetime

from rich.table import Table

from adapters.cli.common import out, with_services
from adapters.composition import Services
from bot.kb_stats import knowledge_stats


def stats() -> None:
    """Counts of replies by status and language, documents, passages, and overdue reviews."""

    async def _work(services: Services) -> None:
        async with services.database.sessions() as session:
            figures = await knowledge_stats(session, today=datetime.now(UTC).date())
        table = Table("measure", "value", title="Knowledge base")
        for name, value in figures.rows():
            table.add_row(name, str(value))
        out.print(table)

    with_services(_work, load_index=False)
