"""Who can reach the dashboard, and how: sign-in through the (fake) identity provider with
every check an ID token must pass, the cookies' flags, CSRF on every form, a clear 403 for
anyone who is not a moderator, and no question text for anyone without a moderator's
session, whatever page or form they try."""

from __future__ import annotations

import re
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import aiohttp
import pytest
from yarl import URL

from adapters.dashboard import cookies
from bot.db.audit import audit_trail
from bot.moderation.sessions import DASHBOARD
from tests.adapters.dashboard.conftest import (
    MEMBER,
    MODERATOR,
    SECRET_QUESTION,
    SETUP_TOKEN,
    Dashboard,
    ask,
    running_dashboard,
    shown,
)
from tests.fakes.identity_provider import SLACK_TEAM, Account, Tampering


def set_cookies(response: aiohttp.ClientResponse) -> dict[str, dict[str, str]]:
    """Each cookie the response sets, with its attributes (lower-case names; flags as '')."""
    found = {}
    for header in response.headers.getall("Set-Cookie", []):
        parsed = SimpleCookie()
        parsed.load(header)
        for name, morsel in parsed.items():
            attributes = {key: str(value) for key, value in morsel.items() if value != ""}
            flags = {flag: "" for flag in ("secure", "httponly") if flag in header.lower()}
            found[name] = {"value": morsel.value, **attributes, **flags}
    return found


def assert_locked_down(cookie: dict[str, str], *, max_age: int) -> None:
    assert "secure" in cookie and "httponly" in cookie
    assert cookie["samesite"] == "Lax"
    assert cookie["path"] == "/"
    assert "domain" not in cookie
    assert int(cookie["max-age"]) == max_age


async def queued(dashboard: Dashboard) -> int:
    """The secret question, queued; its group's id."""
    question = await ask(dashboard.services, SECRET_QUESTION, user="U1", key="1.1")
    row = await dashboard.services.intake.questions.get(question)
    assert row.group_id is not None, "the sample knowledge base answered the secret question"
    return row.group_id


async def test_a_moderator_signs_in_at_the_provider_with_pkce_and_locked_down_cookies(
    dashboard: Dashboard,
) -> None:
    await queued(dashboard)
    started = await dashboard.http.get(dashboard.path("/sign-in/entra"), allow_redirects=False)
    authorize = urlsplit(started.headers["Location"])
    asked = {key: values[0] for key, values in parse_qs(authorize.query).items()}
    assert asked["response_type"] == "code" and "openid" in asked["scope"].split()
    assert asked["redirect_uri"] == f"{dashboard.origin}/dashboard/auth/entra/callback"
    assert asked["code_challenge_method"] == "S256"
    assert len(asked["state"]) >= 32 and len(asked["nonce"]) >= 32
    assert_locked_down(set_cookies(started)[cookies.SIGN_IN], max_age=cookies.SIGN_IN_SECONDS)

    dashboard.idp.signs_in = MODERATOR
    callback = await dashboard.at_provider(started.headers["Location"])
    signed_in = await dashboard.http.get(
        callback.removeprefix(dashboard.origin), allow_redirects=False
    )
    assert signed_in.status == 303
    assert signed_in.headers["Location"] == "/dashboard/queue"
    set = set_cookies(signed_in)
    assert_locked_down(set[cookies.SESSION], max_age=8 * 3600)
    assert set[cookies.SIGN_IN]["value"] == ""  # the sign-in's cookie serves once

    [(_, exchange)] = [r for r in dashboard.idp.requests if r[0] == "/token"]
    assert exchange["client_secret"] == dashboard.idp.client_secret
    assert exchange["code_verifier"]
    page = await dashboard.http.get(dashboard.path("/queue"))
    assert page.status == 200
    html = await shown(page)
    assert SECRET_QUESTION in html and "Amina Diallo" in html
    async with dashboard.services.database.sessions() as session:
        [event] = await audit_trail(session, target=DASHBOARD)
    assert (event.actor, event.action) == (f"teams:{MODERATOR.user_id}", "sign-in")


async def test_someone_signed_in_at_the_provider_who_is_no_moderator_gets_a_clear_403(
    dashboard: Dashboard,
) -> None:
    await queued(dashboard)
    refused = await dashboard.sign_in(MEMBER)
    assert refused.status == 403
    text = await shown(refused)
    assert "Only the Secretariat's moderators can use this dashboard" in text
    assert "Jean Dupont" in text and SECRET_QUESTION not in text
    assert "code=" not in text  # no link on the page leads back to the provider's answer
    assert cookies.SESSION not in set_cookies(refused)
    after = await dashboard.http.get(dashboard.path("/queue"), allow_redirects=False)
    assert after.status == 303 and "/dashboard/sign-in" in after.headers["Location"]


