"""How current the calendar is, so that the bot never states as a fact what is missing data.

"Nothing is scheduled" is only said of a calendar that holds engagements after the day asked
about and was updated within the year; otherwise the bot says when the calendar was last
updated and how far it reaches, and the moderators are reminded to import a newer one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.calendar.dates import describe_dates
from bot.calendar.wording import phrase
from bot.db.models import CalendarEvent
from bot.delivery import keys as delivery_keys
from bot.delivery.notices import ModeratorNotice
from bot.delivery.payloads import ReplyPayload
from bot.messages import Reply, ReplyKind

STALE_AFTER = timedelta(days=365)
"""An import older than this needs renewing, whatever it holds: the mechanisms publish new
sessions and visits through the year."""


@dataclass(frozen=True, slots=True)
class Freshness:
    """The calendar's last import, the newest source read, and the last date it covers."""

    updated: date | None
    data_as_of: date | None
    reaches: date | None

    def is_stale(self, today: date) -> bool:
        """Empty, holding nothing after `today` (the mechanisms plan a year or two ahead, so a
        calendar without a future engagement is missing data), or not updated for
        STALE_AFTER."""
        if self.updated is None or self.reaches is None:
            return True
        return today - self.updated > STALE_AFTER or self.reaches < today

    def note(self, language: str, *, for_readers: bool = True) -> str:
        """ "The calendar was last updated on 1 December 2026 and holds nothing after March
        2026: …", in the reader's language; `for_readers` adds that the Secretariat has been
        asked for newer dates (not said in what the Secretariat itself writes)."""
        if self.updated is None or self.reaches is None:
            return phrase("calendar_empty", language)
        stale = phrase(
            "calendar_stale",
            language,
            updated=describe_dates(self.updated, None, "day", language),
            reaches=describe_dates(self.reaches, None, "month", language),
        )
        return f"{stale} {phrase('import_asked', language)}" if for_readers else stale


async def calendar_freshness(session: AsyncSession) -> Freshness:
    """The freshness of the whole calendar (one query)."""
    updated, retrieved, last_start, last_end = (
        await session.execute(
            select(
                func.max(CalendarEvent.updated_at),
                func.max(CalendarEvent.source_retrieved),
                func.max(CalendarEvent.start_date),
                func.max(CalendarEvent.end_date),
            )
        )
    ).one()
    reaches = max((d for d in (last_start, last_end) if d is not None), default=None)
    return Freshness(
        updated=updated.date() if updated is not None else None,
        data_as_of=retrieved,
        reaches=reaches,
    )


class ImportReminder(ModeratorNotice):
    """Tells the moderators, once a month while it lasts, that the calendar needs renewing:
    digests and chat replies meanwhile say the calendar is out of date rather than empty."""

    async def queue_if_stale(self) -> bool:
        """Queue this month's reminder when the calendar is stale; True when newly queued."""
        return await self.queue()

    async def compose(
        self, session: AsyncSession, now: datetime
    ) -> tuple[str, ReplyPayload] | None:
        freshness = await calendar_freshness(session)
        if not freshness.is_stale(now.date()):
            return None
        note = freshness.note("en", for_readers=False)
        reply = Reply(kind=ReplyKind.HELP, text=f"🗓️ {note} {IMPORT_HINT}")
        return delivery_keys.calendar_stale(now.date()), ReplyPayload(reply)


IMPORT_HINT = (
    "Moderators: import the latest published dates with `huribot calendar import FILE` "
    "(CSV, XLSX, .ics or an OHCHR page; `--dry-run` shows what would change)."
)
