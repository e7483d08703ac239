"""The dashboard on loopback: the one web server with the dashboard mounted, services on a
SQLite file with the sample knowledge base, and a fake identity provider (Entra ID's shape)
that moderators sign in at, as a browser would: every redirect followed by hand, so each
hop can be inspected."""

from __future__ import annotations

import html
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from adapters.server import build_web_app
from adapters.wiring.dashboard import dashboard_app
from adapters.wiring.services import Services, open_services
from bot.messages import ConversationRef, IncomingMessage
from bot.settings import load_settings
from tests.fakes.identity_provider import (
    SLACK_TEAM,
    Account,
    FakeIdentityProvider,
    Flavour,
    Tampering,
)
from tests.processes import free_port

MODERATOR = Account(user_id="aad-moderator", name="Amina Diallo")
MEMBER = Account(user_id="aad-member", name="Jean Dupont")
SETUP_TOKEN = "set-up-token-0123456789abcdefghij"
SECRET_QUESTION = "Which per diem rate applies on a mission to Mombasa?"
"""A question only moderators may read: no answer to anyone else may contain it."""


@dataclass
class Dashboard:
    """The running dashboard, its fake identity provider and the core services behind it."""

    http: aiohttp.ClientSession
    """A browser: its own cookie jar, addresses relative to the dashboard's origin."""
    idp: FakeIdentityProvider
    services: Services
    origin: str

    def another_browser(self) -> Dashboard:
        """The same dashboard seen from another browser (no cookie yet); close its `http`."""
        return Dashboard(browser(self.origin), self.idp, self.services, self.origin)

    def path(self, path: str) -> str:
        return f"/dashboard{path}"

    async def begin_sign_in(self) -> str:
        """Press "Sign in with Microsoft" (or Slack): the provider's authorization address."""
        started = await self.http.get(
            self.path(f"/sign-in/{self.idp.flavour}"), allow_redirects=False
        )
        assert started.status == 303, await started.text()
        return started.headers["Location"]

    async def at_provider(self, authorize: str) -> str:
        """What the provider sends the browser back to (the callback with code and state)."""
        async with aiohttp.ClientSession() as browser:
            answer = await browser.get(authorize, allow_redirects=False)
            assert answer.status == 302, await answer.text()
            return answer.headers["Location"]

    async def sign_in(
        self, account: Account | None = MODERATOR, *, tamper: Tampering | None = None
    ) -> aiohttp.ClientResponse:
        """The whole round trip; the callback's answer (the session cookie, if any, is then
        in the client's jar)."""
        self.idp.signs_in, self.idp.tamper = account, tamper
        callback = await self.at_provider(await self.begin_sign_in())
        assert callback.startswith(self.origin)
        return await self.http.get(callback.removeprefix(self.origin), allow_redirects=False)

    async def csrf_token(self, page: str) -> str:
        """The CSRF token of the forms on `page`."""
        html = await (await self.http.get(self.path(page))).text()
        marker = 'name="csrf_token" value="'
        assert marker in html, html[:2000]
        return html.split(marker, 1)[1].split('"', 1)[0]

    async def post(
        self, path: str, data: dict[str, str] | list[tuple[str, str]], **headers: str
    ) -> aiohttp.ClientResponse:
        """A form as the dashboard's own page sends it (its Origin)."""
        return await self.http.post(
            self.path(path),
            data=data,
            headers={"Origin": self.origin, **headers},
            allow_redirects=False,
        )


async def shown(response: aiohttp.ClientResponse) -> str:
    """A page's text as the browser shows it (entities decoded), with the no-break spaces
    of French and Spanish numbers and units as plain spaces."""
    text = html.unescape(await response.text())
    return text.replace("\u00a0", " ").replace("\u202f", " ")


