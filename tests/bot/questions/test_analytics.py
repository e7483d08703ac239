"""The figures of a span of weeks, on SQLite and PostgreSQL: which week a question falls in
(Monday to Sunday, UTC, whatever time zone it was stamped in), how each week's questions
fared and were rated, time to a Secretariat answer, the most-asked open groups, and volume
by language and platform; nothing outside the span, no small talk."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.engine import Database
from bot.db.models import Question, QuestionGroup
from bot.messages import ConversationRef, IncomingMessage
from bot.questions.analytics import (
    OpenTopic,
    Outcomes,
    SecretariatSpeed,
    Volume,
    WeekOutcomes,
    Weeks,
    WeekSpeed,
    secretariat_speed,
    top_unanswered,
    volume_by_language,
    volume_by_platform,
    weekly_outcomes,
)
from bot.questions.log import QuestionLog
from bot.questions.status import QuestionStatus

NOW = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)
"""A Thursday: the span of four weeks runs from Monday 2 to Sunday 29 November 2026."""
SPAN = Weeks.ending_at(NOW, 4)
FIRST = SPAN.start
NAIROBI = timezone(timedelta(hours=3))


def week(index: int, *, days: float = 0, hours: float = 0) -> datetime:
    """A moment in the span's week `index` (0 to 3), `days` and `hours` after its Monday."""
    return FIRST + timedelta(weeks=index, days=days, hours=hours)


