"""What answers show about a cited reply besides its text, kept in memory beside the index.

Every answer citing a reply shows its sources and whether it is past its review date; reading
them from the database each time was a round-trip per answer. Each is read once, and replaced
whenever the reply changes: the service applies its own changes and those of other processes
(the knowledge change log) here as it applies them to the index.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from bot.db.models import ConsolidatedReply


@dataclass(frozen=True, slots=True)
class ReplyMeta:
    """A reply's public sources and the date it is due for review."""

    sources: tuple[dict[str, str], ...]
    review_by: date | None

    @classmethod
    def of(cls, reply: ConsolidatedReply | None) -> ReplyMeta:
        """The stored reply's metadata; nothing to show for one that is gone."""
        if reply is None:
            return cls(sources=(), review_by=None)
        return cls(sources=tuple(reply.sources), review_by=reply.review_by)


class ReplyMetas:
    """The metadata of the replies answers cited, by slug."""

    def __init__(self) -> None:
        self._known: dict[str, ReplyMeta] = {}

    def get(self, slug: str) -> ReplyMeta | None:
        """What is known of this reply, or None (read it, then `learn` it)."""
        return self._known.get(slug)

    def learn(self, slug: str, meta: ReplyMeta) -> ReplyMeta:
        """Keep a reply's metadata as read from the database, unless a change applied while
        it was read already put a newer one; returns the one kept."""
        return self._known.setdefault(slug, meta)

    def changed(self, slugs: Iterable[str], replies: Sequence[ConsolidatedReply]) -> None:
        """These replies changed: keep their stored rows' metadata (`replies`, where the
        deleted ones are absent)."""
        rows = {reply.slug: reply for reply in replies}
        for slug in slugs:
            self._known[slug] = ReplyMeta.of(rows.get(slug))
