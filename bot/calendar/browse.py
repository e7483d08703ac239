"""The stored calendar as moderators browse it: its events by country and month a page at a
time, the countries it holds, and a country's yearly letter read the way `huribot calendar
overview` reads it (its events, the calendar's freshness, the UNCT covering it)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select

from bot.calendar.dates import describe_dates
from bot.calendar.freshness import calendar_freshness
from bot.calendar.overview import DEFAULT_CONTACT, Letter, build_letter, source_label
from bot.calendar.store import events_for
from bot.calendar.subscriptions import Subscriptions, UnctInfo
from bot.calendar.titles import event_title, who_submits
from bot.calendar.wording import MECHANISM_NAMES, named
from bot.db.engine import Database
from bot.db.models import CalendarEvent

PER_PAGE = 50
"""Events on one page: a country's year fits, the whole calendar does not."""


@dataclass(frozen=True, slots=True)
class EventView:
    """One engagement as read, in the reader's language (dates never more precise than
    published); `mechanism` and `status` stay codes for the reader to name."""

    event_id: str
    start: date | None
    dates: str
    country: str
    mechanism: str
    mechanism_name: str
    title: str
    status: str
    deadline_for: str
    source_url: str
    source_label: str


def event_view(event: CalendarEvent, language: str) -> EventView:
    """The frozen view of a stored event, worded in `language`."""
    return EventView(
        event_id=event.event_id,
        start=event.start_date,
        dates=describe_dates(event.start_date, event.end_date, event.date_precision, language),
        country=event.country,
        mechanism=event.mechanism,
        mechanism_name=named(MECHANISM_NAMES, event.mechanism, language),
        title=event_title(event, language),
        status=event.status,
        deadline_for=who_submits(event.deadline_for, language) if event.deadline_for else "",
        source_url=event.source_url,
        source_label=source_label(event.source_url) if event.source_url else "",
    )


@dataclass(frozen=True, slots=True)
class EventPage:
    """One page of the events matching a filter, and how many match in all."""

    events: tuple[EventView, ...]
    total: int
    page: int
    per_page: int = PER_PAGE

    @property
    def pages(self) -> int:
        """How many pages the matching events fill."""
        return page_count(self.total, self.per_page)


def page_count(total: int, per_page: int) -> int:
    """How many pages `total` events fill, `per_page` to a page (at least one, even empty)."""
    return max(1, -(-total // per_page))


def month_bounds(month: date) -> tuple[date, date]:
    """The first and last day of the month `month` falls in."""
    first = month.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following - timedelta(days=1)


def team_of(uncts: Sequence[UnctInfo], country: str) -> str:
    """The name of the first registered UNCT covering the country, or ""."""
    return next((unct.name for unct in uncts if country in unct.countries), "")


class CalendarBrowser:
    """Reads the stored calendar for the moderators' pages."""

    def __init__(self, *, database: Database, subscriptions: Subscriptions) -> None:
        self._database = database
        self._subscriptions = subscriptions

    async def events(
        self,
        *,
        country: str | None,
        month: date | None,
        language: str,
        page: int = 1,
        per_page: int = PER_PAGE,
    ) -> EventPage:
        """The events of one country (or all) touching one month (or any time), by date
        (undated last; a month shows only the dated), the `page`th `per_page` of them (the
        last page when there are fewer), worded in `language`."""
        query = select(CalendarEvent)
        if country is not None:
            query = query.where(CalendarEvent.country == country)
        if month is not None:
            first, last = month_bounds(month)
            ends = func.coalesce(CalendarEvent.end_date, CalendarEvent.start_date)
            query = query.where(CalendarEvent.start_date <= last, ends >= first)
        async with self._database.sessions() as session:
            total = int(
                await session.scalar(select(func.count()).select_from(query.subquery())) or 0
            )
            page = min(max(1, page), page_count(total, per_page))  # never past the last
            found = await session.scalars(
                query.order_by(
                    CalendarEvent.start_date.is_(None),
                    CalendarEvent.start_date,
                    CalendarEvent.event_id,
                )
                .offset((page - 1) * per_page)
                .limit(per_page)
            )
            views = tuple(event_view(event, language) for event in found.all())
        return EventPage(views, total, page, per_page)

    async def countries(self) -> list[str]:
        """The codes of the countries the calendar has events of, sorted."""
        async with self._database.sessions() as session:
            found = await session.scalars(
                select(CalendarEvent.country).distinct().order_by(CalendarEvent.country)
            )
            return list(found.all())

    async def letter(
        self,
        country: str,
        year: int,
        *,
        language: str,
        as_of: date,
        unct: str = "",
        contact: str = DEFAULT_CONTACT,
    ) -> Letter:
        """The yearly letter to the country's Resident Coordinator, addressed to `unct` (by
        default the UNCT registered for the country)."""
        async with self._database.sessions() as session:
            events = await events_for(session, country)
            freshness = await calendar_freshness(session)
        return build_letter(
            events,
            country=country,
            year=year,
            language=language,
            as_of=as_of,
            unct=unct or team_of(await self._subscriptions.uncts(), country),
            contact=contact,
            freshness=freshness,
        )
