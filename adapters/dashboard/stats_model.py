"""What the analytics page shows of the core's figures (bot/questions/analytics.py): for
each, a chart, a sentence summing it up for screen readers, and a table of its numbers,
in the page's language. Aggregates only: the one text of members shown is the wording of
the open groups most asked, which the queue shows moderators already."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from adapters.dashboard.charts import Chart, Datum, column_chart, line_chart, row_chart
from adapters.dashboard.stats_words import NOTHING, Words
from bot.questions.analytics import (
    OpenTopic,
    Outcomes,
    SecretariatSpeed,
    Volume,
    WeekOutcomes,
    share,
)

PERIODS = (4, 12, 26, 52)
"""The spans, in weeks, the page offers."""
DEFAULT_WEEKS = 12

Write = Callable[[float], str]


def chosen_weeks(asked: str | None) -> int:
    """The span the address asks for, if the page offers it; else the default."""
    offered = {str(weeks): weeks for weeks in PERIODS}
    return offered.get(asked or "", DEFAULT_WEEKS)


@dataclass(frozen=True, slots=True)
class TableRow:
    cells: tuple[str, ...]
    group_id: int | None = None
    """When set, the first cell links to that group's page."""


@dataclass(frozen=True, slots=True)
class Table:
    columns: tuple[str, ...]
    rows: tuple[TableRow, ...]


@dataclass(frozen=True, slots=True)
class Panel:
    """One figure of the page: its chart, what it counts, its numbers; `empty` is said
    instead of them when there is nothing to show."""

    title: str
    hint: str
    chart: Chart
    table: Table
    empty: str | None = None


@dataclass(frozen=True, slots=True)
class Fact:
    label: str
    value: str


def facts(weeks: Sequence[WeekOutcomes], speed: SecretariatSpeed, words: Words) -> list[Fact]:
    """The span in five figures, above the charts."""
    _ = words._
    total = sum((w.outcomes for w in weeks), Outcomes())
    return [
        Fact(_("Questions"), words.number(total.questions)),
        Fact(_("Answered"), words.percent(total.share_answered)),
        Fact(_("Answered by the bot"), words.percent(total.share_answered_by_bot)),
        Fact(_("Rated helpful"), words.percent(total.share_helpful)),
        Fact(_("Median time to a Secretariat answer"), words.hours(speed.median_hours)),
    ]


def _count(words: Words) -> Write:
    return lambda value: words.number(int(value))


def _weekly(
    mondays: Sequence[date], values: Sequence[float | None], write: Write, words: Words
) -> list[Datum]:
    """A value per week, as a chart's data."""
    return [
        Datum(
            label=words.week(monday),
            name=words.week_of(monday),
            value=value,
            text=NOTHING if value is None else write(value),
        )
        for monday, value in zip(mondays, values, strict=True)
    ]


def _describe(mondays: Sequence[date], data: Sequence[Datum], words: Words) -> str:
    """A weekly series in one sentence: its weeks, its highest week, its latest."""
    _ = words._
    weeks = [(monday, d) for monday, d in zip(mondays, data, strict=True) if d.value is not None]
    if not weeks:
        return _("Nothing to show for these weeks.")
    high_week, highest = max(weeks, key=lambda week: week[1].value or 0)
    return _(
        "Weeks of %(first)s to %(last)s. Highest: %(high)s, in the week of %(high_week)s. "
        "Latest week: %(latest)s.",
        first=words.day(mondays[0]),
        last=words.day(mondays[-1]),
        high=highest.text,
        high_week=words.day(high_week),
        latest=data[-1].text,
    )


def _describe_rows(data: Sequence[Datum], words: Words) -> str:
    if not data:
        return words._("Nothing to show for these weeks.")
    return words._(
        "The largest is %(label)s, with %(value)s.", label=data[0].label, value=data[0].text
    )


def _week_table(
    mondays: Sequence[date], columns: Sequence[str], cells: Sequence[Sequence[str]], words: Words
) -> Table:
    """A row per week: its date, then its `cells`."""
    return Table(
        columns=(words._("Week"), *columns),
        rows=tuple(
            TableRow((words.day(monday), *row)) for monday, row in zip(mondays, cells, strict=True)
        ),
    )


def questions_panel(weeks: Sequence[WeekOutcomes], words: Words) -> Panel:
    """Questions per week, with how they fared in the table."""
    _ = words._
    mondays = [w.week for w in weeks]
    counts = [w.outcomes.questions for w in weeks]
    data = _weekly(mondays, counts, _count(words), words)
    title = _("Questions per week")
    description = (
        _describe(mondays, data, words) if any(counts) else _("No questions in these weeks.")
    )
    return Panel(
        title=title,
        hint=_(
            "Questions the bot answered or handed to the Secretariat, by the week they were "
            "asked (small talk and help are not counted)."
        ),
        chart=column_chart(title, description, data, write=_count(words), whole=True),
        table=_week_table(
            mondays,
            (
                _("Questions"),
                _("Answered by the bot"),
                _("Answered by the Secretariat"),
                _("Waiting"),
                _("Dismissed"),
            ),
            [
                [
                    words.number(n)
                    for n in (
                        o.questions,
                        o.answered_by_bot,
                        o.answered_by_secretariat,
                        o.waiting,
                        o.dismissed,
                    )
                ]
                for o in (w.outcomes for w in weeks)
            ],
            words,
        ),
    )


