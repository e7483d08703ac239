"""The calendar on the dashboard, on SQLite and PostgreSQL, through the same core services
as chat and the command line: events filtered by country and month, a page at a time; the
UNCTs' countries set and subscriptions removed (audited under the moderator's name); a
digest previewed as the scheduler builds it; the yearly letter downloaded; clear pages for
what does not exist; nothing for anyone without a moderator's session or a form's token."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from datetime import date

import pytest

from bot.calendar.store import store_calendar
from bot.db.audit import audit_trail
from bot.db.models import Subscription
from tests.adapters.dashboard.calendar_data import (
    KEN_CEDAW,
    KEN_DEADLINE,
    KEN_UPR,
    UGA_VISIT,
    UNCT_KENYA,
    seed_calendar,
)
from tests.adapters.dashboard.conftest import MEMBER, MODERATOR, Dashboard, dashboard_at, shown

MODERATOR_ACTOR = f"teams:{MODERATOR.user_id}"


@pytest.fixture
async def calendar(database_url: str) -> AsyncIterator[tuple[Dashboard, Subscription]]:
    """The dashboard over a database on each backend holding the small calendar, and Kenya's
    subscription."""
    async with dashboard_at(database_url) as dashboard:
        yield dashboard, await seed_calendar(dashboard.services)


@pytest.fixture
async def signed_in(calendar: tuple[Dashboard, Subscription]) -> Dashboard:
    dashboard, _subscription = calendar
    assert (await dashboard.sign_in()).status == 303
    return dashboard


def titles_in(page: str) -> set[str]:
    """Which of the small calendar's events the page lists, by event id's source link."""
    return {
        e.event_id for e in (KEN_UPR, KEN_DEADLINE, KEN_CEDAW, UGA_VISIT) if e.source_url in page
    }


async def test_events_are_filtered_by_country_and_month(signed_in: Dashboard) -> None:
    async def listed(query: str) -> set[str]:
        answer = await signed_in.http.get(signed_in.path(f"/calendar{query}"))
        assert answer.status == 200
        return titles_in(await shown(answer))

    assert await listed("") == {
        "upr-48-KEN-review",
        "upr-48-KEN-unct",
        "cedaw-95-KEN",
        "sp-food-UGA",
    }
    assert await listed("?country=KEN&month=2027-01") == {"upr-48-KEN-review", "upr-48-KEN-unct"}
    assert await listed("?country=Kenya&month=2027-03") == {"cedaw-95-KEN"}
    assert await listed("?month=2027-01") == {"upr-48-KEN-review", "upr-48-KEN-unct", "sp-food-UGA"}
    assert await listed("?country=UGA") == {"sp-food-UGA"}
    page = await shown(
        await signed_in.http.get(signed_in.path("/calendar?country=KEN&month=2027-01"))
    )
    assert "2 engagements found." in page
    assert "Kenya — UPR: submission deadline for UNCT (session 48)" in page
    assert "20–31 January 2027" in page and "Universal Periodic Review" in page
    french = await shown(
        await signed_in.http.get(
            signed_in.path("/calendar?country=UGA"), headers={"Accept-Language": "fr"}
        )
    )
    assert "Procédures spéciales" in french and "1 engagement trouvé." in french


async def test_the_events_come_a_page_at_a_time(signed_in: Dashboard) -> None:
    many = [
        dataclasses.replace(
            KEN_UPR, event_id=f"visit-{n:02d}", start_date=date(2028, 1, 1 + n % 28)
        )
        for n in range(55)
    ]
    async with signed_in.services.database.transaction() as session:
        await store_calendar(session, many)
    first = await shown(await signed_in.http.get(signed_in.path("/calendar?country=KEN")))
    assert "58 engagements found. Page 1 of 2." in first
    assert (
        'href="/dashboard/calendar?page=2&amp;country=KEN"'
        in await (await signed_in.http.get(signed_in.path("/calendar?country=KEN"))).text()
    )
    second = await shown(await signed_in.http.get(signed_in.path("/calendar?country=KEN&page=2")))
    assert "Page 2 of 2." in second and second.count("<tr>") == 1 + 8


async def test_the_unct_form_changes_its_countries_and_is_audited(signed_in: Dashboard) -> None:
    page = await shown(await signed_in.http.get(signed_in.path("/calendar/teams")))
    assert UNCT_KENYA in page and "CKEN" in page and "Kenya" in page
    token = await signed_in.csrf_token("/calendar/teams")
    saved = await signed_in.post(
        "/calendar/uncts", {"csrf_token": token, "name": UNCT_KENYA, "countries": "Kenya, UGA"}
    )
    assert saved.status == 303
    assert saved.headers["Location"].startswith("/dashboard/calendar/teams?done=unct")
    assert "The countries of UNCT Kenya are saved." in await shown(
        await signed_in.http.get(saved.headers["Location"])
    )
    [unct] = await signed_in.services.subscriptions.uncts()
    assert unct.countries == ("KEN", "UGA")
    async with signed_in.services.database.sessions() as session:
        trail = await audit_trail(session, target=f"unct:{UNCT_KENYA}")
    assert trail[-1].actor == MODERATOR_ACTOR and trail[-1].action == "unct.set"
    assert trail[-1].before == {"countries": ["KEN"]}
    assert trail[-1].after == {"countries": ["KEN", "UGA"]}

    refused = await signed_in.post(
        "/calendar/uncts", {"csrf_token": token, "name": UNCT_KENYA, "countries": "Kenya, Atlantis"}
    )
    assert refused.status == 422
    text = await shown(refused)
    assert "No country is called “Atlantis”" in text and 'value="Kenya, Atlantis"' in text
    assert (await signed_in.services.subscriptions.uncts())[0].countries == ("KEN", "UGA")


async def test_removing_a_subscription_is_audited_and_a_second_time_is_a_clear_404(
    calendar: tuple[Dashboard, Subscription], signed_in: Dashboard
) -> None:
    _dashboard, subscription = calendar
    token = await signed_in.csrf_token("/calendar/teams")
    path = f"/calendar/subscriptions/{subscription.id}/remove"
    removed = await signed_in.post(path, {"csrf_token": token})
    assert removed.status == 303
    notice = await shown(await signed_in.http.get(removed.headers["Location"]))
    assert f"Subscription {subscription.id} is removed" in notice
    assert await signed_in.services.subscriptions.all() == []
    async with signed_in.services.database.sessions() as session:
        [*_, last] = await audit_trail(session, target=f"subscription:{subscription.id}")
    assert last.actor == MODERATOR_ACTOR and last.action == "subscription.remove"
    again = await signed_in.post(path, {"csrf_token": token})
    assert again.status == 404
    assert f"Subscription {subscription.id} does not exist" in await shown(again)


async def test_the_digest_preview_is_what_the_scheduler_would_post_that_day(
    calendar: tuple[Dashboard, Subscription], signed_in: Dashboard
) -> None:
    _dashboard, subscription = calendar
    day = date(2026, 12, 15)
    answer = await signed_in.http.get(
        signed_in.path(f"/calendar/subscriptions/{subscription.id}/digest?date={day}")
    )
    assert answer.status == 200
    page = await shown(answer)
    [digest] = await signed_in.services.scheduler.preview(subscription.id, as_of=day)
    assert digest.title in page
    items = [item for section in digest.sections for item in section.items]
    assert {item.event_id for item in items} == {
        "upr-48-KEN-review",
        "upr-48-KEN-unct",
        "cedaw-95-KEN",
    }
    for section in digest.sections:
        assert section.heading in page
    for item in items:
        assert digest.item_headline(item) in page and item.action in page
    assert page.index(digest.item_headline(items[0])) < page.index(digest.item_headline(items[-1]))
    late = await shown(
        await signed_in.http.get(
            signed_in.path(f"/calendar/subscriptions/{subscription.id}/digest?date=2028-06-01")
        )
    )
    [empty] = await signed_in.services.scheduler.preview(subscription.id, as_of=date(2028, 6, 1))
    assert empty.empty_note and empty.empty_note in late
    unknown = await signed_in.http.get(signed_in.path("/calendar/subscriptions/999/digest"))
    assert unknown.status == 404 and "Subscription 999 does not exist" in await shown(unknown)
    malformed = await signed_in.http.get(
        signed_in.path(f"/calendar/subscriptions/{subscription.id}/digest?date=15/12/2026")
    )
    assert malformed.status == 400


async def test_the_yearly_letter_downloads_as_a_pdf_and_the_other_formats(
    signed_in: Dashboard,
) -> None:
    form = await shown(await signed_in.http.get(signed_in.path("/calendar/letter?country=KEN")))
    assert '<option value="KEN" selected>' in form
    pdf = await signed_in.http.get(
        signed_in.path("/calendar/letter/download?country=KEN&year=2027&language=en&format=pdf")
    )
    assert pdf.status == 200 and pdf.content_type == "application/pdf"
    assert pdf.headers["Content-Disposition"] == 'attachment; filename="KEN-2027-en.pdf"'
    assert (await pdf.read()).startswith(b"%PDF-")
    markdown = await signed_in.http.get(
        signed_in.path("/calendar/letter/download?country=Kenya&year=2027&language=fr&format=md")
    )
    assert markdown.content_type == "text/markdown"
    assert markdown.headers["Content-Disposition"] == 'attachment; filename="KEN-2027-fr.md"'
    text = await markdown.text()
    assert "Kenya" in text and UNCT_KENYA in text and "CEDAW" in text and "sp-food" not in text
    word = await signed_in.http.get(
        signed_in.path("/calendar/letter/download?country=KEN&year=2027&format=docx")
    )
    assert word.content_type.endswith("wordprocessingml.document")
    assert (await word.read()).startswith(b"PK")
    wrong = await signed_in.http.get(
        signed_in.path("/calendar/letter/download?country=KEN&year=2027&format=exe")
    )
    assert wrong.status == 400 and "Check the letter's details" in await shown(wrong)


@pytest.mark.parametrize(
    "page",
    [
        "/calendar?country=Atlantis",
        "/calendar/letter?country=Atlantis",
        "/calendar/letter/download?country=Atlantis&year=2027&format=pdf",
    ],
)
async def test_an_unknown_country_is_a_clear_404_page(signed_in: Dashboard, page: str) -> None:
    answer = await signed_in.http.get(signed_in.path(page))
    assert answer.status == 404 and answer.content_type == "text/html"
    text = await shown(answer)
    assert "No such country" in text and "The calendar knows no country “Atlantis”" in text


CALENDAR_PAGES = [
    "/calendar",
    "/calendar?country=KEN&month=2027-01",
    "/calendar/teams",
    "/calendar/subscriptions/1/digest?date=2026-12-15",
    "/calendar/letter",
    "/calendar/letter/download?country=KEN&year=2027&format=md",
]


async def test_someone_who_is_not_a_moderator_gets_no_calendar_data(
    calendar: tuple[Dashboard, Subscription],
) -> None:
    dashboard, subscription = calendar
    refused = await dashboard.sign_in(MEMBER)
    assert refused.status == 403
    assert KEN_UPR.source_url not in await shown(refused)
    for page in CALENDAR_PAGES:
        answer = await dashboard.http.get(dashboard.path(page), allow_redirects=False)
        assert answer.status == 303 and answer.headers["Location"].startswith("/dashboard/sign-in")
        text = await shown(answer)
        assert UNCT_KENYA not in text and KEN_UPR.source_url not in text and "CKEN" not in text
    for form, data in [
        ("/calendar/uncts", {"name": UNCT_KENYA, "countries": "UGA"}),
        (f"/calendar/subscriptions/{subscription.id}/remove", {}),
    ]:
        answer = await dashboard.post(form, {**data, "csrf_token": "x"})
        assert answer.status == 403
    assert (await dashboard.services.subscriptions.uncts())[0].countries == ("KEN",)
    assert len(await dashboard.services.subscriptions.all()) == 1


async def test_the_calendars_forms_without_their_csrf_token_are_refused(
    calendar: tuple[Dashboard, Subscription], signed_in: Dashboard
) -> None:
    _dashboard, subscription = calendar
    forms = [
        ("/calendar/uncts", {"name": UNCT_KENYA, "countries": "UGA"}),
        (f"/calendar/subscriptions/{subscription.id}/remove", {}),
    ]
    for form, data in forms:
        missing = await signed_in.post(form, data)
        assert missing.status == 403 and "This form has expired" in await shown(missing)
        forged = await signed_in.post(form, {**data, "csrf_token": "forged"})
        assert forged.status == 403
    assert (await signed_in.services.subscriptions.uncts())[0].countries == ("KEN",)
    assert len(await signed_in.services.subscriptions.all()) == 1
