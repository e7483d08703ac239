"""Platform-neutral message types that adapters translate to and from.

Adapters turn a Slack event or Teams activity into an `IncomingMessage` and render a `Reply`
into Block Kit or an Adaptive Card; nothing here knows either platform.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


@dataclass(frozen=True, slots=True)
class ConversationRef:
    """Enough to reply in the same place later, even after a restart (it is serializable)."""

    platform: str
    conversation_id: str
    thread_id: str | None = None
    service_url: str | None = None
    tenant_id: str | None = None

    def to_dict(self) -> dict[str, str]:
        """JSON-ready form, for storing with a question or subscription."""
        return {k: v for k, v in dataclasses.asdict(self).items() if v is not None}

    def conversation_only(self) -> ConversationRef:
        """The conversation itself, not a thread in it: where scheduled messages start."""
        return dataclasses.replace(self, thread_id=None)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ConversationRef:
        """The reference stored by `to_dict`."""
        return cls(
            platform=str(data["platform"]),
            conversation_id=str(data["conversation_id"]),
            thread_id=data.get("thread_id"),
            service_url=data.get("service_url"),
            tenant_id=data.get("tenant_id"),
        )


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
    item_id: str | None = None
    question_id: int | None = None
    """The logged question this reply answers, so feedback buttons can refer to it."""
    tentative: bool = False
    """An answer given with 'you may also mean' because the bot is not fully sure."""
    outdated: bool = False
    """The reply is past its review date: shown with a warning until re-verified."""
    notice: str = ""
    """A line for the asker above the answer (the answer is in another language)."""
    whole_item_id: str | None = None
    """Set when `answer_md` is the answering part of a passage: the passage to show whole."""
    by_secretariat: bool = False
    """The Secretariat's own answer to the asker: rated, but not sent to the Secretariat again."""


def reply_to_dict(reply: Reply) -> dict[str, Any]:
    """JSON-ready form of a reply, for the outbox."""
    return dataclasses.asdict(reply)


def reply_from_dict(data: Mapping[str, Any]) -> Reply:
    """The reply stored by `reply_to_dict`."""
    return Reply(
        kind=ReplyKind(data["kind"]),
        text=str(data["text"]),
        answer_md=str(data.get("answer_md", "")),
        sources=tuple(SourceRef(**s) for s in data.get("sources", ())),
        suggestions=tuple(Suggestion(**s) for s in data.get("suggestions", ())),
        confidence=data.get("confidence"),
        item_id=data.get("item_id", data.get("hit_id")),  # "hit_id": queued by older versions
        question_id=data.get("question_id"),
        tentative=bool(data.get("tentative", False)),
        outdated=bool(data.get("outdated", False)),
        notice=str(data.get("notice", "")),
        whole_item_id=data.get("whole_item_id"),
        by_secretariat=bool(data.get("by_secretariat", False)),
    )


_LINK_OPENER = re.compile(r"\](?=\()")


def inert_markdown(text: str) -> str:
    """What a member typed, safe to put inside Markdown: `[text](url)` stays visible as typed
    but is no longer a link (a zero-width space parts the brackets from the parenthesis), so
    nobody's words become a disguised link in a message the Secretariat sends."""
    return _LINK_OPENER.sub("]\u200b", text)
