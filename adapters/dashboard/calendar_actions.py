"""The calendar's forms: set the countries a UN country team covers, remove a subscription.
Each calls the core's `Subscriptions` service, as `huribot unct set`, `huribot subscription
remove` and the chat's `unsubscribe` do, which records the change in the audit trail under
the moderator's name."""

from __future__ import annotations

from aiohttp import web

from adapters.dashboard.calendar_pages import (
    no_such_subscription,
    subscription_id,
    teams_page,
)
from adapters.dashboard.context import LANGUAGE, SERVICES, SIGNED_IN
from adapters.dashboard.i18n import gettext_for
from adapters.dashboard.pages import url
from bot.calendar.countries import UnknownCountryError, country_code
from bot.calendar.subscriptions import SubscriptionError, UnknownSubscriptionError


def _unknown(pieces: list[str]) -> str | None:
    """The first of the countries typed that no name or code matches."""
    for piece in pieces:
        try:
            country_code(piece)
        except UnknownCountryError:
            return piece
    return None


async def set_unct(request: web.Request) -> web.StreamResponse:
    """Create a UNCT or change the countries it covers (names or codes, comma-separated)."""
    form = await request.post()
    typed = {name: str(form.get(name, "")).strip() for name in ("name", "countries")}
    pieces = [piece.strip() for piece in typed["countries"].split(",") if piece.strip()]
    _ = gettext_for(request[LANGUAGE])
    unknown = _unknown(pieces)
    if unknown is not None:
        error = _(
            "No country is called “%(country)s”: use its name or its ISO code, and separate "
            "countries with commas.",
            country=unknown[:80],
        )
        return await teams_page(request, typed=typed, error=error, status=422)
    try:
        await request.app[SERVICES].subscriptions.set_unct(
            typed["name"], pieces, actor=str(request[SIGNED_IN].actor)
        )
    except SubscriptionError:
        error = _("Give the UNCT a name and at least one country.")
        return await teams_page(request, typed=typed, error=error, status=422)
    raise web.HTTPSeeOther(url(request, "calendar_teams", q_done="unct", q_name=typed["name"]))


async def remove_subscription(request: web.Request) -> web.StreamResponse:
    """Stop a conversation's digests and reminders."""
    wanted = subscription_id(request)
    try:
        await request.app[SERVICES].subscriptions.remove(
            wanted, actor=str(request[SIGNED_IN].actor)
        )
    except UnknownSubscriptionError:
        raise no_such_subscription(request, wanted) from None
    raise web.HTTPSeeOther(url(request, "calendar_teams", q_done="removed", q_id=wanted))
