"""Each analytics chart's numbers as a CSV download, for the Secretariat's own reports.

Column names are stable identifiers in English (like `huribot queue export`'s), whatever
the page's language; shares are fractions, durations hours; a cell with nothing to measure
is empty. Text cells pass the project's formula guard, and the file starts with a byte
order mark so that Excel reads its accents as UTF-8.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass

from aiohttp import web

from adapters.spreadsheet import spreadsheet_safe
from bot.questions.analytics import OpenTopic, SecretariatSpeed, Volume, WeekOutcomes, Weeks

Cell = str | int | float | None
SHARE_DIGITS = 4
HOURS_DIGITS = 1


@dataclass(frozen=True, slots=True)
class CsvTable:
    header: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]


def _rounded(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def questions_csv(weeks: Sequence[WeekOutcomes]) -> CsvTable:
    """week_start, questions and how they fared."""
    return CsvTable(
        (
            "week_start",
            "questions",
            "answered_by_bot",
            "answered_by_secretariat",
            "waiting",
            "dismissed",
        ),
        tuple(
            (
                w.week.isoformat(),
                w.outcomes.questions,
                w.outcomes.answered_by_bot,
                w.outcomes.answered_by_secretariat,
                w.outcomes.waiting,
                w.outcomes.dismissed,
            )
            for w in weeks
        ),
    )


def answered_csv(weeks: Sequence[WeekOutcomes]) -> CsvTable:
    """week_start, questions, how many answered and the shares."""
    return CsvTable(
        (
            "week_start",
            "questions",
            "answered",
            "answered_by_bot",
            "share_answered",
            "share_answered_by_bot",
        ),
        tuple(
            (
                w.week.isoformat(),
                w.outcomes.questions,
                w.outcomes.answered,
                w.outcomes.answered_by_bot,
                _rounded(w.outcomes.share_answered, SHARE_DIGITS),
                _rounded(w.outcomes.share_answered_by_bot, SHARE_DIGITS),
            )
            for w in weeks
        ),
    )


def helpful_csv(weeks: Sequence[WeekOutcomes]) -> CsvTable:
    """week_start, ratings, helpful ones and their share."""
    return CsvTable(
        ("week_start", "rated", "helpful", "share_helpful"),
        tuple(
            (
                w.week.isoformat(),
                w.outcomes.rated,
                w.outcomes.helpful,
                _rounded(w.outcomes.share_helpful, SHARE_DIGITS),
            )
            for w in weeks
        ),
    )


def speed_csv(speed: SecretariatSpeed) -> CsvTable:
    """week_start (of the answers), askers answered, median hours."""
    return CsvTable(
        ("week_start", "secretariat_answers", "median_hours"),
        tuple(
            (w.week.isoformat(), w.answers, _rounded(w.median_hours, HOURS_DIGITS))
            for w in speed.weeks
        ),
    )


def unanswered_csv(topics: Sequence[OpenTopic]) -> CsvTable:
    """group_id, question (the group's first wording), askers, first and last asked."""
    return CsvTable(
        ("group_id", "question", "askers", "first_asked", "last_asked"),
        tuple(
            (
                t.group_id,
                t.title,
                t.askers,
                t.first_asked.isoformat(timespec="seconds"),
                t.last_asked.isoformat(timespec="seconds"),
            )
            for t in topics
        ),
    )


def _volume_csv(column: str, volumes: Sequence[Volume]) -> CsvTable:
    return CsvTable((column, "questions"), tuple((v.key, v.questions) for v in volumes))


def language_csv(volumes: Sequence[Volume]) -> CsvTable:
    """language (its code; empty: not recorded), questions."""
    return _volume_csv("language", volumes)


def platform_csv(volumes: Sequence[Volume]) -> CsvTable:
    """platform, questions."""
    return _volume_csv("platform", volumes)


def csv_text(table: CsvTable) -> str:
    """The table as CSV (RFC 4180 line ends), text cells made safe for spreadsheets."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(table.header)
    for row in table.rows:
        writer.writerow(spreadsheet_safe(cell) if isinstance(cell, str) else cell for cell in row)
    return buffer.getvalue()


def csv_download(table: CsvTable, *, key: str, weeks: Weeks) -> web.Response:
    """The table as a file to save, named for what it counts and its weeks."""
    filename = f"huribot-{key}-{weeks.first.isoformat()}-to-{weeks.last_day.isoformat()}.csv"
    return web.Response(
        text="\ufeff" + csv_text(table),
        content_type="text/csv",
        charset="utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
