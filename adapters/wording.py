"""Wording every chat platform shows the same way: how sure the bot is, the feedback buttons,
a question group's status (so Slack and Teams members and moderators read the same words)."""

from __future__ import annotations

from bot.messages import Reply
from bot.moderation.views import GroupView
from bot.questions.log import Feedback

FEEDBACK_LABELS = {
    Feedback.HELPFUL: "👍 Helpful",
    Feedback.NOT_HELPFUL: "👎 Not helpful",
    Feedback.ASK_SECRETARIAT: "Ask the Secretariat",
}


def feedback_choices(reply: Reply) -> dict[Feedback, str]:
    """The rating buttons under an answer; the Secretariat's own answer is not offered back to
    the Secretariat."""
    if reply.by_secretariat:
        return {
            f: label for f, label in FEEDBACK_LABELS.items() if f is not Feedback.ASK_SECRETARIAT
        }
    return dict(FEEDBACK_LABELS)


def split_text(text: str, limit: int) -> list[str]:
    """A long text as consecutive parts of at most `limit` characters, split between
    paragraphs (or lines, or words) rather than cut: each platform caps the size of one block
    of text, a consolidated reply may be longer."""
    parts: list[str] = []
    rest = text
    while len(rest) > limit:
        window = rest[:limit]
        cut = max(window.rfind("\n\n"), window.rfind("\n"))
        if cut < limit // 2:
            cut = window.rfind(" ")
        cut = cut if cut > 0 else limit
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip("\n ")
    parts.append(rest)
    return [part for part in parts if part.strip()]


GONE_TEXT = "That item is no longer in the knowledge base."
"""Shown for a Related or whole-passage button whose item was retired since."""

OUT_OF_DATE_TEXT = (
    "That button is out of date (its message came from another version of HuriBot, or was "
    "altered), so nothing was done. Ask your question again if you still need an answer."
)
"""Shown for a card's button carrying a value none of the bot's messages carries."""

WHOLE_PASSAGE_LABEL = "📖 Read the whole passage"
"""Under an answer that quotes only the sentences of a passage that answer."""


def confidence_line(confidence: float | None, *, alternatives: bool) -> str:
    """How sure the bot is, in words; empty when the reply carries no confidence."""
    if confidence is None:
        return ""
    percent = f"{confidence:.0%}"
    if alternatives:
        return f"I'm not fully sure this is what you need ({percent}); please check the sources."
    return f"I'm confident this answers your question ({percent})."


MAX_WORDINGS = 6
GROUP_STATUS_TEXT = {
    "open": "🟡 open",
    "assigned": "🔵 assigned",
    "answered": "✅ answered",
    "dismissed": "⚪ dismissed",
}


def group_heading(*, reminder: bool) -> str:
    """The first words of a group's card for moderators."""
    return "⏰ Still waiting for an answer" if reminder else "New question for the Secretariat"


def group_status(view: GroupView) -> str:
    """A group's status with who took it and which reply answered it."""
    group = view.group
    status = GROUP_STATUS_TEXT.get(group.status, group.status)
    if group.assigned_to and group.status == "assigned":
        status += f" to {group.assignee_name or group.assigned_to}"
    if group.reply_id:
        status += f" with {group.reply_id}"
    return status
