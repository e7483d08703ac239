"""The figures of a span of weeks, for the dashboard's charts: questions per week and how
they fared, the askers' ratings, time to a Secretariat answer, the most-asked open groups,
and volume by language and platform.

Each is one SQL aggregate bounded by the span (the same on SQLite and PostgreSQL), so a
year of questions is counted by the database, not read into the web process. Weeks run
Monday to Sunday in UTC; which week a question falls in is decided by comparisons with the
weeks' starts computed here (as the span's own bounds are), so no database's date
functions, time zone or rounding come into it.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import astuple, dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import cast

from sqlalchemy import ColumnElement, Integer, case, func, literal_column, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from bot.db.models import Question, QuestionGroup
from bot.questions.log import Feedback
from bot.questions.status import QuestionStatus

WEEK = timedelta(weeks=1)
TOP_UNANSWERED = 10
Moment = InstrumentedAttribute[datetime] | InstrumentedAttribute[datetime | None]
Key = InstrumentedAttribute[str] | InstrumentedAttribute[str | None]
ASKED = (
    QuestionStatus.ANSWERED_BY_BOT.value,
    QuestionStatus.OPEN.value,
    QuestionStatus.ASSIGNED.value,
    QuestionStatus.ANSWERED.value,
    QuestionStatus.DISMISSED.value,
)
"""The questions counted: answered by the bot, or handed to the Secretariat (small talk,
help and questions still being answered are not)."""
WAITING = (QuestionStatus.OPEN.value, QuestionStatus.ASSIGNED.value)
RATINGS = (Feedback.HELPFUL.value, Feedback.NOT_HELPFUL.value)
"""The ratings of an answer (*Ask the Secretariat* is a request, not a rating)."""


def share(part: int, whole: int) -> float | None:
    """`part` as a fraction of `whole`; None when there is no whole to share."""
    return part / whole if whole else None


@dataclass(frozen=True, slots=True)
class Weeks:
    """A span of whole weeks, Monday to Sunday in UTC."""

    first: date
    """The first week's Monday."""
    count: int

    @classmethod
    def ending_at(cls, now: datetime, count: int) -> Weeks:
        """The `count` weeks up to and including the week of `now`."""
        if count < 1:
            raise ValueError(f"a span of weeks has at least one week, not {count}")
        today = now.astimezone(UTC).date()
        monday = today - timedelta(days=today.weekday())
        return cls(first=monday - (count - 1) * WEEK, count=count)

    @property
    def mondays(self) -> tuple[date, ...]:
        """Each week's Monday, oldest first."""
        return tuple(self.first + index * WEEK for index in range(self.count))

    @property
    def last(self) -> date:
        """The last week's Monday."""
        return self.first + (self.count - 1) * WEEK

    @property
    def last_day(self) -> date:
        """The span's last day (a Sunday)."""
        return self.last + timedelta(days=6)

    @property
    def start(self) -> datetime:
        """The span's first moment."""
        return datetime.combine(self.first, time(), UTC)

    @property
    def end(self) -> datetime:
        """The moment after the span (the next Monday's midnight)."""
        return self.start + self.count * WEEK

    def index(self, moment: datetime) -> int:
        """Which of the weeks `moment` falls in (0: the first)."""
        return (moment.astimezone(UTC).date() - self.first).days // 7


def _within(column: Moment, weeks: Weeks) -> ColumnElement[bool]:
    return (column >= weeks.start) & (column < weeks.end)


def _asked_within(weeks: Weeks) -> ColumnElement[bool]:
    return Question.status.in_(ASKED) & _within(Question.received_at, weeks)


def _week_of(column: Moment, weeks: Weeks) -> ColumnElement[int]:
    """The index of the week `column` falls in (for a moment within the span), as SQL:
    comparisons with the weeks' starts that halve the weeks left each time, so a year costs
    six comparisons a row rather than fifty-two."""

    def among(first: int, last: int) -> ColumnElement[int]:
        if first == last:
            return literal_column(str(first), Integer)
        middle = (first + last + 1) // 2
        later = column >= weeks.start + middle * WEEK
        return case((later, among(middle, last)), else_=among(first, middle - 1))

    return among(0, weeks.count - 1)


@dataclass(frozen=True, slots=True)
class Outcomes:
    """How some questions fared, and how their askers rated the bot's answers."""

    questions: int = 0
    answered_by_bot: int = 0
    answered_by_secretariat: int = 0
    waiting: int = 0
    """Still open for the Secretariat (taken by a moderator or not)."""
    dismissed: int = 0
    rated: int = 0
    helpful: int = 0

    def __add__(self, other: Outcomes) -> Outcomes:
        return Outcomes(*(a + b for a, b in zip(astuple(self), astuple(other), strict=True)))

    @property
    def answered(self) -> int:
        """Answered by the bot or by the Secretariat."""
        return self.answered_by_bot + self.answered_by_secretariat

    @property
    def share_answered(self) -> float | None:
        """The share of questions answered, by the bot or by the Secretariat."""
        return share(self.answered, self.questions)

    @property
    def share_answered_by_bot(self) -> float | None:
        """The share the bot answered itself (and the asker did not send on)."""
        return share(self.answered_by_bot, self.questions)

    @property
    def share_helpful(self) -> float | None:
        """The share of rated answers rated helpful."""
        return share(self.helpful, self.rated)


