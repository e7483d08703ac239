"""Calendar digests and reminders as Adaptive Cards: a title, one container per mechanism,
the team's part in each engagement, and buttons that open the related consolidated replies."""

from __future__ import annotations

import json
from collections.abc import Sequence

from adapters.teams.cards import (
    CARD_BYTES,
    Card,
    action_row,
    adaptive_card,
    note,
    related_actions,
    text_block,
)
from bot.calendar.digest import (
    Digest,
    DigestItem,
    DigestSection,
    first_engagements,
    more_not_shown,
)


def _item(digest: Digest, item: DigestItem) -> list[Card]:
    marker = f"**[{digest.labels.get(item.marker, item.marker.upper())}]** " if item.marker else ""
    previously = f" _({item.previously})_" if item.previously else ""
    blocks = [
        text_block(f"{marker}**{item.when}** — {item.title}{previously}", spacing="Medium"),
        text_block(f"_{digest.labels.get('what_to_do', '')}:_ {item.action}", spacing="None"),
    ]
    if item.link.startswith("http"):
        blocks.append(note(f"[{digest.labels.get('source', 'Source')}]({item.link})"))
    return blocks


def _section(digest: Digest, part: DigestSection) -> Card:
    heading = f"[{part.heading}]({part.link})" if part.link else part.heading
    items: list[Card] = [text_block(f"**{heading}**", size="Medium")]
    for item in part.items:
        items += _item(digest, item)
    if part.related:
        items.append(note(f"{digest.labels.get('related', '')}:"))
        items.extend(action_row(related_actions(part.related)))
    return {"type": "Container", "separator": True, "spacing": "Large", "items": items}


def digest_card(digest: Digest) -> Card:
    """The digest as one card; when it would be too big for Teams, the last engagements give
    way to a line saying how many more there are and where to see them."""
    total = sum(len(part.items) for part in digest.sections)
    shown = total
    card = _card(digest, digest.sections, 0)
    while shown > 0 and len(json.dumps(card).encode()) > CARD_BYTES:
        shown -= 1
        card = _card(digest, first_engagements(digest.sections, shown), total - shown)
    return card


def _card(digest: Digest, sections: Sequence[DigestSection], left_out: int) -> Card:
    body: list[Card] = [text_block(digest.title, size="Large", weight="Bolder")]
    if digest.late_note:
        body.append(note(f"⏳ {digest.late_note}"))
    if digest.empty_note:
        body.append(text_block(digest.empty_note))
    body += [_section(digest, part) for part in sections if part.items]
    if left_out:
        body.append(text_block(f"**{more_not_shown(digest, left_out)}**", spacing="Large"))
    return adaptive_card(body)
