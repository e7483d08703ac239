"""Signing in and out: the sign-in page, the round trip through an identity provider, the
one-time set-up token, and the language switch (the one preference kept in a cookie).

Whoever signs in at the provider but is not a moderator gets a clear 403 and no session; so
does every answer from the provider that fails any check, whatever the check.
"""

from __future__ import annotations

import hmac
import secrets

import structlog
from aiohttp import web

from adapters.dashboard import cookies
from adapters.dashboard.config import IdentityProvider
from adapters.dashboard.context import (
    FORM_TOKEN,
    LANGUAGE,
    OPENID,
    SERVICES,
    SESSION_TOKEN,
    SIGNED_IN,
)
from adapters.dashboard.i18n import LANGUAGES, gettext_for
from adapters.dashboard.oidc import OpenIdClient, ProviderUnavailableError, SignInError
from adapters.dashboard.pages import message_page, render, url
from adapters.dashboard.signin_flow import HOME, PendingSignIn, safe_next
from bot.moderation.directory import Actor, NotAModeratorError
from bot.moderation.sessions import DASHBOARD, NewSession, SetupTokenError, UsedSetupTokenError

logger = structlog.get_logger(__name__)

NOTICES = frozenset({"signed-out"})


async def sign_in_page(request: web.Request) -> web.StreamResponse:
    """The providers configured, and the set-up token's form when one is."""
    if SIGNED_IN in request:
        raise web.HTTPSeeOther(HOME)
    token = request.cookies.get(cookies.FORM) or secrets.token_urlsafe(32)
    request[FORM_TOKEN] = token
    config = request.app[SERVICES].config
    notice = request.query.get("notice")
    response = render(
        request,
        "sign_in.html",
        providers=config.providers,
        setup_token=config.setup_token,
        next_path=safe_next(request.query.get("next")),
        notice=notice if notice in NOTICES else None,
    )
    if request.cookies.get(cookies.FORM) != token:
        cookies.set_cookie(response, cookies.FORM, token, max_age=86400, same_site="Strict")
    return response


def _client(request: web.Request) -> OpenIdClient:
    client = request.app[OPENID].get(request.match_info["provider"])
    if client is None:
        raise web.HTTPNotFound()
    return client


async def start(request: web.Request) -> web.StreamResponse:
    """Send the browser to the provider, remembering this sign-in in its cookie."""
    client = _client(request)
    provider = client.provider
    pending = PendingSignIn.begin(provider.key, next_path=request.query.get("next"))
    try:
        target = await client.authorization_url(
            redirect_uri=request.app[SERVICES].config.callback_url(provider),
            state=pending.state,
            nonce=pending.nonce,
            code_challenge=pending.code_challenge,
        )
    except ProviderUnavailableError as exc:
        return _unavailable(request, provider, exc)
    response = web.Response(status=303, headers={"Location": target})
    cookies.set_cookie(response, cookies.SIGN_IN, pending.encode(), max_age=cookies.SIGN_IN_SECONDS)
    return response


async def callback(request: web.Request) -> web.StreamResponse:
    """The provider's answer: checked, then a session for a moderator or a 403."""
    client = _client(request)
    provider = client.provider
    _ = gettext_for(request[LANGUAGE])
    pending = PendingSignIn.decode(request.cookies.get(cookies.SIGN_IN))
    state = request.query.get("state", "")
    if (
        pending is None
        or pending.provider != provider.key
        or not hmac.compare_digest(state.encode(), pending.state.encode())
    ):
        logger.warning("dashboard.sign_in_refused", provider=provider.key, reason="state")
        return _forget_sign_in(_start_again(request, provider, status=400))
    if "error" in request.query or "code" not in request.query:
        error = request.query.get("error", "no code")[:100]  # the provider's word, bounded
        logger.info("dashboard.sign_in_declined", provider=provider.key, error=error)
        return _forget_sign_in(_start_again(request, provider, status=403, declined=True))
    try:
        claims = await client.id_token_claims(
            code=request.query["code"],
            redirect_uri=request.app[SERVICES].config.callback_url(provider),
            code_verifier=pending.verifier,
            nonce=pending.nonce,
        )
    except ProviderUnavailableError as exc:
        return _forget_sign_in(_unavailable(request, provider, exc))
    except SignInError as exc:
        logger.warning("dashboard.sign_in_refused", provider=provider.key, reason=exc.reason)
        return _forget_sign_in(
            message_page(
                request,
                status=403,
                title=_("Sign-in refused"),
                message=_(
                    "The answer from %(provider)s could not be verified, so you are not "
                    "signed in. Try again; if it happens again, tell the Secretariat's "
                    "technical team.",
                    provider=provider.label,
                ),
                retry=url(request, "sign_in"),
            )
        )
    actor = Actor(
        provider.platform,
        str(claims[provider.user_claim]),
        name=str(claims["name"]) if claims.get("name") else None,
        acted_on=DASHBOARD,
    )
    try:
        opened = await request.app[SERVICES].sessions.start(actor, method=provider.key)
    except NotAModeratorError:
        return _forget_sign_in(_refused(request, actor))
    return _forget_sign_in(_signed_in(request, opened, pending.next))