@pytest.mark.parametrize(
    "tamper",
    [
        Tampering(audience="another-client"),
        Tampering(issuer="https://login.example.org/other-tenant/v2.0"),
        Tampering(nonce="nonce-of-another-sign-in"),
        Tampering(foreign_key=True),
        Tampering(expires_in=-300),
        Tampering(unsigned=True),
    ],
    ids=["audience", "issuer", "nonce", "signature", "expired", "unsigned"],
)
async def test_an_id_token_wrong_in_any_way_signs_nobody_in(
    dashboard: Dashboard, tamper: Tampering
) -> None:
    refused = await dashboard.sign_in(MODERATOR, tamper=tamper)
    assert refused.status == 403
    assert "could not be verified" in await shown(refused)
    assert cookies.SESSION not in set_cookies(refused)
    after = await dashboard.http.get(dashboard.path("/queue"), allow_redirects=False)
    assert after.status == 303
    async with dashboard.services.database.sessions() as session:
        assert await audit_trail(session, target=DASHBOARD) == []


async def test_the_providers_answer_counts_once_and_only_in_the_browser_that_asked(
    dashboard: Dashboard,
) -> None:
    dashboard.idp.signs_in = MODERATOR
    callback = (await dashboard.at_provider(await dashboard.begin_sign_in())).removeprefix(
        dashboard.origin
    )
    forged_state = re.sub(r"state=[^&]+", "state=forged", callback)
    assert (await dashboard.http.get(forged_state, allow_redirects=False)).status == 400

    callback = (await dashboard.at_provider(await dashboard.begin_sign_in())).removeprefix(
        dashboard.origin
    )
    async with dashboard.another_browser().http as other_browser:  # no sign-in cookie
        elsewhere = await other_browser.get(callback, allow_redirects=False)
        assert elsewhere.status == 400
        assert "expired or was started in another window" in await shown(elsewhere)
    assert (await dashboard.http.get(callback, allow_redirects=False)).status == 303
    replayed = await dashboard.http.get(callback, allow_redirects=False)
    assert replayed.status == 400  # its sign-in cookie is gone with the first use

    dashboard.idp.signs_in = None  # the person cancels at the provider's page
    declined = await dashboard.http.get(
        (await dashboard.at_provider(await dashboard.begin_sign_in())).removeprefix(
            dashboard.origin
        ),
        allow_redirects=False,
    )
    assert declined.status == 403 and "did not sign you in" in await shown(declined)


async def test_every_form_needs_the_csrf_token_of_the_session_and_the_dashboards_origin(
    dashboard: Dashboard,
) -> None:
    group_id = await queued(dashboard)
    assert (await dashboard.sign_in()).status == 303
    token = await dashboard.csrf_token(f"/groups/{group_id}")
    assign = f"/groups/{group_id}/assign"
    attempts = [
        ({}, {}),
        ({"csrf_token": "forged"}, {}),
        ({"csrf_token": token}, {"Origin": "https://attacker.example"}),
        ({"csrf_token": token}, {"Sec-Fetch-Site": "cross-site"}),
    ]
    for form, headers in attempts:
        refused = await dashboard.post(assign, form, **headers)
        assert refused.status == 403, (form, headers)
        assert "This form has expired" in await shown(refused)
    view = await dashboard.services.moderation.view(group_id, candidates=0)
    assert view.group.status == "open"

    second = dashboard.another_browser()
    async with second.http:
        assert (await second.sign_in()).status == 303
        other_token = await second.csrf_token(f"/groups/{group_id}")
    assert other_token != token
    assert (await dashboard.post(assign, {"csrf_token": other_token})).status == 403

    done = await dashboard.post(assign, {"csrf_token": token})
    assert done.status == 303
    view = await dashboard.services.moderation.view(group_id, candidates=0)
    assert (view.group.status, view.group.assignee_name) == ("assigned", "Amina Diallo")


async def test_no_question_text_is_reachable_without_a_moderators_session(
    dashboard: Dashboard,
) -> None:
    group_id = await queued(dashboard)
    pages = ["/", "/queue", f"/groups/{group_id}", "/groups/999"]
    pages += ["/analytics", "/analytics?weeks=52", "/analytics/top-unanswered.csv"]
    pages += ["/analytics/questions-per-week.csv?weeks=4", "/analytics/unknown.csv"]
    reply = "/kb/replies/hrba-overview"
    pages += ["/kb", "/kb?q=per+diem", "/kb/review", "/kb/new", reply, f"{reply}/edit"]
    pages += [f"{reply}/versions/1", f"{reply}/retire"]
    forms = [f"/groups/{group_id}/{action}" for action in ("answer", "link", "assign", "dismiss")]
    forms += ["/preview", "/kb/new", f"{reply}/edit", f"{reply}/retire"]
    assert (await dashboard.sign_in()).status == 303
    for moderators_only in ("/analytics", "/analytics/top-unanswered.csv"):  # what is at stake
        seen = await dashboard.http.get(dashboard.path(moderators_only))
        assert SECRET_QUESTION in await shown(seen)
    ended = dashboard.http.cookie_jar.filter_cookies(URL(dashboard.origin))
    ended_token = ended[cookies.SESSION].value
    signed_out = await dashboard.post(
        "/sign-out", {"csrf_token": await dashboard.csrf_token("/queue")}
    )
    assert signed_out.status == 303
    assert set_cookies(signed_out)[cookies.SESSION]["value"] == ""
    refused_member = await dashboard.sign_in(MEMBER)
    assert refused_member.status == 403

    for session_cookie in (None, "forged-token", ended_token):
        async with dashboard.another_browser().http as visitor:
            if session_cookie is not None:
                visitor.cookie_jar.update_cookies(
                    {cookies.SESSION: session_cookie}, URL(dashboard.origin)
                )
            for page in pages:
                answer = await visitor.get(dashboard.path(page), allow_redirects=False)
                assert answer.status == 303, (session_cookie, page)
                assert answer.headers["Location"].startswith("/dashboard/sign-in")
                assert SECRET_QUESTION not in await shown(answer)
            for form in forms:
                answer = await visitor.post(
                    dashboard.path(form),
                    data={"answer": "x", "csrf_token": "x"},
                    headers={"Origin": dashboard.origin},
                )
                assert answer.status == 403, (session_cookie, form)
                assert SECRET_QUESTION not in await shown(answer)
    view = await dashboard.services.moderation.view(group_id, candidates=0)
    assert view.group.status == "open"


