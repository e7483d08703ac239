"""Keeping answers current: a weekly digest to moderators of replies past their review date."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.clock import Clock, system_clock
from bot.db.engine import Database
from bot.db.models import ConsolidatedReply
from bot.messages import ConversationRef
from bot.outbox import enqueue
from knowledge.records import ReplyStatus


class ReviewDigest:
    """Queues, at most once per ISO week, the list of overdue replies for the moderators."""

    def __init__(
        self,
        *,
        database: Database,
        moderators_conversation: ConversationRef | None,
        clock: Clock = system_clock,
    ) -> None:
        self._database = database
        self._conversation = moderators_conversation
        self._clock = clock

    async def queue_weekly(self) -> bool:
        """Queue this week's digest if there is anything overdue; True when newly queued."""
        if self._conversation is None:
            return False
        now = self._clock()
        year, week, _ = now.isocalendar()
        async with self._database.transaction() as session:
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
                return False
            return await enqueue(
                session,
                key=f"review-digest:{year}-W{week:02d}",
                ref=self._conversation,
                payload={"kind": "review_digest", "replies": [_summary(r) for r in overdue]},
                now=now,
            )


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
