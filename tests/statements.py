"""Counting the SQL statements a piece of code sends: round-trips are what a busy bot pays
for, so tests pin how many an answer takes."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from bot.db.engine import Database


@contextmanager
def statements(database: Database) -> Iterator[list[str]]:
    """The first word (SELECT, UPDATE...) of every statement sent meanwhile, in order."""
    sent: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        sent.append(statement.split(None, 1)[0].upper())

    for engine in database.engines:
        event.listen(engine, "before_cursor_execute", note)
    try:
        yield sent
    finally:
        for engine in database.engines:
            event.remove(engine, "before_cursor_execute", note)
