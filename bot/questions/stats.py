"""How well the bot and the Secretariat serve members: the figures moderators report on."""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Question, QuestionGroup
from bot.questions.analytics import share
from bot.questions.log import Feedback
from bot.questions.status import QuestionStatus
from knowledge.glossary import Glossary

WEEKS = 8
TOP_TOPICS = 5


@dataclass(frozen=True, slots=True)
class QuestionStats:
    """Questions per week, answer and helpful rates, Secretariat speed, open topics."""

    per_week: list[tuple[str, int]]
    total: int
    answer_rate: float | None
    """Share of questions the bot answered itself."""
    helpful_rate: float | None
    """Share of rated answers rated helpful."""
    median_secretariat_hours: float | None
    """Median time from a question to the Secretariat's answer, in hours."""
    top_unanswered: list[tuple[str, int]]
    open_groups: int

    def rows(self) -> list[tuple[str, str]]:
        """(label, value) pairs for display."""

        def percent(value: float | None) -> str:
            return "—" if value is None else f"{value:.0%}"

        hours = self.median_secretariat_hours
        rows = [
            ("questions (all time)", str(self.total)),
            ("answered by the bot", percent(self.answer_rate)),
            ("rated helpful", percent(self.helpful_rate)),
            ("median time to a Secretariat answer", "—" if hours is None else f"{hours:.1f} h"),
            ("open question groups", str(self.open_groups)),
        ]
        rows += [(f"week of {week}", str(count)) for week, count in self.per_week]
        rows += [(f"unanswered topic: {topic}", str(n)) for topic, n in self.top_unanswered]
        return rows


async def question_stats(
    session: AsyncSession, *, now: datetime, glossary: Glossary
) -> QuestionStats:
    """Compute the figures from the question log."""
    questions = (await session.scalars(select(Question))).all()
    logged = [q for q in questions if q.reply_kind in {"answer", "abstain"}]
    rated = [
        q
        for q in questions
        if q.feedback in {f.value for f in Feedback if f.value != "ask_secretariat"}
    ]
    answered_groups = {
        g.id: g
        for g in (await session.scalars(select(QuestionGroup))).all()
        if g.answered_at is not None
    }
    waits = [
        (answered_groups[q.group_id].answered_at - q.received_at).total_seconds() / 3600  # type: ignore[operator]
        for q in questions
        if q.group_id in answered_groups
    ]
    open_statuses = {QuestionStatus.OPEN.value, QuestionStatus.ASSIGNED.value}
    topics: Counter[str] = Counter()
    for question in questions:
        if question.status in open_statuses:
            topics.update(
                {entry.id for entry in glossary.find(question.text)} or {"(no known topic)"}
            )
    return QuestionStats(
        per_week=_per_week(questions, now),
        total=len(questions),
        answer_rate=share(sum(q.reply_kind == "answer" for q in logged), len(logged)),
        helpful_rate=share(sum(q.feedback == Feedback.HELPFUL.value for q in rated), len(rated)),
        median_secretariat_hours=statistics.median(waits) if waits else None,
        top_unanswered=topics.most_common(TOP_TOPICS),
        open_groups=len(
            {q.group_id for q in questions if q.status in open_statuses and q.group_id}
        ),
    )


def _per_week(questions: Sequence[Question], now: datetime) -> list[tuple[str, int]]:
    monday = (now - timedelta(days=now.weekday())).date()
    weeks = [monday - timedelta(weeks=i) for i in reversed(range(WEEKS))]
    counts = Counter(
        (q.received_at.date() - timedelta(days=q.received_at.weekday())) for q in questions
    )
    return [(week.isoformat(), counts.get(week, 0)) for week in weeks]