@dataclass(frozen=True, slots=True)
class WeekOutcomes:
    """The outcomes of the questions asked in one week."""

    week: date
    outcomes: Outcomes


async def weekly_outcomes(session: AsyncSession, weeks: Weeks) -> tuple[WeekOutcomes, ...]:
    """Each week of the span (weeks without questions too), by the week questions were
    asked: a question the bot answered, rated *Not helpful* and the Secretariat then
    answered counts as the Secretariat's."""
    asked = (
        select(
            _week_of(Question.received_at, weeks).label("week"), Question.status, Question.feedback
        )
        .where(_asked_within(weeks))
        .subquery()
    )
    status, feedback = asked.c.status, asked.c.feedback
    rows = await session.execute(
        select(
            asked.c.week,
            func.count(),
            func.count().filter(status == QuestionStatus.ANSWERED_BY_BOT.value),
            func.count().filter(status == QuestionStatus.ANSWERED.value),
            func.count().filter(status.in_(WAITING)),
            func.count().filter(status == QuestionStatus.DISMISSED.value),
            func.count().filter(feedback.in_(RATINGS)),
            func.count().filter(feedback == Feedback.HELPFUL.value),
        ).group_by(asked.c.week)
    )
    found = {int(week): Outcomes(*(int(n) for n in counts)) for week, *counts in rows}
    return tuple(
        WeekOutcomes(monday, found.get(index, Outcomes()))
        for index, monday in enumerate(weeks.mondays)
    )


@dataclass(frozen=True, slots=True)
class WeekSpeed:
    """The Secretariat's answers given in one week: how many askers got one, and the
    median time from their question to it."""

    week: date
    answers: int
    median_hours: float | None


@dataclass(frozen=True, slots=True)
class SecretariatSpeed:
    """Time to a Secretariat answer over a span, week by week and overall."""

    weeks: tuple[WeekSpeed, ...]
    answers: int
    median_hours: float | None


async def secretariat_speed(session: AsyncSession, weeks: Weeks) -> SecretariatSpeed:
    """For every asker the Secretariat answered within the span, the time from their
    question to the group's answer, by the week the answer was given. (A median is no SQL
    aggregate SQLite knows, so the two moments of each answered question are read, and
    only those of the span.)"""
    rows = await session.execute(
        select(QuestionGroup.answered_at, Question.received_at)
        .join(QuestionGroup, Question.group_id == QuestionGroup.id)
        .where(
            Question.status == QuestionStatus.ANSWERED.value,
            _within(QuestionGroup.answered_at, weeks),
        )
    )
    hours: defaultdict[int, list[float]] = defaultdict(list)
    for maybe_answered_at, received_at in rows:
        answered_at = cast(datetime, maybe_answered_at)  # NULL is not within the span
        waited = max((answered_at - received_at).total_seconds(), 0.0) / 3600
        hours[weeks.index(answered_at)].append(waited)
    every = [waited for waits in hours.values() for waited in waits]
    return SecretariatSpeed(
        weeks=tuple(
            WeekSpeed(monday, len(hours[index]), _median(hours[index]))
            for index, monday in enumerate(weeks.mondays)
        ),
        answers=len(every),
        median_hours=_median(every),
    )


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


@dataclass(frozen=True, slots=True)
class OpenTopic:
    """A group still waiting for the Secretariat, and how many asked it within the span."""

    group_id: int
    title: str
    askers: int
    first_asked: datetime
    last_asked: datetime


async def top_unanswered(
    session: AsyncSession, weeks: Weeks, *, limit: int = TOP_UNANSWERED
) -> tuple[OpenTopic, ...]:
    """The open groups most asked within the span, most askers first (then the most
    recently asked)."""
    askers = func.count(Question.id)
    last_asked = func.max(Question.received_at)
    rows = await session.execute(
        select(
            QuestionGroup.id,
            QuestionGroup.title,
            askers,
            func.min(Question.received_at),
            last_asked,
        )
        .join(Question, Question.group_id == QuestionGroup.id)
        .where(QuestionGroup.status.in_(WAITING), _within(Question.received_at, weeks))
        .group_by(QuestionGroup.id, QuestionGroup.title)
        .order_by(askers.desc(), last_asked.desc(), QuestionGroup.id)
        .limit(limit)
    )
    return tuple(
        OpenTopic(group_id=group, title=title, askers=int(n), first_asked=first, last_asked=last)
        for group, title, n, first, last in rows
    )


@dataclass(frozen=True, slots=True)
class Volume:
    """How many questions within the span had one language, or came from one platform."""

    key: str | None
    """The language's code (None: not recorded) or the platform's name."""
    questions: int


async def volume_by_language(session: AsyncSession, weeks: Weeks) -> tuple[Volume, ...]:
    """Questions within the span by the language they were written in, most first."""
    return await _volume(session, weeks, Question.language)


async def volume_by_platform(session: AsyncSession, weeks: Weeks) -> tuple[Volume, ...]:
    """Questions within the span by the platform they were asked on, most first."""
    return await _volume(session, weeks, Question.platform)


async def _volume(session: AsyncSession, weeks: Weeks, column: Key) -> tuple[Volume, ...]:
    rows = await session.execute(
        select(column, func.count()).where(_asked_within(weeks)).group_by(column)
    )
    volumes = [Volume(key, int(n)) for key, n in rows]
    return tuple(sorted(volumes, key=lambda v: (-v.questions, v.key or "")))
