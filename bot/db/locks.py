"""Work that one bot process at a time may do: a decision read from the database and then
written to it, which two processes doing it at once would both take on what each read
before the other wrote (replicas, answer workers).

On PostgreSQL a transaction-scoped advisory lock serializes it: taken first in the
transaction, released at its end, so the second process reads what the first committed.
SQLite is one machine's file, whose writers queue on the file itself.
"""

from __future__ import annotations

from enum import IntEnum

from sqlalchemy import text
from sqlalchemy.orm import Session


class Lock(IntEnum):
    """The advisory locks' keys, one per kind of work (unique across the bot)."""

    GROUPING = 1_700_001
    """Putting an open question in a group, or a new one."""


def hold(session: Session, lock: Lock) -> None:
    """Wait until no other process holds `lock`, then hold it to the end of the session's
    transaction."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": int(lock)})
