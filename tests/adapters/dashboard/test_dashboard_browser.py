"""The dashboard in a real browser: Debian's Chromium, headless, driven by Playwright (its
Python package, pointed at Chromium's executable: nothing is downloaded), against `huribot
serve` as a process, with the fake identity provider and the fake Slack Web API.

A moderator signs in and answers, and the askers are notified at the fake Slack API; a
non-moderator is refused; a moderator on a phone, in French, answers with the keyboard
alone; a moderator edits a consolidated reply, reads what the edit changed, and retires
it. Every test saves screenshots of its pages in tests/artifacts/dashboard/ (or
$HURIBOT_TEST_ARTIFACTS/dashboard/). Without Chromium or Playwright the tests are skipped
(`make test` installs both), except in CI, where their absence fails them.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

try:
    from playwright.async_api import async_playwright, expect
except ImportError:  # the tests then skip, or fail in CI (chromium_path)
    async_playwright = expect = None

from adapters.wiring.services import open_services
from bot.messages import ConversationRef
from bot.settings import load_settings
from tests.adapters.dashboard.analytics_data import CHARTS, STILL_OPEN, ask_over_weeks
from tests.adapters.dashboard.calendar_data import UNCT_KENYA, seed_calendar
from tests.adapters.dashboard.conftest import MEMBER, MODERATOR, ask, settings_for
from tests.fakes.identity_provider import FakeIdentityProvider
from tests.fakes.slack_api import Call, FakeSlackAPI
from tests.processes import BOOT_SECONDS, free_port, huribot, serving

ROOT = Path(__file__).resolve().parents[3]
ARTIFACTS = Path(os.environ.get("HURIBOT_TEST_ARTIFACTS", ROOT / "tests" / "artifacts"))
SCREENSHOTS = ARTIFACTS / "dashboard"
STEP_MS = 30_000
"""The most any one step may take: each waits on what the page shows, never on a delay."""
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"]
PER_DIEM = "What is the per diem rate in Nairobi?"
PER_DIEM_AGAIN = "per diem rates for Nairobi missions?"
TRAVEL = "How do I book flights through Umoja travel?"
KENYA = "CKEN"
UGANDA = "CUGA"


def chromium_path() -> str:
    """Debian's Chromium and Playwright for Python, installed by `make test`; without them
    the tests are skipped, except in CI, where their absence is a failure."""
    chromium = shutil.which("chromium")
    missing = [] if chromium else ["chromium (`make e2e-tools`)"]
    if async_playwright is None:
        missing.append("playwright (the dev extra: `make install`)")
    if missing or chromium is None:
        reason = f"not installed: {', '.join(missing)}"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return chromium


@dataclass
class Served:
    """`huribot serve` with the dashboard on, and what it talks to."""

    url: str
    slack: FakeSlackAPI
    idp: FakeIdentityProvider

    async def notified(self, count: int) -> list[Call]:
        """The answers posted to askers' threads in Slack, once `count` have arrived."""
        await self.slack.wait_until(
            lambda calls: len(_thread_posts(calls)) >= count,
            timeout=BOOT_SECONDS,
            expected=f"{count} answer(s) posted in askers' threads",
        )
        return _thread_posts(self.slack.calls)


def _thread_posts(calls: list[Call]) -> list[Call]:
    return [c for c in calls if c.method == "chat.postMessage" and c.params.get("thread_ts")]


async def seed(url: str) -> None:
    """Two open groups: per diem, asked twice in Kenya's channel, and travel, in Uganda's."""
    async with open_services(load_settings({"HURIBOT_DATABASE_URL": url})) as services:
        for channel, country in ((KENYA, "KEN"), (UGANDA, "UGA")):
            ref = ConversationRef(platform="slack", conversation_id=channel)
            await services.subscriptions.subscribe(ref, [country], actor="cli:ops")
        await ask(services, PER_DIEM, user="U1", key="1.1", conversation=KENYA, days_ago=2)
        await ask(services, PER_DIEM_AGAIN, user="U2", key="2.2", conversation=KENYA)
        await ask(services, TRAVEL, user="U3", key="3.3", conversation=UGANDA, days_ago=5)