class Log:
    """Writes questions and groups as the core leaves them, one session per test."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.asked = 0

    async def question(
        self,
        at: datetime,
        status: QuestionStatus = QuestionStatus.ANSWERED_BY_BOT,
        *,
        feedback: str | None = None,
        platform: str = "slack",
        language: str | None = "en",
        group: QuestionGroup | None = None,
    ) -> None:
        self.asked += 1
        self.session.add(
            Question(
                platform=platform,
                conversation={"platform": platform, "conversation_id": "C1"},
                user_id=f"U{self.asked}",
                text=f"question {self.asked}",
                language=language,
                received_at=at,
                status=status.value,
                feedback=feedback,
                group_id=group.id if group else None,
            )
        )
        await self.session.flush()

    async def group(
        self, title: str, status: QuestionStatus, *, answered_at: datetime | None = None
    ) -> QuestionGroup:
        created = week(0)
        group = QuestionGroup(
            title=title,
            status=status.value,
            created_at=created,
            updated_at=answered_at or created,
            answered_at=answered_at,
        )
        self.session.add(group)
        await self.session.flush()
        return group


@pytest.fixture
async def log(database: Database) -> AsyncIterator[Log]:
    async with database.sessions() as session:
        yield Log(session)


def test_a_span_is_whole_utc_weeks_from_monday_ending_with_the_week_of_now() -> None:
    assert SPAN.first == date(2026, 11, 2) and SPAN.last == date(2026, 11, 23)
    assert SPAN.last_day == date(2026, 11, 29)
    assert SPAN.mondays == tuple(date(2026, 11, day) for day in (2, 9, 16, 23))
    assert SPAN.start == datetime(2026, 11, 2, tzinfo=UTC)
    assert SPAN.end == datetime(2026, 11, 30, tzinfo=UTC)
    sunday_night_in_nairobi = datetime(2026, 11, 30, 2, 0, tzinfo=NAIROBI)  # Sunday 23:00 UTC
    assert Weeks.ending_at(sunday_night_in_nairobi, 4) == SPAN
    assert SPAN.index(sunday_night_in_nairobi) == 3
    assert SPAN.index(week(1)) == 1 and SPAN.index(week(1) - timedelta(microseconds=1)) == 0
    assert Weeks.ending_at(week(0), 1) == Weeks(first=date(2026, 11, 2), count=1)
    with pytest.raises(ValueError, match="at least one week"):
        Weeks.ending_at(NOW, 0)


def test_shares_are_of_the_questions_and_of_the_ratings_and_none_without_any() -> None:
    outcomes = Outcomes(
        questions=8,
        answered_by_bot=4,
        answered_by_secretariat=2,
        waiting=1,
        dismissed=1,
        rated=3,
        helpful=2,
    )
    assert outcomes.answered == 6
    assert outcomes.share_answered == 6 / 8 and outcomes.share_answered_by_bot == 4 / 8
    assert outcomes.share_helpful == 2 / 3
    assert outcomes + Outcomes(questions=2, rated=1) == Outcomes(8 + 2, 4, 2, 1, 1, 3 + 1, 2)
    nothing = Outcomes()
    assert (nothing.share_answered, nothing.share_answered_by_bot, nothing.share_helpful) == (
        None,
        None,
        None,
    )


async def test_each_week_counts_how_its_questions_fared_and_were_rated(log: Log) -> None:
    helpful, not_helpful, escalated = "helpful", "not_helpful", "ask_secretariat"
    await log.question(week(0), feedback=helpful)
    await log.question(week(0, days=6, hours=23.99), feedback=not_helpful)  # Sunday night
    await log.question(week(0, days=3), QuestionStatus.ANSWERED, feedback=not_helpful)
    await log.question(week(1), QuestionStatus.OPEN, feedback=escalated)  # Monday 00:00
    await log.question(week(1, days=1), QuestionStatus.ASSIGNED)
    await log.question(week(1, days=2), QuestionStatus.DISMISSED)
    await log.question(datetime(2026, 11, 24, 1, 0, tzinfo=NAIROBI))  # Monday 22:00 UTC, wk 2
    await log.question(week(3, days=2), QuestionStatus.ANSWERED)
    for not_counted in (QuestionStatus.REPLIED, QuestionStatus.RECEIVED, QuestionStatus.ANSWERING):
        await log.question(week(3), not_counted)  # small talk, or not answered yet
    await log.question(FIRST - timedelta(seconds=1))  # before the span
    await log.question(SPAN.end)  # after it

    assert await weekly_outcomes(log.session, SPAN) == (
        WeekOutcomes(
            date(2026, 11, 2),
            Outcomes(questions=3, answered_by_bot=2, answered_by_secretariat=1, rated=3, helpful=1),
        ),
        WeekOutcomes(date(2026, 11, 9), Outcomes(questions=3, waiting=2, dismissed=1)),
        WeekOutcomes(date(2026, 11, 16), Outcomes()),
        WeekOutcomes(
            date(2026, 11, 23), Outcomes(questions=2, answered_by_bot=1, answered_by_secretariat=1)
        ),
    )


async def test_over_a_year_each_question_falls_in_its_own_week(log: Log) -> None:
    year = Weeks.ending_at(NOW, 52)
    for index in range(year.count):
        start = year.start + timedelta(weeks=index)
        for _ in range(index % 3 + 1):
            await log.question(start)  # the week's first moment
        await log.question(start + timedelta(weeks=1, microseconds=-1))  # and its last
    weeks = await weekly_outcomes(log.session, year)
    assert [w.week for w in weeks] == list(year.mondays)
    assert [w.outcomes.questions for w in weeks] == [index % 3 + 2 for index in range(52)]


async def test_time_to_a_secretariat_answer_is_each_askers_wait_by_the_week_answered(
    log: Log,
) -> None:
    per_diem = await log.group("per diem?", QuestionStatus.ANSWERED, answered_at=week(2, hours=40))
    await log.question(week(2, hours=30), QuestionStatus.ANSWERED, group=per_diem)  # 10 h
    await log.question(week(1, hours=160), QuestionStatus.ANSWERED, group=per_diem)  # 48 h
    await log.question(week(0, hours=40), QuestionStatus.ANSWERED, group=per_diem)  # 2 weeks
    travel = await log.group("travel?", QuestionStatus.ANSWERED, answered_at=week(0, hours=7))
    await log.question(week(0, hours=3), QuestionStatus.ANSWERED, group=travel)  # 4 h
    earlier = await log.group("earlier", QuestionStatus.ANSWERED, answered_at=FIRST)
    await log.question(FIRST - timedelta(hours=50), QuestionStatus.ANSWERED, group=earlier)
    before = await log.group("before", QuestionStatus.ANSWERED, answered_at=FIRST - timedelta(1))
    await log.question(FIRST - timedelta(days=2), QuestionStatus.ANSWERED, group=before)
    spam = await log.group("spam", QuestionStatus.DISMISSED)
    await log.question(week(2), QuestionStatus.DISMISSED, group=spam)

    assert await secretariat_speed(log.session, SPAN) == SecretariatSpeed(
        weeks=(
            WeekSpeed(date(2026, 11, 2), answers=2, median_hours=(50 + 4) / 2),
            WeekSpeed(date(2026, 11, 9), answers=0, median_hours=None),
            WeekSpeed(date(2026, 11, 16), answers=3, median_hours=48),
            WeekSpeed(date(2026, 11, 23), answers=0, median_hours=None),
        ),
        answers=5,
        median_hours=48,
    )  # the answer at the span's first moment is in it; the one before is not
    nothing = await secretariat_speed(log.session, Weeks.ending_at(NOW + timedelta(weeks=9), 2))
    assert (nothing.answers, nothing.median_hours) == (0, None)


async def test_the_top_unanswered_are_the_open_groups_most_asked_within_the_span(
    log: Log,
) -> None:
    mission = await log.group("mission rates?", QuestionStatus.OPEN)
    for at in (week(0), week(1), week(2)):
        await log.question(at, QuestionStatus.OPEN, group=mission)
    for at in (FIRST - timedelta(days=3), FIRST - timedelta(days=2)):
        await log.question(at, QuestionStatus.OPEN, group=mission)  # asked before the span
    visas = await log.group("visas?", QuestionStatus.ASSIGNED)
    await log.question(week(0), QuestionStatus.ASSIGNED, group=visas)
    await log.question(week(3), QuestionStatus.ASSIGNED, group=visas)
    leave = await log.group("leave?", QuestionStatus.OPEN)
    await log.question(week(1), QuestionStatus.OPEN, group=leave)
    await log.question(week(2), QuestionStatus.OPEN, group=leave)
    for status in (QuestionStatus.ANSWERED, QuestionStatus.DISMISSED):
        closed = await log.group(f"{status} group", status, answered_at=week(1))
        for day in range(4):
            await log.question(week(0, days=day), status, group=closed)
    old = await log.group("asked long ago", QuestionStatus.OPEN)
    await log.question(FIRST - timedelta(weeks=5), QuestionStatus.OPEN, group=old)

    assert await top_unanswered(log.session, SPAN) == (
        OpenTopic(mission.id, "mission rates?", 3, first_asked=week(0), last_asked=week(2)),
        OpenTopic(visas.id, "visas?", 2, first_asked=week(0), last_asked=week(3)),
        OpenTopic(leave.id, "leave?", 2, first_asked=week(1), last_asked=week(2)),
    )
    assert [t.title for t in await top_unanswered(log.session, SPAN, limit=1)] == ["mission rates?"]


async def test_volume_is_by_language_and_by_platform_most_first(log: Log) -> None:
    for platform, language in [
        ("teams", "fr"), ("teams", "fr"), ("slack", "fr"), ("slack", "en"), ("slack", "es"),
        ("console", None), ("slack", "en"),
    ]:  # fmt: skip
        await log.question(week(1), QuestionStatus.OPEN, platform=platform, language=language)
    await log.question(week(1), QuestionStatus.REPLIED, platform="teams", language="es")
    await log.question(FIRST - timedelta(hours=1), platform="teams", language="es")

    assert await volume_by_language(log.session, SPAN) == (
        Volume("fr", 3),
        Volume("en", 2),
        Volume(None, 1),
        Volume("es", 1),
    )
    assert await volume_by_platform(log.session, SPAN) == (
        Volume("slack", 4),
        Volume("teams", 2),
        Volume("console", 1),
    )


async def test_questions_are_logged_in_the_language_they_are_written_in(
    database: Database,
) -> None:
    questions = QuestionLog(database=database)
    ref = ConversationRef(platform="slack", conversation_id="C1")
    for number, (text, locale) in enumerate(
        [
            ("Quel est le taux de l'indemnité journalière à Nairobi ?", None),
            ("¿Cuál es la tasa de viáticos para una misión en Nairobi?", None),
            ("What is the per diem rate in Nairobi?", None),
            ("per diem Nairobi", "es-MX"),  # the asker's locale, given by their platform
        ]
    ):
        message = IncomingMessage(ref, "U1", text, week(1), language=locale)
        question = await questions.record(message, event_key=f"slack:{number}")
        assert question is not None
        await questions.reopen(question)
    async with database.sessions() as session:
        assert await volume_by_language(session, SPAN) == (
            Volume("es", 2),
            Volume("en", 1),
            Volume("fr", 1),
        )
