"""Where a question stands, from its arrival to its answer (or dismissal)."""

from __future__ import annotations

from enum import StrEnum


class QuestionStatus(StrEnum):
    """Where a question stands; the moderation queue works on `open` ones."""

    RECEIVED = "received"
    ANSWERING = "answering"
    ANSWERED_BY_BOT = "answered-by-bot"
    REPLIED = "replied"
    """Given a word that needs no answer (small talk, help, a message too long)."""
    OPEN = "open"
    ASSIGNED = "assigned"
    ANSWERED = "answered"
    DISMISSED = "dismissed"