Seeding = Callable[[str], Awaitable[None]]


@pytest.fixture
async def served(tmp_path: Path, sample_database: Path) -> AsyncIterator[Served]:
    async with serving_dashboard(tmp_path, sample_database, seed) as running:
        yield running


@asynccontextmanager
async def serving_dashboard(
    tmp_path: Path, sample_database: Path, seeding: Seeding
) -> AsyncIterator[Served]:
    """`huribot serve` over a copy of the sample database, once `seeding` wrote to it."""
    database = tmp_path / "huribot.db"
    shutil.copyfile(sample_database, database)
    url = f"sqlite:///{database}"
    await seeding(url)
    port = free_port()
    origin = f"http://127.0.0.1:{port}"
    async with FakeSlackAPI() as slack, FakeIdentityProvider("entra") as idp:
        idp.redirect_uris.add(f"{origin}/dashboard/auth/entra/callback")
        dashboard = settings_for(url, origin, idp)
        async with huribot("serve", url=url, slack_api=slack.url, extra=dashboard, port=port):
            await serving(port)
            yield Served(url=origin, slack=slack, idp=idp)


@pytest.fixture
async def browser() -> AsyncIterator[Any]:
    executable = chromium_path()
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_FLAGS
        )
        try:
            yield launched
        finally:
            await launched.close()