def answered_panel(weeks: Sequence[WeekOutcomes], words: Words) -> Panel:
    """The share answered each week: by the bot or the Secretariat, and by the bot alone."""
    _ = words._
    mondays = [w.week for w in weeks]
    outcomes = [w.outcomes for w in weeks]
    series = [
        (_("By the bot or the Secretariat"), [o.share_answered for o in outcomes]),
        (_("By the bot"), [o.share_answered_by_bot for o in outcomes]),
    ]
    lines = [(name, _weekly(mondays, values, words.percent, words)) for name, values in series]
    title = _("Share answered")
    description = " ".join(
        _("%(series)s: %(summary)s", series=name, summary=_describe(mondays, data, words))
        for name, data in lines
    )
    return Panel(
        title=title,
        hint=_("Of each week's questions, the share answered so far."),
        chart=line_chart(title, description, lines, write=words.percent, top=1),
        table=_week_table(
            mondays,
            (_("Questions"), _("By the bot or the Secretariat"), _("By the bot")),
            [
                [
                    words.number(o.questions),
                    words.percent(o.share_answered),
                    words.percent(o.share_answered_by_bot),
                ]
                for o in outcomes
            ],
            words,
        ),
    )


def helpful_panel(weeks: Sequence[WeekOutcomes], words: Words) -> Panel:
    """The share of the bot's rated answers rated helpful, each week."""
    _ = words._
    mondays = [w.week for w in weeks]
    outcomes = [w.outcomes for w in weeks]
    data = _weekly(mondays, [o.share_helpful for o in outcomes], words.percent, words)
    title = _("Share rated helpful")
    name = _("Rated helpful")
    return Panel(
        title=title,
        hint=_("Of the bot's answers their askers rated, by the week they were asked."),
        chart=line_chart(
            title,
            _describe(mondays, data, words),
            [(name, data)],
            write=words.percent,
            top=1,
        ),
        table=_week_table(
            mondays,
            (_("Ratings"), name),
            [[words.number(o.rated), words.percent(o.share_helpful)] for o in outcomes],
            words,
        ),
    )


def speed_panel(speed: SecretariatSpeed, words: Words) -> Panel:
    """The median time to a Secretariat answer, by the week answers were given."""
    _ = words._
    mondays = [w.week for w in speed.weeks]
    data = _weekly(mondays, [w.median_hours for w in speed.weeks], words.hours, words)
    title = _("Time to a Secretariat answer")
    return Panel(
        title=title,
        hint=_(
            "The median time from a member's question to the Secretariat's answer, by the "
            "week the answer was given."
        ),
        chart=column_chart(title, _describe(mondays, data, words), data, write=words.hours),
        table=_week_table(
            mondays,
            (_("Askers answered"), _("Median time")),
            [[words.number(w.answers), words.hours(w.median_hours)] for w in speed.weeks],
            words,
        ),
    )


def unanswered_panel(topics: Sequence[OpenTopic], words: Words) -> Panel:
    """The open groups most asked within the span, each linked to its page."""
    _ = words._
    data = [
        Datum(
            label=topic.title,
            name=topic.title,
            value=topic.askers,
            text=words.number(topic.askers),
        )
        for topic in topics
    ]
    title = _("Top unanswered topics")
    return Panel(
        title=title,
        hint=_("Groups still waiting for an answer, by how many asked them in these weeks."),
        chart=row_chart(title, _describe_rows(data, words), data),
        table=Table(
            columns=(_("Question"), _("Askers"), _("First asked"), _("Last asked")),
            rows=tuple(
                TableRow(
                    (
                        topic.title,
                        words.number(topic.askers),
                        words.moment(topic.first_asked),
                        words.moment(topic.last_asked),
                    ),
                    group_id=topic.group_id,
                )
                for topic in topics
            ),
        ),
        empty=None if topics else _("Nothing is waiting: every question has been answered."),
    )


def _volume_panel(
    volumes: Sequence[Volume],
    words: Words,
    *,
    title: str,
    column: str,
    name: Callable[[str | None], str],
) -> Panel:
    _ = words._
    total = sum(v.questions for v in volumes)
    data = [
        Datum(
            label=name(v.key), name=name(v.key), value=v.questions, text=words.number(v.questions)
        )
        for v in volumes
    ]
    return Panel(
        title=title,
        hint=_("Questions asked in these weeks."),
        chart=row_chart(title, _describe_rows(data, words), data),
        table=Table(
            columns=(column, _("Questions"), _("Share")),
            rows=tuple(
                TableRow((d.label, d.text, words.percent(share(v.questions, total))))
                for d, v in zip(data, volumes, strict=True)
            ),
        ),
        empty=None if volumes else _("No questions in these weeks."),
    )


def language_panel(volumes: Sequence[Volume], words: Words) -> Panel:
    """Questions by the language they were written in."""
    _ = words._
    return _volume_panel(
        volumes,
        words,
        title=_("Questions by language"),
        column=_("Language"),
        name=words.language_name,
    )


def platform_panel(volumes: Sequence[Volume], words: Words) -> Panel:
    """Questions by the platform they were asked on."""
    _ = words._
    return _volume_panel(
        volumes,
        words,
        title=_("Questions by platform"),
        column=_("Platform"),
        name=words.platform,
    )