async def setup_token(request: web.Request) -> web.StreamResponse:
    """Sign in once with the set-up token."""
    _ = gettext_for(request[LANGUAGE])
    form = await request.post()
    try:
        opened = await request.app[SERVICES].sessions.redeem_setup_token(str(form.get("token", "")))
    except SetupTokenError as exc:
        used = isinstance(exc, UsedSetupTokenError)
        return message_page(
            request,
            status=403,
            title=_("Sign-in refused"),
            message=_(
                "The set-up token has been used already: it signs in only once. Sign in "
                "with your organisation's account instead."
            )
            if used
            else _("That is not the set-up token."),
            retry=url(request, "sign_in"),
        )
    return _signed_in(request, opened, safe_next(str(form.get("next", ""))))


async def sign_out(request: web.Request) -> web.StreamResponse:
    """End the session, on every server process."""
    await request.app[SERVICES].sessions.end(request[SESSION_TOKEN])
    response = web.Response(
        status=303, headers={"Location": url(request, "sign_in", q_notice="signed-out")}
    )
    cookies.clear_cookie(response, cookies.SESSION)
    return response


async def choose_language(request: web.Request) -> web.StreamResponse:
    """Keep the moderator's choice of language, then go back where they were."""
    chosen = request.match_info["language"]
    if chosen not in LANGUAGES:
        raise web.HTTPNotFound()
    response = web.Response(status=303, headers={"Location": safe_next(request.query.get("next"))})
    cookies.set_cookie(response, cookies.LANGUAGE, chosen, max_age=cookies.YEAR_SECONDS)
    return response


def _signed_in(request: web.Request, opened: NewSession, next_path: str) -> web.Response:
    """To the page asked for, with the session's cookie (kept as long as the session lasts;
    the server ends the session, whatever the browser keeps)."""
    response = web.Response(status=303, headers={"Location": next_path})
    lifetime = request.app[SERVICES].config.session_lifetime
    cookies.set_cookie(
        response, cookies.SESSION, opened.token, max_age=int(lifetime.total_seconds())
    )
    return response


def _forget_sign_in(response: web.Response) -> web.Response:
    """A sign-in's cookie serves one answer from the provider, whatever its outcome."""
    cookies.clear_cookie(response, cookies.SIGN_IN)
    return response


def _refused(request: web.Request, actor: Actor) -> web.Response:
    _ = gettext_for(request[LANGUAGE])
    logger.info("dashboard.not_a_moderator", actor=str(actor))
    return message_page(
        request,
        status=403,
        title=_("Only the Secretariat's moderators can use this dashboard"),
        message=_(
            "You signed in as %(name)s, who is not one of them. If you should be, ask the "
            "Secretariat to add you to the moderators.",
            name=actor.name or str(actor),
        ),
        retry=url(request, "sign_in"),
    )


def _start_again(
    request: web.Request, provider: IdentityProvider, *, status: int, declined: bool = False
) -> web.Response:
    _ = gettext_for(request[LANGUAGE])
    message = (
        _("%(provider)s did not sign you in.", provider=provider.label)
        if declined
        else _("This sign-in has expired or was started in another window.")
    )
    return message_page(
        request,
        status=status,
        title=_("Not signed in"),
        message=message + " " + _("Start again from the sign-in page."),
        retry=url(request, "sign_in"),
    )


def _unavailable(
    request: web.Request, provider: IdentityProvider, exc: ProviderUnavailableError
) -> web.Response:
    _ = gettext_for(request[LANGUAGE])
    logger.warning(
        "dashboard.provider_unavailable",
        provider=provider.key,
        reason=exc.reason,
        fix=f"check that {provider.issuer} is reachable from this server",
    )
    return message_page(
        request,
        status=502,
        title=_("Sign-in is unavailable"),
        message=_(
            "%(provider)s could not be reached. Try again in a minute.", provider=provider.label
        ),
        retry=url(request, "sign_in"),
    )
