"""Pages rendered on the server from Jinja templates, in the moderator's language: every
value escaped, every form with its CSRF token, nothing that needs a script to work."""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path
from typing import Any

from aiohttp import web
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from adapters.dashboard.context import FORM_TOKEN, LANGUAGE, SERVICES, SIGNED_IN
from adapters.dashboard.i18n import DEFAULT, LANGUAGE_NAMES, Formats, gettext_for, ngettext_for
from adapters.dashboard.markdown import plain_text
from adapters.dashboard.queue_model import PLATFORM_NAMES

STATIC_DIR = Path(__file__).with_name("static")
ENVIRONMENT = Environment(
    loader=PackageLoader("adapters.dashboard", "templates"),
    autoescape=select_autoescape(default=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
ENVIRONMENT.filters["plain"] = plain_text


@cache
def static_version(name: str) -> str:
    """A short hash of a static file, in its address, so browsers may keep it a year."""
    return hashlib.sha256((STATIC_DIR / name).read_bytes()).hexdigest()[:12]


def url(request: web.Request, name: str, **parts: object) -> str:
    """The address of a named dashboard route (with the dashboard's prefix)."""
    query = {key: str(value) for key, value in parts.items() if key.startswith("q_")}
    path = {key: str(value) for key, value in parts.items() if not key.startswith("q_")}
    built = request.app.router[name].url_for(**path)
    return str(
        built.with_query({key[2:]: value for key, value in query.items()}) if query else built
    )


ROUND_TRIP_ROUTES = frozenset({"sign_in_start", "callback"})
"""Addresses of a sign-in under way: never where a link (the language switch) leads back."""


def _here(request: web.Request) -> str:
    """Where the language switch brings the moderator back: this page, unless it answered
    a form or a sign-in's round trip (then the queue)."""
    if request.method != "GET" or request.match_info.route.name in ROUND_TRIP_ROUTES:
        return url(request, "queue")
    return request.path_qs


def render(
    request: web.Request, template: str, *, status: int = 200, **values: Any
) -> web.Response:
    """A page of the dashboard."""
    language = request.get(LANGUAGE, DEFAULT)
    signed_in = request.get(SIGNED_IN)
    services = request.app[SERVICES]
    context = {
        "_": gettext_for(language),
        "ngettext": ngettext_for(language),
        "platform_names": PLATFORM_NAMES,
        "formats": Formats(language, now=services.clock()),
        "language": language,
        "languages": LANGUAGE_NAMES,
        "signed_in": signed_in,
        "csrf_token": signed_in.csrf_token if signed_in else request.get(FORM_TOKEN, ""),
        "url": lambda name, **parts: url(request, name, **parts),
        "static": lambda name: url(request, "static", filename=name, q_v=static_version(name)),
        "here": _here(request),
        **values,
    }
    body = ENVIRONMENT.get_template(template).render(context)
    return web.Response(text=body, content_type="text/html", charset="utf-8", status=status)


def message_page(
    request: web.Request, *, status: int, title: str, message: str, retry: str | None = None
) -> web.Response:
    """A page saying one thing (a refusal, an expired form, a provider out of reach), with
    what to do next (`retry`: the sign-in page's address, where that is next)."""
    return render(request, "message.html", status=status, title=title, message=message, retry=retry)


def message_error(
    request: web.Request, error: type[web.HTTPException], *, title: str, message: str
) -> web.HTTPException:
    """The message page as an HTTP error to raise (404 for no such group, 409 for a group
    answered meanwhile...)."""
    page = message_page(request, status=error.status_code, title=title, message=message)
    return error(text=page.text, content_type="text/html")
