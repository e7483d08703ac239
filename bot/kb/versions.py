"""Every version of a consolidated reply, whoever changed it and however (the dashboard, a
moderator's answer in chat, an import, `huribot kb retire`): written in the transaction of
the change, with its audit event, so the history and the trail never disagree with the reply.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.audit import record_audit
from bot.db.models import ConsolidatedReply, ReplyVersion

CREATE = "create"
EDIT = "edit"
RETIRE = "retire"


class VersionConflictError(Exception):
    """A reply is not at the version a change was based on: another moderator changed it
    meanwhile, or (based on none) a reply of that id exists already."""

    def __init__(self, slug: str, *, expected: int, found: int) -> None:
        super().__init__(f"Reply {slug!r} is at version {found}, not {expected}.")
        self.slug = slug
        self.expected = expected
        self.found = found


@dataclass(frozen=True, slots=True)
class VersionView:
    """One version as read back: its number, who made it, when and how, and what it said."""

    number: int
    at: datetime
    actor: str
    action: str
    content: Mapping[str, Any]


def reply_content(reply: ConsolidatedReply) -> dict[str, Any]:
    """What a version keeps of a reply: every field a reader sees, dates as ISO text."""
    return {
        "question": reply.question,
        "alt_questions": list(reply.alt_questions),
        "answer_md": reply.answer_md,
        "tags": list(reply.tags),
        "language": reply.language,
        "sources": [dict(source) for source in reply.sources],
        "status": reply.status,
        "owner": reply.owner,
        "last_reviewed": reply.last_reviewed.isoformat() if reply.last_reviewed else None,
        "review_by": reply.review_by.isoformat() if reply.review_by else None,
    }


async def latest_numbers(session: AsyncSession, slugs: Sequence[str]) -> dict[str, int]:
    """The number of each reply's latest version (a reply never versioned is absent)."""
    if not slugs:
        return {}
    rows = await session.execute(
        select(ReplyVersion.reply_slug, func.max(ReplyVersion.number))
        .where(ReplyVersion.reply_slug.in_(slugs))
        .group_by(ReplyVersion.reply_slug)
    )
    return {slug: int(number) for slug, number in rows}


async def record_versions(
    session: AsyncSession,
    changes: Sequence[tuple[ConsolidatedReply, str]],
    *,
    actor: str,
    now: datetime,
    based_on: Mapping[str, int] | None = None,
) -> None:
    """A new version of each changed reply, with the action that made it (CREATE, EDIT,
    RETIRE), and its audit event, in the caller's transaction. A reply edited from a
    version (`based_on`) gets the number after it, whatever was committed since: when
    another save took that number first, the transaction fails on the unique number
    instead of stacking an edit nobody reviewed on top of the other."""
    latest = await latest_numbers(session, [reply.slug for reply, _ in changes])
    latest |= dict(based_on or {})
    for reply, action in changes:
        number = latest.get(reply.slug, 0) + 1
        session.add(
            ReplyVersion(
                reply_slug=reply.slug,
                number=number,
                at=now,
                actor=actor,
                action=action,
                content=reply_content(reply),
            )
        )
        record_audit(
            session,
            at=now,
            actor=actor,
            action=action,
            target=f"reply:{reply.slug}",
            before={"version": number - 1} if number > 1 else None,
            after={"version": number, "status": reply.status},
        )


async def reply_history(session: AsyncSession, slug: str) -> list[VersionView]:
    """Every version of a reply, newest first."""
    rows = await session.scalars(
        select(ReplyVersion)
        .where(ReplyVersion.reply_slug == slug)
        .order_by(ReplyVersion.number.desc())
    )
    return [VersionView(r.number, r.at, r.actor, r.action, dict(r.content)) for r in rows]


async def check_bases(session: AsyncSession, based_on: Mapping[str, int]) -> None:
    """VersionConflictError unless every reply is still at the version named."""
    latest = await latest_numbers(session, list(based_on))
    for slug, expected in based_on.items():
        found = latest.get(slug, 0)
        if found != expected:
            raise VersionConflictError(slug, expected=expected, found=found)
