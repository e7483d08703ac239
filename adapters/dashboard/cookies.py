"""The dashboard's cookies, all set one way: `__Host-` names (the browser then requires
Secure, the whole site as path and no Domain, so no other host can plant or read them),
HttpOnly (no script reads them), and SameSite.

SameSite is Lax, not Strict, for the session and the sign-in in progress: the identity
provider sends the browser back from another site, and a moderator follows links to the
dashboard from Slack or Teams; Lax still keeps them off every cross-site POST, and each form
carries a CSRF token besides.
"""

from __future__ import annotations

from typing import Literal

from aiohttp import web

SESSION = "__Host-huribot_session"
SIGN_IN = "__Host-huribot_sign_in"
"""A sign-in under way: the state, nonce and PKCE verifier the provider's answer must match."""
FORM = "__Host-huribot_form"
"""The CSRF token of the forms shown before signing in (double-submit)."""
LANGUAGE = "__Host-huribot_language"

SIGN_IN_SECONDS = 600
"""How long a moderator may take at the identity provider's page."""
YEAR_SECONDS = 365 * 24 * 3600


def set_cookie(
    response: web.StreamResponse,
    name: str,
    value: str,
    *,
    max_age: int,
    same_site: Literal["Lax", "Strict"] = "Lax",
) -> None:
    """Set one of the dashboard's cookies."""
    response.set_cookie(
        name, value, max_age=max_age, path="/", secure=True, httponly=True, samesite=same_site
    )


def clear_cookie(response: web.StreamResponse, name: str) -> None:
    """Have the browser forget a cookie (its attributes must match for `__Host-`)."""
    response.del_cookie(name, path="/", secure=True, httponly=True, samesite="Lax")