async def test_the_setup_token_signs_in_once_and_only_with_its_forms_csrf_token(
    dashboard: Dashboard,
) -> None:
    await queued(dashboard)
    assert (await dashboard.post("/sign-in/setup", {"token": SETUP_TOKEN})).status == 403
    page = await dashboard.http.get(dashboard.path("/sign-in"))
    form_cookie = set_cookies(page)[cookies.FORM]
    assert "secure" in form_cookie and "httponly" in form_cookie
    assert form_cookie["samesite"] == "Strict"
    token = await dashboard.csrf_token("/sign-in")
    wrong = await dashboard.post("/sign-in/setup", {"token": "guess" * 6, "csrf_token": token})
    assert wrong.status == 403 and "not the set-up token" in await shown(wrong)
    signed_in = await dashboard.post("/sign-in/setup", {"token": SETUP_TOKEN, "csrf_token": token})
    assert signed_in.status == 303
    assert SECRET_QUESTION in await shown(await dashboard.http.get(dashboard.path("/queue")))

    again = dashboard.another_browser()
    async with again.http:
        token = await again.csrf_token("/sign-in")
        used = await again.post("/sign-in/setup", {"token": SETUP_TOKEN, "csrf_token": token})
        assert used.status == 403 and "used already" in await shown(used)


async def test_pages_carry_security_headers_and_are_never_cached(dashboard: Dashboard) -> None:
    page = await dashboard.http.get(dashboard.path("/sign-in"))
    policy = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    assert page.headers["X-Frame-Options"] == "DENY"
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert page.headers["Referrer-Policy"] == "same-origin"
    assert page.headers["Cache-Control"] == "no-store"
    redirected = await dashboard.http.get(dashboard.path("/queue"), allow_redirects=False)
    assert redirected.headers["Cache-Control"] == "no-store"
    stylesheet = re.search(r'href="([^"]+\.css[^"]*)"', await shown(page))
    assert stylesheet is not None
    static = await dashboard.http.get(stylesheet.group(1))
    assert static.status == 200 and "immutable" in static.headers["Cache-Control"]


async def test_after_signing_in_only_a_page_of_the_dashboard_is_next(dashboard: Dashboard) -> None:
    dashboard.idp.signs_in = MODERATOR
    for wanted, landed in [
        ("https://attacker.example/", "/dashboard/queue"),
        ("//attacker.example/dashboard/", "/dashboard/queue"),
        ("/dashboard/groups/1", "/dashboard/groups/1"),
    ]:
        started = await dashboard.http.get(
            dashboard.path("/sign-in/entra"), params={"next": wanted}, allow_redirects=False
        )
        callback = await dashboard.at_provider(started.headers["Location"])
        signed_in = await dashboard.http.get(
            callback.removeprefix(dashboard.origin), allow_redirects=False
        )
        assert signed_in.headers["Location"] == landed


async def test_a_provider_out_of_reach_is_said_plainly(dashboard: Dashboard) -> None:
    await dashboard.idp.__aexit__()
    answer = await dashboard.http.get(dashboard.path("/sign-in/entra"), allow_redirects=False)
    assert answer.status == 502
    assert "Microsoft could not be reached" in await shown(answer)


async def test_slack_members_sign_in_as_their_slack_selves_from_the_configured_workspace(
    tmp_path: Path, sample_database: Path
) -> None:
    async with running_dashboard(tmp_path, sample_database, "slack") as dashboard:
        started = await dashboard.http.get(dashboard.path("/sign-in/slack"), allow_redirects=False)
        assert parse_qs(urlsplit(started.headers["Location"]).query)["team"] == [SLACK_TEAM]
        elsewhere = Account(user_id=MODERATOR.user_id, name="Same id, other workspace", team="T0")
        assert (await dashboard.sign_in(elsewhere)).status == 403
        assert (await dashboard.sign_in(MODERATOR)).status == 303
        async with dashboard.services.database.sessions() as session:
            [event] = await audit_trail(session, target=DASHBOARD)
        assert event.actor == f"slack:{MODERATOR.user_id}"
        assert (event.after or {})["method"] == "slack"
