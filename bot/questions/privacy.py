"""A member's data: exported or forgotten on request, and the question log purged after the
retention period."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import structlog
from sqlalchemy import delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import AuditEvent, OutboxMessage, Question, QuestionGroup
from bot.delivery import keys as delivery_keys

logger = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class Purged:
    """How much was removed."""

    questions: int
    groups: int
    notifications: int


EXPORTED_FIELDS = (
    "id",
    "platform",
    "received_at",
    "language",
    "text",
    "status",
    "reply_kind",
    "item_id",
    "confidence",
    "answered_at",
    "feedback",
    "feedback_at",
    "group_id",
)


async def export_user(
    session: AsyncSession, *, user_id: str, platform: str | None = None
) -> dict[str, Any]:
    """Everything logged about one member, JSON-ready: each question they asked, what the bot
    replied, their ratings, and the ratings they gave on others' questions (none are
    allowed, but older logs may hold some)."""
    asked = select(Question).where(Question.user_id == user_id).order_by(Question.id)
    if platform is not None:
        asked = asked.where(Question.platform == platform)
    questions = [_exported(q) for q in (await session.scalars(asked)).all()]
    rated = select(Question.id).where(Question.feedback_by == user_id, Question.user_id != user_id)
    return {
        "user_id": user_id,
        "platform": platform,
        "questions": questions,
        "rated_others": list((await session.scalars(rated)).all()),
    }


def _exported(question: Question) -> dict[str, Any]:
    values = {name: getattr(question, name) for name in EXPORTED_FIELDS}
    return {
        name: value.isoformat() if isinstance(value, datetime) else value
        for name, value in values.items()
    }


async def forget_user(
    session: AsyncSession, *, user_id: str, platform: str | None = None, actor: str, now: datetime
) -> Purged:
    """Remove every question a member asked (on one platform or all) and what refers to it."""
    query = select(Question.id).where(Question.user_id == user_id)
    if platform is not None:
        query = query.where(Question.platform == platform)
    ids = list((await session.scalars(query)).all())
    purged = await _delete_questions(session, ids)
    await session.execute(
        update(Question).where(Question.feedback_by == user_id).values(feedback_by=None)
    )
    session.add(
        AuditEvent(
            at=now,
            actor=actor,
            action="forget_user",
            target="privacy",
            after={"questions": purged.questions},
        )
    )
    logger.info("privacy.forgot_user", questions=purged.questions)
    return purged


async def purge_before(session: AsyncSession, *, cutoff: datetime) -> Purged:
    """Remove questions received before `cutoff` (the retention period)."""
    ids = list(
        (await session.scalars(select(Question.id).where(Question.received_at < cutoff))).all()
    )
    purged = await _delete_questions(session, ids)
    if purged.questions:
        logger.info("privacy.purged", questions=purged.questions, cutoff=cutoff.isoformat())
    return purged


async def _delete_questions(session: AsyncSession, ids: Sequence[int]) -> Purged:
    if not ids:
        return Purged(0, 0, 0)
    asked_in = await session.scalars(select(Question.group_id).where(Question.id.in_(ids)))
    groups = {group_id for group_id in asked_in.all() if group_id is not None}
    keys = [delivery_keys.answer_notice(g, q) for g in groups for q in ids]
    notifications = await session.execute(
        delete(OutboxMessage).where(OutboxMessage.idempotency_key.in_(keys))
    )
    await session.execute(delete(Question).where(Question.id.in_(ids)))
    emptied = 0
    for group_id in groups:
        remaining = await session.scalars(
            select(Question.text).where(Question.group_id == group_id).order_by(Question.id)
        )
        first = remaining.first()
        group = await session.get(QuestionGroup, group_id)
        if group is None:
            continue
        if first is None:
            await session.execute(
                delete(OutboxMessage).where(
                    or_(
                        OutboxMessage.idempotency_key.in_([delivery_keys.group_card(group_id)]),
                        *(
                            OutboxMessage.idempotency_key.like(f"{prefix}:{group_id}:%")
                            for prefix in delivery_keys.GROUP_KEY_PREFIXES
                        ),
                    )
                )
            )
            await session.delete(group)
            emptied += 1
        else:
            group.title = first
    return Purged(questions=len(ids), groups=emptied, notifications=notifications.rowcount)  # type: ignore[attr-defined]
