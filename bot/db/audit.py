"""The audit trail: every moderator action, with who, when, and the state before and after."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import AuditEvent


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One audit event as read back (never the row: readers cannot change the trail)."""

    at: datetime
    actor: str
    action: str
    target: str
    before: Mapping[str, Any] | None
    after: Mapping[str, Any] | None


def record_audit(
    session: AsyncSession,
    *,
    at: datetime,
    actor: str,
    action: str,
    target: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    """Add an audit event to the caller's transaction (so it commits with the change)."""
    session.add(
        AuditEvent(at=at, actor=actor, action=action, target=target, before=before, after=after)
    )


async def audit_trail(session: AsyncSession, *, target: str | None = None) -> list[AuditEntry]:
    """Audit events, oldest first, optionally for one target (e.g. `group:5`)."""
    query = select(AuditEvent).order_by(AuditEvent.at, AuditEvent.id)
    if target is not None:
        query = query.where(AuditEvent.target == target)
    return [
        AuditEntry(e.at, e.actor, e.action, e.target, e.before, e.after)
        for e in (await session.scalars(query)).all()
    ]