async def screenshot(page: Any, name: str) -> None:
    """The page as it stands, whole, in the artifacts folder."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


async def new_page(browser: Any, **options: Any) -> Any:
    context = await browser.new_context(**options)
    context.set_default_timeout(STEP_MS)
    return await context.new_page()


async def test_a_moderator_signs_in_answers_and_every_asker_is_notified_in_slack(
    served: Served, browser: Any
) -> None:
    served.idp.signs_in = MODERATOR
    page = await new_page(browser, viewport={"width": 1280, "height": 900}, locale="en-GB")
    await page.goto(f"{served.url}/dashboard/")
    await expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    await screenshot(page, "sign-in")

    await page.get_by_role("link", name="Sign in with Microsoft").click()
    await expect(page.get_by_role("heading", name="Questions waiting")).to_be_visible()
    await expect(page.get_by_text("Signed in as Amina Diallo")).to_be_visible()
    await expect(page.locator("table.queue")).to_contain_text("Kenya")
    await screenshot(page, "queue")

    await page.get_by_role("link", name=PER_DIEM).click()
    await expect(page.get_by_role("heading", name="The bot's best candidates")).to_be_visible()
    await page.get_by_label("Answer, in Markdown").fill(
        "Per diem rates are set by the **ICSC**: see the current DSA circular."
    )
    await expect(page.locator("#preview strong")).to_have_text("ICSC")  # the live preview
    await page.get_by_label("Tags, separated by commas").fill("admin, travel")
    await page.get_by_role("checkbox", name=PER_DIEM_AGAIN).check()
    await screenshot(page, "group")

    await page.get_by_role("button", name="Send the answer to 2 askers").click()
    await expect(page.get_by_role("status")).to_contain_text("is answered")
    await expect(page.locator("table.queue")).not_to_contain_text(PER_DIEM)
    await screenshot(page, "answered")

    posts = await served.notified(2)
    assert sorted(p.params["thread_ts"] for p in posts) == ["1.1", "2.2"]
    for post in posts:
        assert post.params["channel"] == KENYA
        assert "The Secretariat has answered your question" in post.params["text"]
        assert "ICSC" in post.params["text"]


async def test_someone_who_is_not_a_moderator_is_refused_and_sees_no_question(
    served: Served, browser: Any
) -> None:
    served.idp.signs_in = MEMBER
    page = await new_page(browser, viewport={"width": 1280, "height": 800})
    await page.goto(f"{served.url}/dashboard/queue")
    async with page.expect_response(lambda r: "/auth/entra/callback" in r.url) as answered:
        await page.get_by_role("link", name="Sign in with Microsoft").click()
    assert (await answered.value).status == 403
    heading = page.get_by_role("heading", level=1)
    await expect(heading).to_have_text("Only the Secretariat's moderators can use this dashboard")
    await expect(page.get_by_text("You signed in as Jean Dupont")).to_be_visible()
    await screenshot(page, "refused")
    for shown in (PER_DIEM, TRAVEL):
        assert shown not in await page.content()
    await page.goto(f"{served.url}/dashboard/queue")
    await expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    assert TRAVEL not in await page.content()


FocusCheck = Callable[[Any], Awaitable[bool]]


async def tab_to(page: Any, wanted: FocusCheck, *, most: int = 80) -> list[str]:
    """Press Tab until `wanted(focused element)` holds; the accessible names of everything
    focused on the way (each must have one: a control without a name cannot be used)."""
    names: list[str] = []
    for _ in range(most):
        await page.keyboard.press("Tab")
        focused = page.locator("*:focus")
        name = await focused.evaluate(ACCESSIBLE_NAME)
        names.append(name)
        assert name.strip(), f"focused without a name: {await focused.evaluate('e => e.outerHTML')}"
        if await wanted(focused):
            return names
    raise AssertionError(f"not reached with {most} presses of Tab; focused in turn: {names}")


ACCESSIBLE_NAME = """element => {
  const labelled = element.getAttribute("aria-labelledby");
  if (labelled) return document.getElementById(labelled).textContent;
  if (element.labels && element.labels.length) return element.labels[0].textContent;
  return element.getAttribute("aria-label") || element.textContent || element.value || "";
}"""


def with_text(text: str) -> FocusCheck:
    async def check(focused: Any) -> bool:
        return text in str(await focused.evaluate(ACCESSIBLE_NAME))

    return check


def with_id(element_id: str) -> FocusCheck:
    async def check(focused: Any) -> bool:
        return await focused.get_attribute("id") == element_id

    return check


async def test_on_a_phone_in_french_a_moderator_answers_with_the_keyboard_alone(
    served: Served, browser: Any
) -> None:
    served.idp.signs_in = MODERATOR
    page = await new_page(
        browser, viewport={"width": 390, "height": 844}, locale="fr-FR", is_mobile=True
    )
    await page.goto(f"{served.url}/dashboard/")
    await tab_to(page, with_text("Se connecter avec Microsoft"))
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("heading", name="Questions en attente")).to_be_visible()
    assert await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    await screenshot(page, "queue-phone-fr")

    await tab_to(page, with_text(TRAVEL))
    await page.keyboard.press("Enter")
    await expect(
        page.get_by_role("heading", name="Les meilleures propositions du bot")
    ).to_be_attached()
    await tab_to(page, with_id("answer"))
    await page.keyboard.type("Réservez vos vols dans **Umoja**, module Voyages.")
    await expect(page.locator("#preview strong")).to_have_text("Umoja")
    await tab_to(page, with_id("alt-0"))
    await page.keyboard.press("Space")
    await expect(page.locator("#alt-0")).to_be_checked()
    assert await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    await screenshot(page, "group-phone-fr")

    await tab_to(page, with_text("Envoyer la réponse à 1 demandeur"))
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("status")).to_contain_text("a reçu sa réponse")
    [post] = await served.notified(1)
    assert post.params["thread_ts"] == "3.3" and "Umoja" in post.params["text"]


async def seed_weeks(url: str) -> None:
    """Ten weeks of questions, answered by the bot and by the Secretariat."""
    moderator = {"HURIBOT_MODERATORS": f"teams:{MODERATOR.user_id}"}
    async with open_services(load_settings({"HURIBOT_DATABASE_URL": url, **moderator})) as s:
        await ask_over_weeks(s)


@pytest.fixture
async def served_weeks(tmp_path: Path, sample_database: Path) -> AsyncIterator[Served]:
    async with serving_dashboard(tmp_path, sample_database, seed_weeks) as running:
        yield running


async def test_a_moderator_reads_the_analytics_in_charts_a_screen_reader_names(
    served_weeks: Served, browser: Any
) -> None:
    served_weeks.idp.signs_in = MODERATOR
    page = await new_page(browser, viewport={"width": 1280, "height": 900}, locale="en-GB")
    await page.goto(f"{served_weeks.url}/dashboard/analytics")
    await page.get_by_role("link", name="Sign in with Microsoft").click()
    await expect(page.get_by_role("heading", name="How members are served")).to_be_visible()
    for name in CHARTS:
        chart = page.get_by_role("img", name=name, exact=True)
        await expect(chart).to_be_visible()
        await expect(chart).to_have_accessible_description(re.compile(r"Weeks of|largest is"))
    await screenshot(page, "analytics")

    await page.get_by_label("Period").select_option("26")
    await page.get_by_role("button", name="Show").click()
    await expect(page.get_by_label("Period")).to_have_value("26")
    await expect(page.get_by_role("img", name="Questions per week")).to_have_accessible_description(
        re.compile("Highest")
    )
    unanswered = page.get_by_role("region", name="Top unanswered topics")
    async with page.expect_download() as downloading:
        await unanswered.get_by_role("link", name="Download as CSV").click()
    download = await downloading.value
    assert download.suggested_filename.startswith("huribot-top-unanswered-")
    rows = Path(await download.path()).read_text(encoding="utf-8-sig").splitlines()
    assert rows[0] == "group_id,question,askers,first_asked,last_asked"
    most_asked, askers = STILL_OPEN[0]
    assert f",{most_asked},{askers}," in rows[1]

    phone = await new_page(
        browser, viewport={"width": 390, "height": 844}, locale="es-ES", is_mobile=True
    )
    await phone.goto(f"{served_weeks.url}/dashboard/analytics?weeks=52")
    await phone.get_by_role("link", name="Iniciar sesión con Microsoft").click()
    await expect(phone.get_by_role("img", name="Preguntas por semana")).to_be_visible()
    assert await phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    await screenshot(phone, "analytics-phone-es")


async def seed_calendar_at(url: str) -> None:
    """The small calendar of Kenya and Uganda, Kenya's channel subscribed through its UNCT."""
    async with open_services(load_settings({"HURIBOT_DATABASE_URL": url})) as services:
        await seed_calendar(services)


