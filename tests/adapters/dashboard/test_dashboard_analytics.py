"""The analytics page over questions asked and answered through the core, as in chat: a
chart for each figure, named and summed up for screen readers, its numbers in a table, a
CSV for each (named for its weeks, formula-safe, never cached); the span chosen in a form;
in the page's language; a page that says so when there is nothing to count yet."""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections import Counter
from datetime import UTC, datetime, timedelta

import aiohttp
import pytest

from bot.questions.analytics import Weeks
from tests.adapters.dashboard.analytics_data import (
    CHARTS,
    FLIGHTS,
    FORMULA,
    UPR,
    Asked,
    ask_and_answer,
)
from tests.adapters.dashboard.conftest import Dashboard, shown

REPORTS = (
    "questions-per-week",
    "share-answered",
    "share-helpful",
    "time-to-answer",
    "top-unanswered",
    "by-language",
    "by-platform",
)
CHART = re.compile(
    r'<svg class="chart [^"]*"[^>]*role="img" aria-labelledby="([\w-]+)" '
    r'aria-describedby="([\w-]+)">'
)


@pytest.fixture
async def asked(dashboard: Dashboard) -> Asked:
    asked = await ask_and_answer(dashboard.services)
    assert (await dashboard.sign_in()).status == 303
    return asked


def charts(html: str) -> list[tuple[str, str]]:
    """Each chart's accessible name (its <title>) and description (its <desc>)."""
    found = []
    for title_id, desc_id in CHART.findall(html):
        title = re.search(rf'<title id="{title_id}">([^<]*)</title>', html)
        desc = re.search(rf'<desc id="{desc_id}">([^<]*)</desc>', html)
        assert title and desc, (title_id, desc_id)
        found.append((title.group(1), desc.group(1)))
    return found


def facts(html: str) -> dict[str, str]:
    return dict(re.findall(r"<div><dt>([^<]+)</dt><dd>([^<]+)</dd></div>", html))


def section(html: str, key: str) -> str:
    """The part of the page about one chart."""
    return html.split(f'aria-labelledby="{key}-heading"', 1)[1].split("</section>", 1)[0]


async def download(
    dashboard: Dashboard, key: str, **query: str
) -> tuple[aiohttp.ClientResponse, list[dict[str, str]]]:
    """A chart's CSV, and its rows by column name."""
    response = await dashboard.http.get(dashboard.path(f"/analytics/{key}.csv"), params=query)
    assert response.status == 200, await response.text()
    body = await response.read()
    assert body.startswith(codecs.BOM_UTF8)  # so that Excel reads the accents as UTF-8
    return response, list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"), newline="")))


async def test_the_page_charts_each_figure_with_an_accessible_name_and_its_numbers(
    dashboard: Dashboard, asked: Asked
) -> None:
    response = await dashboard.http.get(dashboard.path("/analytics"))
    assert response.status == 200
    html = await shown(response)
    assert [title for title, _ in charts(html)] == list(CHARTS)
    assert all(summary.strip() for _, summary in charts(html))
    assert facts(html) == {
        "Questions": "7",
        "Answered": "57%",  # 2 by the bot, 2 by the Secretariat
        "Answered by the bot": "29%",
        "Rated helpful": "50%",
        "Median time to a Secretariat answer": "36 hr",  # of 48 and 24 hours
    }
    assert '<a href="/dashboard/analytics" aria-current="page">Analytics</a>' in html
    assert '<option value="12" selected>Last 12 weeks</option>' in html

    unanswered = section(html, "top-unanswered")
    for text, group in asked.open_groups.items():
        assert f'<a href="/dashboard/groups/{group}">{text}</a>' in unanswered
    languages = section(html, "by-language")
    assert "English" in languages and "Spanish" in languages
    assert "Microsoft Teams" in section(html, "by-platform")
    for key in REPORTS:
        assert f'href="/dashboard/analytics/{key}.csv?weeks=12"' in section(html, key)
    assert "style=" not in html and "<script>" not in html  # nothing the policy would block


