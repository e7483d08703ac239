"""Platform-neutral message types that adapters translate to and from.

Adapters turn a Slack event or Teams activity into an `IncomingMessage` and render a `Reply`
into Block Kit or an Adaptive Card; nothing here knows either platform.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


@dataclass(frozen=True, slots=True)
class ConversationRef:
    """Enough to reply in the same place later, even after a restart (it is serializable)."""

    platform: str
    conversation_id: str
    thread_id: str | None = None
    service_url: str | None = None
    tenant_id: str | None = None


@dataclass(frozen=True, slots=True)
class IncomingMessage:
    """A member's message, as the core sees it."""

    ref: ConversationRef
    user_id: str
    text: str
    received_at: datetime
    language: str | None = None


class ReplyKind(StrEnum):
    """What sort of reply the core decided on; adapters style cards by it."""

    ANSWER = "answer"
    ABSTAIN = "abstain"
    SMALLTALK = "smalltalk"
    HELP = "help"
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class SourceRef:
    """A citation shown under an answer."""

    title: str
    location: str
    """URL, or file name when the source has no URL."""
    section: str = ""


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A related item the member may have meant."""

    id: str
    title: str


@dataclass(frozen=True, slots=True)
class Reply:
    """The core's answer to one message, with structured parts adapters can render richly."""

    kind: ReplyKind
    text: str
    """Plain-text rendering, complete on its own (console, notifications, fallbacks)."""
    answer_md: str = ""
    sources: tuple[SourceRef, ...] = ()
    suggestions: tuple[Suggestion, ...] = field(default_factory=tuple)
    confidence: float | None = None
    hit_id: str | None = None