@pytest.fixture
async def served_calendar(tmp_path: Path, sample_database: Path) -> AsyncIterator[Served]:
    async with serving_dashboard(tmp_path, sample_database, seed_calendar_at) as running:
        yield running


async def test_a_moderator_browses_the_calendar_by_country_and_month_and_previews_a_digest(
    served_calendar: Served, browser: Any
) -> None:
    served_calendar.idp.signs_in = MODERATOR
    page = await new_page(browser, viewport={"width": 1280, "height": 900}, locale="en-GB")
    await page.goto(f"{served_calendar.url}/dashboard/calendar")
    await page.get_by_role("link", name="Sign in with Microsoft").click()
    await expect(page.get_by_role("heading", name="Engagements with the human")).to_be_visible()
    await expect(page.get_by_role("link", name="Calendar", exact=True)).to_have_attribute(
        "aria-current", "page"
    )
    await page.get_by_label("Country").select_option("KEN")
    await page.get_by_label("Month").fill("2027-01")
    await page.get_by_role("button", name="Show").click()
    await expect(page.get_by_role("status")).to_have_text("2 engagements found.")
    events = page.locator("table.events")
    await expect(events).to_contain_text("Kenya — UPR: review (session 48)")
    await expect(events).to_contain_text("submission deadline for UNCT")
    await expect(events).not_to_contain_text("CEDAW")
    await expect(events).not_to_contain_text("Uganda")
    await screenshot(page, "calendar-events")

    await page.get_by_role("link", name="Country teams and subscriptions").click()
    await expect(page.get_by_role("rowheader", name=UNCT_KENYA)).to_be_visible()
    await tab_to(page, with_id("unct-1"))  # every control on the way has a name
    await page.keyboard.press("End")  # Tab selected "KEN": keep it
    await page.keyboard.type(", Uganda")
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("status")).to_have_text("The countries of UNCT Kenya are saved.")
    await expect(page.get_by_role("row", name=re.compile("^UNCT Kenya"))).to_contain_text("Uganda")
    await screenshot(page, "calendar-teams")
    await page.get_by_role("link", name=re.compile("Preview the digest")).click()
    await page.get_by_label("Day", exact=True).fill("2026-12-15")
    await page.get_by_role("button", name="Preview").click()
    digest = page.get_by_role("article", name=re.compile("Kenya"))
    await expect(digest).to_contain_text("Universal Periodic Review")
    await expect(digest).to_contain_text("Kenya — CEDAW: review (session 95)")
    await expect(page.get_by_label("Day", exact=True)).to_have_value("2026-12-15")
    await screenshot(page, "calendar-digest")

    phone = await new_page(
        browser, viewport={"width": 390, "height": 844}, locale="es-ES", is_mobile=True
    )
    await phone.goto(f"{served_calendar.url}/dashboard/calendar?country=KEN")
    await phone.get_by_role("link", name="Iniciar sesión con Microsoft").click()
    await expect(phone.get_by_role("status")).to_have_text("3 compromisos encontrados.")
    await tab_to(phone, with_id("month"))  # every control on the way has a name
    await phone.get_by_label("Mes").fill("2027-01")
    await phone.get_by_label("Mes").press("Enter")  # Enter in a field sends its form
    await expect(phone.get_by_role("status")).to_have_text("2 compromisos encontrados.")
    assert await phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    await screenshot(phone, "calendar-events-phone-es")


