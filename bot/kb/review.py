"""Keeping answers current: a weekly digest to moderators of replies past their review date."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, ClassVar, Self

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import ConsolidatedReply
from bot.delivery import keys as delivery_keys
from bot.delivery.notices import ModeratorNotice
from knowledge.records import ReplyStatus


@dataclass(frozen=True, slots=True)
class OverdueReply:
    """One reply past its review date, as the digest lists it."""

    id: str
    question: str
    review_by: str | None
    """ISO date, as stored."""
    owner: str | None


@dataclass(frozen=True, slots=True)
class OverdueRepliesPayload:
    """The weekly digest of overdue replies, as an outbox payload."""

    kind: ClassVar[str] = "review_digest"
    replies: tuple[OverdueReply, ...]

    def to_dict(self) -> dict[str, Any]:
        """The replies' fields."""
        return {"replies": [_reply_dict(reply) for reply in self.replies]}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        """The digest stored by `to_dict`."""
        return cls(replies=tuple(OverdueReply(**reply) for reply in data["replies"]))


def _reply_dict(reply: OverdueReply) -> dict[str, Any]:
    return {
        "id": reply.id,
        "question": reply.question,
        "review_by": reply.review_by,
        "owner": reply.owner,
    }


class ReviewReminder(ModeratorNotice):
    """Queues, at most once per ISO week, the list of overdue replies for the moderators."""

    async def queue_weekly(self) -> bool:
        """Queue this week's digest if there is anything overdue; True when newly queued."""
        return await self.queue()

    async def compose(
        self, session: AsyncSession, now: datetime
    ) -> tuple[str, OverdueRepliesPayload] | None:
        overdue = await due_for_review(session, before=now.date())
        if not overdue:
            return None
        year, week, _ = now.isocalendar()
        payload = OverdueRepliesPayload(replies=tuple(_summary(r) for r in overdue))
        return delivery_keys.review_reminder(year, week), payload


async def due_for_review(
    session: AsyncSession, *, before: date, owner: str | None = None
) -> Sequence[ConsolidatedReply]:
    """Published replies whose review date is before `before` (of one owner, when named),
    the longest overdue first: what the digest lists, and the dashboard's review list."""
    query = select(ConsolidatedReply).where(
        ConsolidatedReply.status == ReplyStatus.PUBLISHED.value,
        ConsolidatedReply.review_by < before,
    )
    if owner is not None:
        query = query.where(ConsolidatedReply.owner == owner)
    return (
        await session.scalars(query.order_by(ConsolidatedReply.review_by, ConsolidatedReply.slug))
    ).all()


def _summary(reply: ConsolidatedReply) -> OverdueReply:
    return OverdueReply(
        id=reply.slug,
        question=reply.question,
        review_by=reply.review_by.isoformat() if reply.review_by else None,
        owner=reply.owner,
    )


def overdue_text(replies: Sequence[OverdueReply]) -> str:
    """The digest as plain text (Markdown-friendly), for any platform."""
    lines = [
        f"{len(replies)} consolidated replies are past their review date and are shown to "
        "members as possibly outdated until re-verified:"
    ]
    for reply in replies:
        owner = f", owner {reply.owner}" if reply.owner else ""
        lines.append(f"• {reply.id}: {reply.question} (review by {reply.review_by}{owner})")
    lines.append(
        "Re-verify one by editing its file (new last_reviewed and review_by) and ingesting it."
    )
    return "\n".join(lines)
