"""The calendar as moderators browse it: a month holds every event touching it (one that
began before it included), undated events come last and only without a month, pages are
bounded, and the letter is addressed to the UNCT registered for the country."""

from __future__ import annotations

from datetime import date

from bot.calendar.browse import CalendarBrowser, month_bounds
from bot.calendar.subscriptions import Subscriptions
from bot.db.engine import Database
from tests.bot.calendar.helpers import event, store


def test_a_month_runs_from_its_first_to_its_last_day() -> None:
    assert month_bounds(date(2027, 2, 14)) == (date(2027, 2, 1), date(2027, 2, 28))
    assert month_bounds(date(2028, 2, 1)) == (date(2028, 2, 1), date(2028, 2, 29))
    assert month_bounds(date(2027, 12, 31)) == (date(2027, 12, 1), date(2027, 12, 31))


async def test_events_touching_a_month_a_page_at_a_time(database: Database) -> None:
    await store(
        database,
        event("spans", date(2027, 1, 25), end=date(2027, 2, 3), event_type="review"),
        event("inside", date(2027, 2, 10)),
        event("after", date(2027, 3, 1)),
        event("undated", None, precision="unknown", status="tentative"),
        event("elsewhere", date(2027, 2, 10), country="UGA"),
    )
    browser = CalendarBrowser(database=database, subscriptions=Subscriptions(database=database))

    async def ids(country: str | None, month: date | None) -> list[str]:
        found = await browser.events(country=country, month=month, language="en")
        return [view.event_id for view in found.events]

    assert await ids(country="KEN", month=date(2027, 2, 1)) == ["spans", "inside"]
    assert await ids(country="KEN", month=None) == ["spans", "inside", "after", "undated"]
    assert await ids(country=None, month=date(2027, 2, 1)) == ["spans", "elsewhere", "inside"]
    second = await browser.events(country="KEN", month=None, language="fr", page=2, per_page=3)
    assert (second.total, second.pages) == (4, 2)
    assert [view.event_id for view in second.events] == ["undated"]
    beyond = await browser.events(country="KEN", month=None, language="en", page=9, per_page=3)
    assert beyond.page == 2 and [view.event_id for view in beyond.events] == ["undated"]
    assert await browser.countries() == ["KEN", "UGA"]


async def test_the_letter_is_addressed_to_the_unct_registered_for_the_country(
    database: Database,
) -> None:
    await store(database, event("review", date(2027, 5, 4), event_type="review"))
    subscriptions = Subscriptions(database=database)
    await subscriptions.set_unct("UNCT Kenya", ["KEN"], actor="cli:ops")
    browser = CalendarBrowser(database=database, subscriptions=subscriptions)
    letter = await browser.letter("KEN", 2027, language="en", as_of=date(2026, 12, 1))
    assert "UNCT Kenya" in letter.addressee and letter.sections
    other = await browser.letter("KEN", 2027, language="en", as_of=date(2026, 12, 1), unct="X")
    assert "X" in other.addressee and "UNCT Kenya" not in other.addressee