async def test_a_moderator_edits_a_reply_sees_the_changes_and_retires_it(
    served: Served, browser: Any
) -> None:
    served.idp.signs_in = MODERATOR
    page = await new_page(browser, viewport={"width": 1280, "height": 900}, locale="en-GB")
    await page.goto(f"{served.url}/dashboard/kb")
    await page.get_by_role("link", name="Sign in with Microsoft").click()
    await expect(page.get_by_role("heading", name="Knowledge base", level=1)).to_be_visible()
    await page.get_by_label("Search as the bot does").fill("what is the HRBA?")
    await page.get_by_role("button", name="Search").click()
    await expect(page.locator("ol.hits")).to_contain_text("Terms it holds:")
    await screenshot(page, "kb-search")

    await page.get_by_role("link", name="What is the human rights-based approach").first.click()
    await page.get_by_role("link", name="Edit").click()
    answer = page.get_by_label("Answer, in Markdown")
    stored = await answer.input_value()
    await answer.fill(stored.replace("In short, it", "It **anchors programmes in standards** and"))
    await expect(page.locator("#preview strong").first).to_have_text(
        "anchors programmes in standards"
    )
    names = await tab_to(page, with_id("owner"))  # every field on the way has its label
    assert names[-4:] == ["Tags, separated by commas", "Language", "Status", "Owner"]
    await page.get_by_role("button", name="Save a new version").focus()  # past the dates
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("status")).to_contain_text("saved as a new version")

    await page.get_by_role("link", name="Version 2").click()
    await expect(page.locator(".lines .added")).to_contain_text("anchors programmes in standards")
    await expect(page.locator(".lines .removed")).to_contain_text("In short, it says")
    await expect(page.locator(".lines .same").first).to_be_visible()
    await screenshot(page, "kb-diff")

    await page.get_by_role("link", name="Back to the reply").click()
    await page.get_by_role("link", name="Retire…").click()
    await expect(page.get_by_role("heading", name="Retire “hrba-overview”?")).to_be_visible()
    await page.get_by_role("button", name="Retire the reply").click()
    await expect(page.get_by_role("status")).to_contain_text("The reply is retired")
    await screenshot(page, "kb-retired")

    await page.get_by_role("link", name="Knowledge base", exact=True).first.click()
    await page.get_by_label("Search as the bot does").fill("what is the HRBA?")
    await page.get_by_role("button", name="Search").click()
    await expect(page.locator("ol.hits")).not_to_contain_text("hrba-overview")
