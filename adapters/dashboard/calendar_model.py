"""The words of the calendar's pages (an event's status), and the filters their addresses
carry (a country as a code or name, a month as YYYY-MM), read once for
every page: a country the calendar does not know is a 404 page, a malformed month a 400."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from aiohttp import web

from adapters.dashboard.context import LANGUAGE
from adapters.dashboard.i18n import Gettext, gettext_for
from adapters.dashboard.pages import message_error
from bot.calendar.countries import UnknownCountryError, country_code
from bot.calendar.wording import LANGUAGES


def status_names(_: Gettext) -> dict[str, str]:
    """Each status of an event (`bot.calendar.rows.STATUSES`), as the page says it."""
    return {
        "tentative": _("Provisional"),
        "confirmed": _("Confirmed"),
        "postponed": _("Postponed"),
        "held": _("Held"),
        "closed": _("Closed"),
        "cancelled": _("Cancelled"),
        "unknown": _("Not known"),
    }


def chosen_country(request: web.Request, value: str) -> str | None:
    """The ISO code of the country asked for (none when blank); a 404 page when unknown."""
    if not value.strip():
        return None
    try:
        return country_code(value)
    except UnknownCountryError:
        _ = gettext_for(request[LANGUAGE])
        raise message_error(
            request,
            web.HTTPNotFound,
            title=_("No such country"),
            message=_(
                "The calendar knows no country “%(country)s”: use its name or its ISO code, "
                "e.g. KEN for Kenya.",
                country=value.strip()[:80],
            ),
        ) from None


def chosen_month(request: web.Request, value: str) -> date | None:
    """The first day of the month asked for as YYYY-MM (none when blank); a 400 page when
    it is not one."""
    if not value.strip():
        return None
    try:
        return date.fromisoformat(f"{value.strip()}-01")
    except ValueError:
        raise _bad_request(request, _month_message, value) from None


def chosen_day(request: web.Request, value: str, *, default: date) -> date:
    """The day asked for as YYYY-MM-DD (`default` when blank); a 400 page when it is not one."""
    if not value.strip():
        return default
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise _bad_request(request, _day_message, value) from None


def chosen_language(value: str, *, default: str) -> str:
    """A language letters and digests are written in, else `default`."""
    return value if value in LANGUAGES else default


def _month_message(_: Gettext, value: str) -> str:
    return _("“%(value)s” is not a month: write it as YYYY-MM, e.g. 2027-03.", value=value)


def _day_message(_: Gettext, value: str) -> str:
    return _("“%(value)s” is not a date: write it as YYYY-MM-DD, e.g. 2027-03-15.", value=value)


def _bad_request(
    request: web.Request, say: Callable[[Gettext, str], str], value: str
) -> web.HTTPException:
    _ = gettext_for(request[LANGUAGE])
    return message_error(
        request, web.HTTPBadRequest, title=_("Check the address"), message=say(_, value[:40])
    )
