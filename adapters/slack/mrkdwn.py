"""Text for Slack: escaping what members typed, and Markdown answers turned into mrkdwn."""

from __future__ import annotations

import re

_BOLD = re.compile(r"\*\*(.+?)\*\*")
_ITALIC_UNDERSCORE = re.compile(r"(?<!\w)_(.+?)_(?!\w)")
_LINK = re.compile(r"\[([^\]]+)\]\((https?://[^)\s]+)\)")
_HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*$", re.MULTILINE)
_BULLET = re.compile(r"^(\s*)[-*+]\s+", re.MULTILINE)
_BROADCAST = re.compile(r"@(channel|here|everyone)\b", re.IGNORECASE)


def escape(text: str) -> str:
    """Make member text inert: no mentions, broadcasts (@channel, <!here>) or links."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _BROADCAST.sub(lambda m: "@\u200b" + m.group(1), escaped)


def markdown_to_mrkdwn(markdown: str) -> str:
    """Curated Markdown answers in Slack's mrkdwn: bold, links, headings and bullets."""
    text = escape(markdown)
    text = _LINK.sub(lambda m: f"<{m.group(2)}|{m.group(1)}>", text)
    text = _HEADING.sub(lambda m: f"*{m.group(1)}*", text)
    text = _BOLD.sub(lambda m: f"*{m.group(1)}*", text)
    text = _ITALIC_UNDERSCORE.sub(lambda m: f"_{m.group(1)}_", text)
    return _BULLET.sub(lambda m: f"{m.group(1)}• ", text)


def truncate(text: str, limit: int) -> str:
    """Cut at a paragraph or sentence end before `limit` characters, marking the cut."""
    if len(text) <= limit:
        return text
    window = text[: limit - 1]
    cut = max(window.rfind("\n\n"), window.rfind(". "), window.rfind("\n"))
    if cut < limit // 2:
        cut = window.rfind(" ")
    return window[: cut if cut > 0 else limit - 1].rstrip() + " …"