async def ask(
    services: Services,
    text: str,
    *,
    user: str,
    key: str,
    conversation: str = "CKEN",
    platform: str = "slack",
    days_ago: float = 0,
) -> int:
    """A member's question the sample knowledge base cannot answer: it joins the queue.
    `key` names the member's thread (a Teams reply chain is named in the conversation id,
    as Teams does)."""
    conversation_id = f"{conversation};messageid={key}" if platform == "teams" else conversation
    ref = ConversationRef(platform=platform, conversation_id=conversation_id, thread_id=key)
    asked_at = datetime.now(UTC) - timedelta(days=days_ago)
    message = IncomingMessage(ref=ref, user_id=user, text=text, received_at=asked_at)
    received = await services.intake.receive(message, event_key=f"{platform}:{key}")
    assert received is not None
    await services.intake.delivered(received, await services.intake.respond(received))
    return received.question_id


def settings_for(url: str, origin: str, idp: FakeIdentityProvider) -> dict[str, str]:
    """The dashboard on `origin`, sign-in at `idp` (Entra ID's or Slack's), the set-up
    token, and MODERATOR as the moderator of the provider's platform."""
    if idp.flavour == "entra":
        provider = {
            "HURIBOT_DASHBOARD_ENTRA_ISSUER": idp.issuer,
            "HURIBOT_DASHBOARD_ENTRA_CLIENT_ID": idp.client_id,
            "HURIBOT_DASHBOARD_ENTRA_CLIENT_SECRET": idp.client_secret,
            "HURIBOT_MODERATORS": f"teams:{MODERATOR.user_id}",
        }
    else:
        provider = {
            "HURIBOT_DASHBOARD_SLACK_ISSUER": idp.issuer,
            "HURIBOT_DASHBOARD_SLACK_CLIENT_ID": idp.client_id,
            "HURIBOT_DASHBOARD_SLACK_CLIENT_SECRET": idp.client_secret,
            "HURIBOT_DASHBOARD_SLACK_TEAM_ID": SLACK_TEAM,
            "HURIBOT_MODERATORS": f"slack:{MODERATOR.user_id}",
        }
    return {
        "HURIBOT_DATABASE_URL": url,
        "HURIBOT_DASHBOARD_URL": origin,
        "HURIBOT_DASHBOARD_ADMIN_TOKEN": SETUP_TOKEN,
        **provider,
    }


def browser(origin: str) -> aiohttp.ClientSession:
    """A client that keeps cookies as a browser does on loopback (Secure ones included)."""
    jar = aiohttp.CookieJar(unsafe=True, treat_as_secure_origin=[origin])
    return aiohttp.ClientSession(base_url=origin, cookie_jar=jar)


@asynccontextmanager
async def running_dashboard(
    tmp_path: Path,
    sample_database: Path,
    flavour: Flavour = "entra",
    *,
    database_url: str | None = None,
) -> AsyncIterator[Dashboard]:
    """The dashboard with sign-in through a fake provider of that flavour, on a copy of
    the sample database (or on `database_url`, holding the sample already)."""
    if database_url is None:
        database = tmp_path / "huribot.db"
        shutil.copyfile(sample_database, database)
        database_url = f"sqlite:///{database}"
    async with dashboard_at(database_url, flavour) as running:
        yield running


@asynccontextmanager
async def dashboard_at(url: str, flavour: Flavour = "entra") -> AsyncIterator[Dashboard]:
    """The dashboard over the database at `url` (SQLite or PostgreSQL)."""
    port = free_port()
    origin = f"http://127.0.0.1:{port}"
    async with FakeIdentityProvider(flavour) as idp:
        idp.redirect_uris.add(f"{origin}/dashboard/auth/{flavour}/callback")
        settings = load_settings(settings_for(url, origin, idp))
        async with open_services(settings) as services:
            app = build_web_app(database=services.database, dashboard=dashboard_app(services))
            async with TestServer(app, host="127.0.0.1", port=port), browser(origin) as http:
                yield Dashboard(http=http, idp=idp, services=services, origin=origin)


@pytest.fixture
async def dashboard(tmp_path: Path, sample_database: Path) -> AsyncIterator[Dashboard]:
    """The dashboard, moderators signing in with Entra ID."""
    async with running_dashboard(tmp_path, sample_database) as running:
        yield running
