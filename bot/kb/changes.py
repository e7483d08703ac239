"""The knowledge base's change log: written in the transaction of each change, read by every
bot process to update its own index for just the items changed elsewhere.

Ids come from a sequence, so a change committed late can carry a smaller id than one already
read (two moderators answering at once on two replicas). Each process therefore re-reads the
last `TAIL` ids on every poll and applies those it has not applied yet; a change would be
missed only if `TAIL` others committed while its transaction stayed open.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import KnowledgeChange

REPLY = "reply"
DOCUMENT = "document"
TAIL = 500


def record_changes(
    session: AsyncSession,
    *,
    replies: Iterable[str] = (),
    documents: Iterable[str] = (),
    now: datetime,
) -> list[KnowledgeChange]:
    """Log, in the caller's transaction, that these replies and documents changed; their ids
    are set once the session flushes."""
    rows = [KnowledgeChange(kind=REPLY, item=slug, at=now) for slug in dict.fromkeys(replies)]
    rows += [KnowledgeChange(kind=DOCUMENT, item=slug, at=now) for slug in dict.fromkeys(documents)]
    session.add_all(rows)
    return rows


@dataclass(frozen=True, slots=True)
class Changed:
    """The items some changes touched, to reload from the database."""

    ids: frozenset[int]
    replies: tuple[str, ...]
    documents: tuple[str, ...]


@dataclass(slots=True)
class ChangeFeed:
    """Which changes one process's index reflects: the newest id, and those applied among
    the last `TAIL` (a late commit below the newest is still found)."""

    newest: int = 0
    applied: set[int] = field(default_factory=set)

    async def start(self, session: AsyncSession) -> None:
        """Before the index is built from the database: the changes it will reflect. A
        change is committed with the data it logs, so every change visible now is in what is
        read next; one committed later is not marked, and the first poll finds it."""
        self.newest = int(await session.scalar(select(func.max(KnowledgeChange.id))) or 0)
        tail = await session.scalars(
            select(KnowledgeChange.id).where(KnowledgeChange.id > self.newest - TAIL)
        )
        self.applied = set(tail)

    async def unseen(self, session: AsyncSession) -> Changed | None:
        """The changes not applied yet, or None."""
        rows: Sequence[KnowledgeChange] = (
            await session.scalars(
                select(KnowledgeChange)
                .where(KnowledgeChange.id > self.newest - TAIL)
                .order_by(KnowledgeChange.id)
            )
        ).all()
        fresh = [row for row in rows if row.id not in self.applied]
        if not fresh:
            return None
        return Changed(
            ids=frozenset(row.id for row in fresh),
            replies=tuple(dict.fromkeys(r.item for r in fresh if r.kind == REPLY)),
            documents=tuple(dict.fromkeys(r.item for r in fresh if r.kind == DOCUMENT)),
        )

    def resume(self, newest: int, applied: Iterable[int]) -> None:
        """Take up where an index snapshot left off: the changes it reflected."""
        self.newest = newest
        self.applied = set(applied)

    def mark(self, ids: Iterable[int]) -> None:
        """Note changes as applied (including this process's own)."""
        self.applied.update(ids)
        self.newest = max(self.newest, *self.applied) if self.applied else self.newest
        self.applied = {i for i in self.applied if i > self.newest - TAIL}


async def change_time(session: AsyncSession, change_id: int) -> str | None:
    """When a change was logged (None when no change has this id): with its id, this tells
    one database's change log from another's."""
    at = await session.scalar(select(KnowledgeChange.at).where(KnowledgeChange.id == change_id))
    return at.isoformat() if at is not None else None
