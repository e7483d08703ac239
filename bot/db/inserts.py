"""INSERT ... ON CONFLICT DO NOTHING, in the dialect of the session's database: a row that a
retry, or another process at the same moment, inserted first is skipped instead of failing the
whole transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute


def insert_unless_present(
    session: AsyncSession, model: type[Any], unique: InstrumentedAttribute[Any]
) -> Any:
    """An INSERT into `model`'s table that skips rows whose `unique` column value exists."""
    dialect = session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    return insert(model).on_conflict_do_nothing(index_elements=[unique])
