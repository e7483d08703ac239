"""Figures about the knowledge base, for operators (`huribot stats`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import ConsolidatedReply, GuidanceDocument, Passage
from knowledge.records import ReplyStatus


@dataclass(frozen=True, slots=True)
class KnowledgeStats:
    """Counts that tell an operator whether the knowledge base is healthy."""

    replies_by_status: dict[str, int]
    published_by_language: dict[str, int]
    documents: int
    passages: int
    overdue_reviews: int

    def rows(self) -> list[tuple[str, int]]:
        """Flat (label, value) pairs for display."""
        rows = [(f"replies {status}", n) for status, n in sorted(self.replies_by_status.items())]
        rows += [
            (f"published in {lang}", n) for lang, n in sorted(self.published_by_language.items())
        ]
        rows += [
            ("guidance documents", self.documents),
            ("passages", self.passages),
            ("published replies past their review date", self.overdue_reviews),
        ]
        return rows


async def knowledge_stats(session: AsyncSession, *, today: date) -> KnowledgeStats:
    """Count replies, documents and passages; `today` decides what is overdue."""
    published = ConsolidatedReply.status == ReplyStatus.PUBLISHED.value
    by_status = await session.execute(
        select(ConsolidatedReply.status, func.count()).group_by(ConsolidatedReply.status)
    )
    by_language = await session.execute(
        select(ConsolidatedReply.language, func.count())
        .where(published)
        .group_by(ConsolidatedReply.language)
    )
    overdue = await session.scalar(
        select(func.count()).where(published, ConsolidatedReply.review_by < today)
    )
    return KnowledgeStats(
        replies_by_status={status: n for status, n in by_status},
        published_by_language={lang: n for lang, n in by_language},
        documents=await session.scalar(select(func.count(GuidanceDocument.id))) or 0,
        passages=await session.scalar(select(func.count(Passage.id))) or 0,
        overdue_reviews=overdue or 0,
    )
