"""Calendar digests and reminders as outbox payloads: the digest is composed when queued (the
calendar may change before it is sent, but what was due at that time is what goes out)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Self

from bot.calendar.digest import Digest


@dataclass(frozen=True, slots=True)
class CalendarPayload:
    """A composed digest for one subscription; subclasses only tag what it is."""

    kind: ClassVar[str]
    digest: Digest
    subscription_id: int

    def to_dict(self) -> dict[str, Any]:
        """The digest and its subscription."""
        return {"digest": self.digest.to_dict(), "subscription_id": self.subscription_id}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        """The payload stored by `to_dict`."""
        return cls(
            digest=Digest.from_dict(data["digest"]), subscription_id=int(data["subscription_id"])
        )


@dataclass(frozen=True, slots=True)
class CalendarDigestPayload(CalendarPayload):
    """A subscription's scheduled digest of what is coming up."""

    kind: ClassVar[str] = "calendar_digest"


@dataclass(frozen=True, slots=True)
class CalendarReminderPayload(CalendarPayload):
    """A reminder that one deadline or session is near."""

    kind: ClassVar[str] = "calendar_reminder"
