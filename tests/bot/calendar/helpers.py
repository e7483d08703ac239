"""Building blocks for calendar tests: a movable clock, events, a recording sender, the UPR
calendar as a Word file."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import docx
from sqlalchemy import select

from bot.calendar.rows import CalendarRow
from bot.calendar.store import store_calendar
from bot.db.engine import Database
from bot.db.models import OutboxMessage
from bot.delivery.payloads import Payload, stored
from bot.messages import ConversationRef
from tests.fakes.clock import FakeClock

CHANNEL = ConversationRef(platform="slack", conversation_id="C-KENYA")


class RecordingSender:
    """A Slack sender that keeps what it was asked to deliver, and when."""

    platform = "slack"

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.sent: list[tuple[datetime, ConversationRef, dict[str, Any]]] = []

    async def send(self, ref: ConversationRef, payload: Payload) -> None:
        self.sent.append((self.clock(), ref, stored(payload)))

    def kinds(self) -> list[str]:
        return [payload["kind"] for _, _, payload in self.sent]


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def event(
    event_id: str,
    start: date | None,
    *,
    country: str = "KEN",
    mechanism: str = "UPR",
    event_type: str = "submission_deadline",
    precision: str = "day",
    status: str = "confirmed",
    end: date | None = None,
) -> CalendarRow:
    return CalendarRow(
        event_id=event_id,
        mechanism=mechanism,
        body="UPR Working Group" if mechanism == "UPR" else "CEDAW",
        session="48",
        country=country,
        event_type=event_type,
        start_date=start,
        end_date=end,
        date_precision=precision,
        deadline_for="UNCT" if event_type == "submission_deadline" else "",
        status=status,
        source_url=f"https://example.org/{event_id}",
        notes="",
    )


def deadlines(countries: Sequence[str], *, submission: date, visit: date) -> list[CalendarRow]:
    """For each country, a UPR submission deadline and a special rapporteur's visit (each is
    reminded of)."""
    visits = [
        event(f"sp-{c}", visit, country=c, mechanism="SP", event_type="visit") for c in countries
    ]
    return [*[event(f"upr-{c}", submission, country=c) for c in countries], *visits]


def moved(row: CalendarRow, start: date) -> CalendarRow:
    return replace(row, start_date=start, end_date=None)


async def store(database: Database, *rows: CalendarRow) -> None:
    async with database.transaction() as session:
        await store_calendar(session, list(rows))


async def outbox_keys(database: Database) -> list[str]:
    async with database.sessions() as session:
        return list(
            (
                await session.scalars(
                    select(OutboxMessage.idempotency_key).order_by(OutboxMessage.id)
                )
            ).all()
        )


def upr_calendar_docx(rows: list[tuple[str, str, str]], *, title: str = "") -> bytes:
    """A Word file laid out as OHCHR's UPR calendar of reviews: a table of sessions, their
    dates and the States under review (under a title paragraph, when given)."""
    document = docx.Document()
    if title:
        document.add_paragraph(title)
    table = document.add_table(rows=1, cols=3)
    headings = ("Session", "Dates", "States under review")
    for cell, heading in zip(table.rows[0].cells, headings, strict=True):
        cell.text = heading
    for values in rows:
        for cell, value in zip(table.add_row().cells, values, strict=True):
            cell.text = value
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
