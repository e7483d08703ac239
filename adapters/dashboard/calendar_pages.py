"""The calendar's pages: its events by country and month, the UN country teams and the
subscriptions, a subscription's digest as the scheduler would post it on a chosen day, and
the yearly letter to a Resident Coordinator for download. Everything is read through the
core's calendar services, as chat and `huribot calendar|unct|subscription|digest` read it."""

from __future__ import annotations

from collections.abc import Mapping

from aiohttp import web

from adapters.dashboard.calendar_model import (
    chosen_country,
    chosen_day,
    chosen_language,
    chosen_month,
    status_names,
)
from adapters.dashboard.context import LANGUAGE, SERVICES
from adapters.dashboard.i18n import gettext_for
from adapters.dashboard.pages import message_error, render
from bot.calendar.letter_render import FORMATS, render_letter
from bot.calendar.subscriptions import UnknownSubscriptionError

TEAMS_NOTICES = frozenset({"unct", "removed"})
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "html": "text/html",
    "md": "text/markdown",
}
"""What each of the letter's formats (`bot.calendar.letter_render.FORMATS`) is sent as, in
the order the form offers them."""
YEARS = range(2000, 2101)
"""The years a letter may be asked for (those `huribot calendar overview` accepts)."""


async def events(request: web.Request) -> web.StreamResponse:
    """The events of a country (or all), of a month (or any), a page at a time."""
    services = request.app[SERVICES]
    query = request.query
    country = chosen_country(request, query.get("country", ""))
    month = chosen_month(request, query.get("month", ""))
    page_number = int(query["page"]) if query.get("page", "").isdecimal() else 1
    found = await services.calendar.events(
        country=country, month=month, language=request[LANGUAGE], page=page_number
    )
    filters = {"q_country": country or "", "q_month": month.strftime("%Y-%m") if month else ""}
    return render(
        request,
        "calendar_events.html",
        found=found,
        statuses=status_names(gettext_for(request[LANGUAGE])),
        countries=await services.calendar.countries(),
        country=country,
        month=filters["q_month"],
        filters={key: value for key, value in filters.items() if value},
    )


async def teams(request: web.Request) -> web.StreamResponse:
    """The UNCTs with their countries, and every subscription."""
    done = request.query.get("done")
    return await teams_page(request, notice=done if done in TEAMS_NOTICES else None)


async def teams_page(
    request: web.Request,
    *,
    notice: str | None = None,
    typed: Mapping[str, str] | None = None,
    error: str = "",
    status: int = 200,
) -> web.Response:
    """The teams page; after a UNCT form with an error, with what was typed in that form
    (`typed`: its `name` and `countries`) and what to fix."""
    services = request.app[SERVICES]
    subscriptions = await services.subscriptions.infos()
    uncts = await services.subscriptions.uncts()
    typed = dict(typed or {})
    return render(
        request,
        "calendar_teams.html",
        status=status,
        uncts=uncts,
        subscriptions=subscriptions,
        notice=notice,
        notice_value=request.query.get("name" if notice == "unct" else "id", "")[:200],
        typed=typed,
        error=error,
        error_for=typed.get("name", "") if typed.get("name") in {u.name for u in uncts} else "",
    )


def subscription_id(request: web.Request) -> int:
    """The subscription of the address (its route only matches digits)."""
    return int(request.match_info["subscription_id"])


def no_such_subscription(request: web.Request, wanted: int) -> web.HTTPException:
    """The 404 page of a subscription that does not exist (or no longer does)."""
    _ = gettext_for(request[LANGUAGE])
    return message_error(
        request,
        web.HTTPNotFound,
        title=_("No such subscription"),
        message=_("Subscription %(id)s does not exist (or no longer does).", id=wanted),
    )


async def digest(request: web.Request) -> web.StreamResponse:
    """What the subscription would get on the day chosen: its digest, then the reminders
    due that day, built by the scheduler itself; nothing is sent."""
    services = request.app[SERVICES]
    wanted = subscription_id(request)
    day = chosen_day(request, request.query.get("date", ""), default=services.clock().date())
    try:
        subscription = await services.subscriptions.info(wanted)
        messages = await services.scheduler.preview(wanted, as_of=day)
    except UnknownSubscriptionError:
        raise no_such_subscription(request, wanted) from None
    return render(
        request,
        "calendar_digest.html",
        subscription=subscription,
        day=day,
        digest=messages[0],
        reminders=messages[1:],
    )


async def letter(request: web.Request) -> web.StreamResponse:
    """The form that downloads a country's yearly letter, filled in from the address."""
    services = request.app[SERVICES]
    query = request.query
    year = query.get("year", "")
    _ = gettext_for(request[LANGUAGE])
    return render(
        request,
        "calendar_letter.html",
        countries=sorted(
            {*await services.calendar.countries()}
            | {code for unct in await services.subscriptions.uncts() for code in unct.countries}
        ),
        uncts=await services.subscriptions.uncts(),
        country=chosen_country(request, query.get("country", "")) or "",
        unct=query.get("unct", ""),
        year=int(year) if year.isdecimal() and int(year) in YEARS else services.clock().year,
        years=YEARS,
        letter_language=chosen_language(query.get("language", ""), default=request[LANGUAGE]),
        formats_offered=[fmt for fmt in CONTENT_TYPES if fmt in FORMATS],
        format_names={
            "pdf": "PDF",
            "docx": _("Word (.docx)"),
            "html": _("Web page (.html)"),
            "md": "Markdown (.md)",
        },
    )


async def letter_download(request: web.Request) -> web.StreamResponse:
    """The letter of the country and year asked for, as a file in the format asked for."""
    services = request.app[SERVICES]
    query = request.query
    _ = gettext_for(request[LANGUAGE])
    country = chosen_country(request, query.get("country", ""))
    year, fmt = query.get("year", ""), query.get("format", "pdf")
    if country is None or not year.isdecimal() or int(year) not in YEARS or fmt not in FORMATS:
        raise message_error(
            request,
            web.HTTPBadRequest,
            title=_("Check the letter's details"),
            message=_(
                "Choose a country, a year between %(first)s and %(last)s and one of the "
                "formats offered.",
                first=YEARS[0],
                last=YEARS[-1],
            ),
        )
    made = await services.calendar.letter(
        country,
        int(year),
        language=chosen_language(query.get("language", ""), default=request[LANGUAGE]),
        as_of=services.clock().date(),
        unct=query.get("unct", "").strip(),
    )
    return web.Response(
        body=render_letter(made, fmt),
        content_type=CONTENT_TYPES[fmt],
        charset="utf-8" if fmt in {"html", "md"} else None,
        headers={"Content-Disposition": f'attachment; filename="{made.file_name(fmt)}"'},
    )
