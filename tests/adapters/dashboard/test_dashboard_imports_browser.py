"""The calendar import in a real browser (Debian's Chromium through Playwright, as in
test_dashboard_browser.py, against `huribot serve` as a process): a moderator chooses a
file, reads the preview, confirms, and sees the events imported. Screenshots go to the
same artifacts folder."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

try:
    from playwright.async_api import expect
except ImportError:  # skipped (or failed in CI) by the browser fixture
    expect = None

from adapters.cli.calendar import sample_calendar_text
from adapters.wiring.services import open_services
from bot.calendar.store import events_for
from bot.settings import load_settings
from tests.adapters.dashboard import test_dashboard_browser as browsing
from tests.adapters.dashboard.conftest import MODERATOR

browser = browsing.browser
"""Chromium, launched for each test as the other browser tests launch it (their fixture)."""

CALENDAR = "".join(sample_calendar_text().splitlines(keepends=True)[:6])
"""The sample calendar's comment, header and first four events (Norway's UPR)."""


async def nothing_to_seed(_url: str) -> None:
    """The sample knowledge base and an empty calendar are all the import needs."""


@pytest.fixture
async def served_empty(tmp_path: Path, sample_database: Path) -> AsyncIterator[browsing.Served]:
    async with browsing.serving_dashboard(tmp_path, sample_database, nothing_to_seed) as running:
        yield running


async def test_a_moderator_previews_then_imports_a_calendar_file(
    served_empty: browsing.Served, browser: Any, tmp_path: Path
) -> None:
    calendar_file = tmp_path / "norway-upr.csv"
    calendar_file.write_text(CALENDAR, encoding="utf-8")
    served_empty.idp.signs_in = MODERATOR
    page = await browsing.new_page(browser, viewport={"width": 1280, "height": 900}, locale="en-GB")
    await page.goto(f"{served_empty.url}/dashboard/calendar/import")
    await page.get_by_role("link", name="Sign in with Microsoft").click()
    await expect(page.get_by_role("heading", name="Import calendar events")).to_be_visible()
    await page.get_by_label("Calendar file").set_input_files(str(calendar_file))
    await page.get_by_role("button", name="Preview the import").click()

    await expect(
        page.get_by_role("heading", name="What importing norway-upr.csv would change")
    ).to_be_visible()
    added = page.get_by_role("region", name="Events added (4)")
    await expect(added).to_contain_text("upr-47-NOR-review")
    await expect(added).to_contain_text("Norway — UPR: review (session 47)")
    await browsing.screenshot(page, "calendar-import-preview")
    database = f"sqlite:///{tmp_path / 'huribot.db'}"  # where serving_dashboard keeps it
    assert await stored_events(database) == []  # nothing before the confirmation

    await page.get_by_role("button", name="Import 4 changes").click()
    await expect(page.get_by_role("status")).to_contain_text("4 items were imported.")
    await expect(page.get_by_role("heading", name="Imported from norway-upr.csv")).to_be_visible()
    await browsing.screenshot(page, "calendar-import-done")
    assert await stored_events(database) == sorted(
        line.split(",")[0] for line in CALENDAR.splitlines()[2:]
    )


async def stored_events(url: str) -> list[str]:
    """The ids of the calendar's events, as the server stored them."""
    settings = load_settings({"HURIBOT_DATABASE_URL": url})
    async with open_services(settings) as services, services.database.sessions() as session:
        return sorted(event.event_id for event in await events_for(session, None))
