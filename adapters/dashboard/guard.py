"""The dashboard's middlewares, outermost first: security headers on every answer, the
page's language, the moderator's session (no page but the sign-in's is shown without one),
and CSRF protection of every form.

A form is accepted only from the dashboard's own origin (the browser's `Origin` and
`Sec-Fetch-Site`, when it sends them) and with the CSRF token it was rendered with: the
session's own once signed in, else the token of a `__Host-` cookie (double submit). The
session cookie's SameSite=Lax already keeps it off cross-site POSTs; the token does not
rely on that.
"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable

import structlog
from aiohttp import web

from adapters.dashboard import cookies
from adapters.dashboard.context import LANGUAGE, SERVICES, SESSION_TOKEN, SIGNED_IN
from adapters.dashboard.i18n import gettext_for, preferred_language
from adapters.dashboard.pages import message_page, url
from adapters.dashboard.uploads import upload_size

logger = structlog.get_logger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
PUBLIC_ROUTES = frozenset({"sign_in", "sign_in_start", "callback", "setup_token", "language"})
"""Routes anyone may reach; every other needs a moderator's session."""
STATIC_ROUTE = "static"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
    )
)
"""Scripts and styles only from the dashboard's own files (no inline script can run even if
some text escaped its escaping); no framing; forms post only to the dashboard."""
STATIC_MAX_AGE = 365 * 24 * 3600


def _route_name(request: web.Request) -> str | None:
    return request.match_info.route.name


@web.middleware
async def security_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Headers every dashboard answer carries, errors included; pages are never cached
    (they show members' questions), static files are (their address changes with them)."""
    static = _route_name(request) == STATIC_ROUTE
    headers = {
        "Content-Security-Policy": CONTENT_SECURITY_POLICY,
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "same-origin",
        "Cross-Origin-Opener-Policy": "same-origin",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
        "Cache-Control": f"public, max-age={STATIC_MAX_AGE}, immutable" if static else "no-store",
    }
    if request.app[SERVICES].config.https:
        headers["Strict-Transport-Security"] = "max-age=31536000"
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        exc.headers.update(headers)
        raise
    response.headers.update(headers)
    return response


@web.middleware
async def language(request: web.Request, handler: Handler) -> web.StreamResponse:
    """The language of the pages: the moderator's choice, else their browser's."""
    request[LANGUAGE] = preferred_language(
        request.headers.get("Accept-Language"), request.cookies.get(cookies.LANGUAGE)
    )
    return await handler(request)


@web.middleware
async def authenticate(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Resume the moderator's session; without one, a page asks them to sign in (a form
    posted without one is refused: its content is not kept)."""
    name = _route_name(request)
    if name == STATIC_ROUTE:
        return await handler(request)
    token = request.cookies.get(cookies.SESSION)
    signed_in = await request.app[SERVICES].sessions.resume(token) if token else None
    if signed_in is not None and token is not None:
        request[SIGNED_IN] = signed_in
        request[SESSION_TOKEN] = token
    elif name not in PUBLIC_ROUTES:
        if request.method in SAFE_METHODS:
            raise web.HTTPSeeOther(url(request, "sign_in", q_next=request.path_qs))
        _ = gettext_for(request[LANGUAGE])
        return message_page(
            request,
            status=403,
            title=_("Sign in again"),
            message=_("Your sign-in has ended, so this was not saved. Sign in and try again."),
        )
    return await handler(request)


@web.middleware
async def csrf_protection(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Refuse (403) any form not sent by the dashboard's own pages."""
    if request.method in SAFE_METHODS:
        return await handler(request)
    expected = (
        request[SIGNED_IN].csrf_token
        if SIGNED_IN in request
        else request.cookies.get(cookies.FORM, "")
    )
    form = await request.post()
    offered = request.headers.get(CSRF_HEADER) or str(form.get(CSRF_FIELD, ""))
    from_here = _same_origin(request)
    if from_here and expected and hmac.compare_digest(offered.encode(), expected.encode()):
        return await handler(request)
    logger.warning(
        "dashboard.csrf_refused",
        path=request.path,
        cross_origin=not from_here,
        token="missing" if not offered else "wrong",
    )
    _ = gettext_for(request[LANGUAGE])
    return message_page(
        request,
        status=403,
        title=_("This form has expired"),
        message=_(
            "It was not sent from this page of the dashboard as it is now. Reload the page "
            "and try again."
        ),
    )


def _same_origin(request: web.Request) -> bool:
    """False when the browser says the form came from another site."""
    origin = request.headers.get("Origin")
    if origin is not None and origin != request.app[SERVICES].config.origin:
        return False
    return request.headers.get("Sec-Fetch-Site", "same-origin") in {"same-origin", "none"}


MIDDLEWARES = (security_headers, language, authenticate, upload_size, csrf_protection)
"""`upload_size` lets an import's form be as large as its file may be, before the CSRF check
reads the form."""
