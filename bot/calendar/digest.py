"""What a calendar digest or reminder holds, ready for any platform to render.

A digest lists the coming year's engagements grouped by mechanism, with the team's part in
each, links, related consolidated replies, and marks for what changed since the previous
digest (new, moved, postponed, cancelled). A reminder is a one-item digest. Both travel through
the outbox in the form `Digest.to_dict` gives, and every platform renders them from the same
structure; `bot.calendar.digest_builder` makes them from stored events.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.messages import Suggestion


@dataclass(frozen=True, slots=True)
class DigestItem:
    """One engagement as the team reads it."""

    event_id: str
    when: str
    title: str
    status: str
    action: str
    link: str = ""
    marker: str = ""
    """'new', 'moved', 'postponed', 'cancelled' or '' (unchanged)."""
    previously: str = ""
    """For a moved event, its former dates."""


@dataclass(frozen=True, slots=True)
class DigestSection:
    """The engagements with one mechanism."""

    mechanism: str
    heading: str
    link: str
    items: tuple[DigestItem, ...]
    related: tuple[Suggestion, ...] = ()


@dataclass(frozen=True, slots=True)
class Digest:
    """A digest or reminder, ready for any platform to render."""

    title: str
    language: str
    sections: tuple[DigestSection, ...] = ()
    empty_note: str = ""
    """Said instead of sections when nothing is coming up."""
    late_note: str = ""
    labels: dict[str, str] = field(default_factory=dict)
    """The fixed words (markers, 'what the UNCT can do', ...) in the digest's language."""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, for the outbox."""
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Digest:
        """The digest stored by `to_dict`."""
        sections = tuple(
            DigestSection(
                mechanism=s["mechanism"],
                heading=s["heading"],
                link=s["link"],
                items=tuple(DigestItem(**item) for item in s["items"]),
                related=tuple(Suggestion(**r) for r in s.get("related", ())),
            )
            for s in data.get("sections", ())
        )
        return cls(
            title=str(data["title"]),
            language=str(data.get("language", "en")),
            sections=sections,
            empty_note=str(data.get("empty_note", "")),
            late_note=str(data.get("late_note", "")),
            labels=dict(data.get("labels", {})),
        )

    @property
    def is_empty(self) -> bool:
        """Nothing to tell."""
        return not self.sections

    def text(self) -> str:
        """Plain-text rendering, complete on its own (CLI preview, notifications, fallbacks)."""
        lines = [self.title]
        if self.late_note:
            lines.append(f"({self.late_note})")
        if self.empty_note:
            lines.append(self.empty_note)
        for section in self.sections:
            lines += ["", f"{section.heading} — {section.link}"]
            for item in section.items:
                lines.append(f"• {self.item_headline(item)}")
                lines.append(f"  {self.labels.get('what_to_do', '')}: {item.action}")
                if item.link:
                    lines.append(f"  {self.labels.get('source', '')}: {item.link}")
            if section.related:
                titles = "; ".join(r.title for r in section.related)
                lines.append(f"  {self.labels.get('related', '')}: {titles}")
        return "\n".join(lines)

    def item_headline(self, item: DigestItem) -> str:
        """ "[MOVED] 3 March 2027 — Kenya — UPR review (was 3 February 2027)"."""
        marker = f"[{self.labels.get(item.marker, item.marker.upper())}] " if item.marker else ""
        previously = f" ({item.previously})" if item.previously else ""
        return f"{marker}{item.when} — {item.title}{previously}"


def first_engagements(sections: Sequence[DigestSection], count: int) -> list[DigestSection]:
    """The sections holding only the first `count` engagements, in order: what a message too
    small for the whole digest shows."""
    kept = []
    for part in sections:
        items = part.items[: max(0, count)]
        count -= len(items)
        if items:
            kept.append(dataclasses.replace(part, items=items))
    return kept


def more_not_shown(digest: Digest, left_out: int) -> str:
    """The line saying how many engagements a cut message leaves out, in its language."""
    template = digest.labels.get("more_not_shown", "{count} more engagements are not shown.")
    return template.format(count=left_out)
