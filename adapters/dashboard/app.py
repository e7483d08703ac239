"""The dashboard as an aiohttp sub-application, mounted under /dashboard/ of the one web
server: its routes, its middlewares (which apply to it alone), and the HTTP client its
identity providers are reached with."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
from aiohttp import web

from adapters.dashboard import (
    calendar_actions,
    calendar_import,
    calendar_pages,
    kb_actions,
    kb_import,
    kb_pages,
    queue_actions,
    queue_pages,
    signin,
    stats_pages,
)
from adapters.dashboard.context import OPENID, SERVICES, DashboardServices
from adapters.dashboard.guard import MIDDLEWARES, STATIC_ROUTE
from adapters.dashboard.oidc import OpenIdClient
from adapters.dashboard.pages import STATIC_DIR

GROUP = r"/groups/{group_id:\d{1,12}}"
SUBSCRIPTION = r"/calendar/subscriptions/{subscription_id:\d{1,12}}"
REPLY = r"/kb/replies/{slug:[a-z0-9][a-z0-9-]{0,119}}"


async def _identity_providers(app: web.Application) -> AsyncIterator[None]:
    """One HTTP client for every provider, closed with the server."""
    async with aiohttp.ClientSession() as http:
        app[OPENID] = {
            provider.key: OpenIdClient(provider, http=http)
            for provider in app[SERVICES].config.providers
        }
        yield


def build_dashboard(services: DashboardServices) -> web.Application:
    """The dashboard's application, to mount with `add_subapp(PREFIX, ...)`."""
    app = web.Application(middlewares=MIDDLEWARES)
    app[SERVICES] = services
    app.cleanup_ctx.append(_identity_providers)
    routes = app.router
    routes.add_get("/", queue_pages.home, name="home")
    routes.add_get("/sign-in", signin.sign_in_page, name="sign_in")
    routes.add_get("/sign-in/{provider}", signin.start, name="sign_in_start")
    routes.add_get("/auth/{provider}/callback", signin.callback, name="callback")
    routes.add_post("/sign-in/setup", signin.setup_token, name="setup_token")
    routes.add_post("/sign-out", signin.sign_out, name="sign_out")
    routes.add_get("/language/{language}", signin.choose_language, name="language")
    routes.add_get("/queue", queue_pages.queue, name="queue")
    routes.add_get(GROUP, queue_pages.group, name="group")
    routes.add_post(f"{GROUP}/answer", queue_actions.answer, name="answer")
    routes.add_post(f"{GROUP}/link", queue_actions.link, name="link")
    routes.add_post(f"{GROUP}/assign", queue_actions.assign, name="assign")
    routes.add_post(f"{GROUP}/dismiss", queue_actions.dismiss, name="dismiss")
    routes.add_post("/preview", queue_pages.preview, name="preview")
    routes.add_get("/analytics", stats_pages.analytics, name="analytics")
    routes.add_get(
        r"/analytics/{report:[a-z-]{1,40}}.csv", stats_pages.analytics_csv, name="analytics_csv"
    )
    routes.add_get("/calendar", calendar_pages.events, name="calendar")
    routes.add_get("/calendar/teams", calendar_pages.teams, name="calendar_teams")
    routes.add_post("/calendar/uncts", calendar_actions.set_unct, name="calendar_unct")
    routes.add_post(
        f"{SUBSCRIPTION}/remove",
        calendar_actions.remove_subscription,
        name="calendar_subscription_remove",
    )
    routes.add_get(f"{SUBSCRIPTION}/digest", calendar_pages.digest, name="calendar_digest")
    routes.add_get("/calendar/letter", calendar_pages.letter, name="calendar_letter")
    routes.add_get(
        "/calendar/letter/download",
        calendar_pages.letter_download,
        name="calendar_letter_download",
    )
    routes.add_get("/kb", kb_pages.search, name="kb")
    routes.add_get("/kb/review", kb_pages.review, name="kb_review")
    routes.add_get("/kb/new", kb_pages.new, name="kb_new")
    routes.add_post("/kb/new", kb_actions.create, name="kb_create")
    routes.add_get(REPLY, kb_pages.reply, name="kb_reply")
    routes.add_get(f"{REPLY}/edit", kb_pages.edit, name="kb_edit")
    routes.add_post(f"{REPLY}/edit", kb_actions.save, name="kb_save")
    routes.add_get(rf"{REPLY}/versions/{{number:\d{{1,9}}}}", kb_pages.version, name="kb_version")
    routes.add_get(f"{REPLY}/retire", kb_pages.retire_confirmation, name="kb_retire_confirm")
    routes.add_post(f"{REPLY}/retire", kb_actions.retire, name="kb_retire")
    routes.add_get("/kb/import", kb_import.kb_import, name="kb_import")
    routes.add_post("/kb/import", kb_import.kb_import_preview, name="kb_import_preview")
    routes.add_post("/kb/import/confirm", kb_import.kb_import_confirm, name="kb_import_confirm")
    routes.add_get("/calendar/import", calendar_import.calendar_import, name="calendar_import")
    routes.add_post(
        "/calendar/import", calendar_import.calendar_import_preview, name="calendar_import_preview"
    )
    routes.add_post(
        "/calendar/import/confirm",
        calendar_import.calendar_import_confirm,
        name="calendar_import_confirm",
    )
    routes.add_static("/static", STATIC_DIR, name=STATIC_ROUTE)
    return app
