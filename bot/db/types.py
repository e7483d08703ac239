"""Column types that behave the same on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware datetimes, stored as UTC.

    SQLite keeps no time zone, so values are normalised to UTC on the way in and marked UTC
    on the way out; comparisons in queries then agree on both databases.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database: pass a timezone-aware one")
        utc = value.astimezone(UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        result: datetime = value
        return result.replace(tzinfo=UTC) if result.tzinfo is None else result.astimezone(UTC)


MAX_ROW_ID = 2**31 - 1
"""Row ids are 32-bit integers (PostgreSQL's `integer`): a larger number names no row, and
asking the database for one fails instead of finding nothing."""


def row_id(text: object) -> int | None:
    """The row id `text` holds ("12", 12), or None when it holds none: not a whole number,
    not positive, or past what an id column holds."""
    if isinstance(text, bool) or not isinstance(text, str | int):
        return None
    try:
        number = int(text)
    except ValueError:
        return None
    return number if 0 < number <= MAX_ROW_ID else None
