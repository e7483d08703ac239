"""The analytics page: how members were served over the weeks chosen, in charts, each with
its numbers and its CSV. The figures are the core's (bot/questions/analytics.py, the
package `huribot stats` and the chat's `stats` read too), all read in one session."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.dashboard.context import LANGUAGE, SERVICES
from adapters.dashboard.i18n import gettext_for
from adapters.dashboard.pages import message_error, render
from adapters.dashboard.stats_csv import (
    CsvTable,
    answered_csv,
    csv_download,
    helpful_csv,
    language_csv,
    platform_csv,
    questions_csv,
    speed_csv,
    unanswered_csv,
)
from adapters.dashboard.stats_model import (
    PERIODS,
    Panel,
    answered_panel,
    chosen_weeks,
    facts,
    helpful_panel,
    language_panel,
    platform_panel,
    questions_panel,
    speed_panel,
    unanswered_panel,
)
from adapters.dashboard.stats_words import Words
from bot.questions.analytics import (
    Weeks,
    secretariat_speed,
    top_unanswered,
    volume_by_language,
    volume_by_platform,
    weekly_outcomes,
)

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Report(Generic[T]):
    """One chart of the page: the core's figures it shows, its panel and its CSV."""

    key: str
    """In its CSV's address, its file's name and its elements' ids."""
    figures: Callable[[AsyncSession, Weeks], Awaitable[T]]
    panel: Callable[[T, Words], Panel]
    table: Callable[[T], CsvTable]


REPORTS: tuple[Report[Any], ...] = (
    Report("questions-per-week", weekly_outcomes, questions_panel, questions_csv),
    Report("share-answered", weekly_outcomes, answered_panel, answered_csv),
    Report("share-helpful", weekly_outcomes, helpful_panel, helpful_csv),
    Report("time-to-answer", secretariat_speed, speed_panel, speed_csv),
    Report("top-unanswered", top_unanswered, unanswered_panel, unanswered_csv),
    Report("by-language", volume_by_language, language_panel, language_csv),
    Report("by-platform", volume_by_platform, platform_panel, platform_csv),
)
REPORT_KEYS = {report.key: report for report in REPORTS}


def _weeks(request: web.Request) -> Weeks:
    """The span the moderator chose, ending with the current week."""
    now = request.app[SERVICES].clock()
    return Weeks.ending_at(now, chosen_weeks(request.query.get("weeks")))


async def analytics(request: web.Request) -> web.StreamResponse:
    """Every chart of the span; figures two charts share are read once."""
    services = request.app[SERVICES]
    weeks = _weeks(request)
    words = Words(request[LANGUAGE], now=services.clock())
    figures: dict[object, Any] = {}
    async with services.moderation.database.sessions() as session:
        for report in REPORTS:
            if report.figures not in figures:
                figures[report.figures] = await report.figures(session, weeks)
    return render(
        request,
        "analytics.html",
        weeks=weeks,
        periods=PERIODS,
        words=words,
        facts=facts(figures[weekly_outcomes], figures[secretariat_speed], words),
        sections=[(report.key, report.panel(figures[report.figures], words)) for report in REPORTS],
    )


async def analytics_csv(request: web.Request) -> web.StreamResponse:
    """One chart's numbers as a CSV file."""
    report = REPORT_KEYS.get(request.match_info["report"])
    if report is None:
        _ = gettext_for(request[LANGUAGE])
        raise message_error(
            request,
            web.HTTPNotFound,
            title=_("No such figures"),
            message=_("The analytics page links to every CSV there is: download it from there."),
        )
    weeks = _weeks(request)
    async with request.app[SERVICES].moderation.database.sessions() as session:
        figures = await report.figures(session, weeks)
    return csv_download(report.table(figures), key=report.key, weeks=weeks)
