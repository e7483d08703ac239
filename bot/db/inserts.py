"""INSERT ... ON CONFLICT DO NOTHING, in the dialect of the database: a row that a retry, or
another process at the same moment, inserted first is skipped instead of failing the whole
transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Insert
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert


def insert_unless_present(dialect: str, table: Any, unique: Any) -> Insert:
    """An INSERT into `table` (a model or a table) that skips rows whose `unique` column
    value exists, for `dialect` ('sqlite' or 'postgresql')."""
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    return insert(table).on_conflict_do_nothing(index_elements=[unique])
