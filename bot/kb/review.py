"""Keeping answers current: a weekly digest to moderators of replies past their review date."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import ConsolidatedReply
from bot.delivery import keys as delivery_keys
from bot.delivery.notices import ModeratorNotice
from knowledge.records import ReplyStatus


class ReviewDigest(ModeratorNotice):
    """Queues, at most once per ISO week, the list of overdue replies for the moderators."""

    async def queue_weekly(self) -> bool:
        """Queue this week's digest if there is anything overdue; True when newly queued."""
        return await self.queue()

    async def compose(
        self, session: AsyncSession, now: datetime
    ) -> tuple[str, dict[str, Any]] | None:
        overdue = (
            await session.scalars(
                select(ConsolidatedReply)
                .where(
                    ConsolidatedReply.status == ReplyStatus.PUBLISHED.value,
                    ConsolidatedReply.review_by < now.date(),
                )
                .order_by(ConsolidatedReply.review_by, ConsolidatedReply.slug)
            )
        ).all()
        if not overdue:
            return None
        year, week, _ = now.isocalendar()
        payload = {"kind": "review_digest", "replies": [_summary(r) for r in overdue]}
        return delivery_keys.review_digest(year, week), payload


def _summary(reply: ConsolidatedReply) -> dict[str, Any]:
    return {
        "id": reply.slug,
        "question": reply.question,
        "review_by": reply.review_by.isoformat() if reply.review_by else None,
        "owner": reply.owner,
    }


def digest_text(replies: list[dict[str, Any]]) -> str:
    """The digest as plain text (Markdown-friendly), for any platform."""
    lines = [
        f"{len(replies)} consolidated replies are past their review date and are shown to "
        "members as possibly outdated until re-verified:"
    ]
    for reply in replies:
        owner = f", owner {reply['owner']}" if reply.get("owner") else ""
        lines.append(
            f"• {reply['id']}: {reply['question']} (review by {reply['review_by']}{owner})"
        )
    lines.append(
        "Re-verify one by editing its file (new last_reviewed and review_by) and ingesting it."
    )
    return "\n".join(lines)