async def test_each_chart_downloads_as_a_csv_of_the_numbers_it_shows(
    dashboard: Dashboard, asked: Asked
) -> None:
    span = Weeks.ending_at(datetime.now(UTC), 12)
    tables = {}
    for key in REPORTS:
        response, rows = await download(dashboard, key)
        assert response.content_type == "text/csv" and response.charset == "utf-8"
        assert response.headers["Content-Disposition"] == (
            f'attachment; filename="huribot-{key}-{span.first}-to-{span.last_day}.csv"'
        )
        assert response.headers["Cache-Control"] == "no-store"
        tables[key] = rows

    received = [
        (await dashboard.services.intake.questions.get(q)).received_at for q in asked.questions
    ]
    per_week = Counter(str((at - timedelta(days=at.weekday())).date()) for at in received)
    weekly = tables["questions-per-week"]
    assert [row["week_start"] for row in weekly] == [str(monday) for monday in span.mondays]
    assert {r["week_start"]: int(r["questions"]) for r in weekly if r["questions"] != "0"} == (
        per_week
    )
    totals = {
        column: sum(int(row[column]) for row in weekly)
        for column in ("questions", "answered_by_bot", "answered_by_secretariat", "waiting")
    }
    assert totals == {
        "questions": 7,
        "answered_by_bot": 2,
        "answered_by_secretariat": 2,
        "waiting": 3,
    }
    for row in tables["share-answered"]:
        questions, answered = int(row["questions"]), int(row["answered"])
        expected = f"{round(answered / questions, 4)}" if questions else ""
        assert row["share_answered"] == expected
    helpful = tables["share-helpful"]
    assert (
        sum(int(r["rated"]) for r in helpful) == 2 and sum(int(r["helpful"]) for r in helpful) == 1
    )

    *earlier, this_week = tables["time-to-answer"]
    assert (this_week["secretariat_answers"], this_week["median_hours"]) == ("2", "36.0")
    assert {(r["secretariat_answers"], r["median_hours"]) for r in earlier} == {("0", "")}

    unanswered = {r["group_id"]: r for r in tables["top-unanswered"]}
    assert {int(g): r["question"] for g, r in unanswered.items()} == {
        asked.open_groups[UPR]: UPR,
        asked.open_groups[FLIGHTS]: FLIGHTS,
        asked.open_groups[FORMULA]: "'" + FORMULA,  # shown as text, never run
    }
    assert {r["askers"] for r in unanswered.values()} == {"1"}
    assert all(datetime.fromisoformat(r["first_asked"]).tzinfo for r in unanswered.values())
    assert tables["by-language"] == [
        {"language": "en", "questions": "6"},
        {"language": "es", "questions": "1"},
    ]
    assert tables["by-platform"] == [
        {"platform": "slack", "questions": "6"},
        {"platform": "teams", "questions": "1"},
    ]


async def test_the_form_chooses_the_weeks_and_any_other_span_means_twelve(
    dashboard: Dashboard, asked: Asked
) -> None:
    html = await shown(
        await dashboard.http.get(dashboard.path("/analytics"), params={"weeks": "4"})
    )
    assert '<option value="4" selected>Last 4 weeks</option>' in html
    span = Weeks.ending_at(datetime.now(UTC), 4)
    first, last = span.first.strftime("%b %-d, %Y"), span.last_day.strftime("%b %-d, %Y")
    assert f"Weeks of {first} to {last}, each from Monday to Sunday (UTC)." in html
    assert 'href="/dashboard/analytics/by-platform.csv?weeks=4"' in html
    _, rows = await download(dashboard, "questions-per-week", weeks="4")
    assert len(rows) == 4
    for unknown in ("1000", "0", "-3", "twelve"):
        _, rows = await download(dashboard, "share-helpful", weeks=unknown)
        assert len(rows) == 12, unknown
    html = await shown(await dashboard.http.get(dashboard.path("/analytics?weeks=99")))
    assert '<option value="12" selected>' in html


async def test_a_csv_the_page_does_not_offer_is_a_plain_404(
    dashboard: Dashboard, asked: Asked
) -> None:
    missing = await dashboard.http.get(dashboard.path("/analytics/questions.csv"))
    assert missing.status == 404
    assert "No such figures" in await shown(missing)


async def test_in_french_the_charts_their_figures_and_the_languages_are_french(
    dashboard: Dashboard, asked: Asked
) -> None:
    page = await dashboard.http.get(
        dashboard.path("/analytics"), headers={"Accept-Language": "fr-FR,fr;q=0.9"}
    )
    html = await shown(page)
    assert '<html lang="fr">' in html
    assert [title for title, _ in charts(html)][:2] == [
        "Questions par semaine",
        "Taux de réponse",
    ]
    assert facts(html)["Délai médian d'une réponse du Secrétariat"] == "36 h"
    assert facts(html)["Avec une réponse"] == "57 %"
    assert "Espagnol" in section(html, "by-language")
    assert "Les 12 dernières semaines" in html


async def test_before_any_question_the_page_says_there_is_nothing_to_count(
    dashboard: Dashboard,
) -> None:
    assert (await dashboard.sign_in()).status == 303
    html = await shown(await dashboard.http.get(dashboard.path("/analytics")))
    assert facts(html)["Questions"] == "0" and facts(html)["Answered"] == "—"
    assert charts(html)[0] == ("Questions per week", "No questions in these weeks.")
    assert charts(html)[3] == ("Time to a Secretariat answer", "Nothing to show for these weeks.")
    assert "Nothing is waiting: every question has been answered." in html
    assert "No questions in these weeks." in section(html, "by-language")
    _, rows = await download(dashboard, "top-unanswered")
    assert rows == []
