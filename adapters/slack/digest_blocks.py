"""Calendar digests and reminders as Block Kit: a header, one part per mechanism, the team's
part in each engagement, and buttons that open the related consolidated replies."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from adapters.slack.blocks import context, related_buttons, section
from adapters.slack.mrkdwn import escape, truncate
from bot.calendar.digest import (
    Digest,
    DigestItem,
    DigestSection,
    first_engagements,
    more_not_shown,
)

Block = dict[str, Any]
HEADER_LIMIT = 150
MAX_BLOCKS = 50
"""Slack's limit per message: a longer digest shows its first engagements and says how many
more there are (the text fallback still lists them all)."""


def _item(digest: Digest, item: DigestItem) -> Block:
    marker = (
        f"*[{escape(digest.labels.get(item.marker, item.marker.upper()))}]* " if item.marker else ""
    )
    previously = f" _({escape(item.previously)})_" if item.previously else ""
    lines = [
        f"{marker}*{escape(item.when)}* — {escape(item.title)}{previously}",
        f"_{escape(digest.labels.get('what_to_do', ''))}:_ {escape(item.action)}",
    ]
    if item.link.startswith("http"):
        lines.append(f"<{item.link}|{escape(digest.labels.get('source', 'Source'))}>")
    return section("\n".join(lines))


def _section(digest: Digest, part: DigestSection) -> list[Block]:
    heading = escape(part.heading)
    title = f"*<{part.link}|{heading}>*" if part.link else f"*{heading}*"
    blocks: list[Block] = [{"type": "divider"}, section(title)]
    blocks += [_item(digest, item) for item in part.items]
    return blocks + related_buttons(part.related)


def digest_blocks(digest: Digest) -> list[Block]:
    """The digest's blocks, within Slack's per-message limit."""
    total = sum(len(part.items) for part in digest.sections)
    shown = total
    blocks = _blocks(digest, digest.sections, 0)
    while shown > 0 and len(blocks) > MAX_BLOCKS:
        shown -= 1
        blocks = _blocks(digest, first_engagements(digest.sections, shown), total - shown)
    return blocks


def _blocks(digest: Digest, sections: Sequence[DigestSection], left_out: int) -> list[Block]:
    blocks: list[Block] = [
        {
            "type": "header",
            "text": {"type": "plain_text", "text": truncate(digest.title, HEADER_LIMIT)},
        }
    ]
    if digest.late_note:
        blocks.append(context(f":hourglass: {escape(digest.late_note)}"))
    if digest.empty_note:
        blocks.append(section(escape(digest.empty_note)))
    for part in sections:
        blocks += _section(digest, part)
    if left_out:
        blocks.append(section(f"*{escape(more_not_shown(digest, left_out))}*"))
    return blocks
