"""What adapters see of the queue: frozen views of groups and their questions, never the
database rows, so a card or a form can neither change a group nor load more behind it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType

from bot.db.models import Question, QuestionGroup
from knowledge.search_types import Hit

CardLocation = Mapping[str, str]
"""Where one platform posted a group's card, in that platform's own terms (its adapter reads
and writes it: a Slack channel and message ts, a Teams conversation and activity id...)."""


class UnknownGroupError(LookupError):
    """No question group has that id."""


class UnknownWordingError(ValueError):
    """A wording chosen as an alternative question was not asked in the group: refused
    rather than ignored, so a moderator's typo never silently drops what they meant."""

    def __init__(self, group_id: int, wordings: Sequence[str]) -> None:
        self.wordings = tuple(wordings)
        listed = "; ".join(f"“{w[:80]}”" for w in self.wordings)
        super().__init__(f"Group {group_id} was never asked as {listed}.")


@dataclass(frozen=True, slots=True)
class GroupInfo:
    """A question group as it stood when read."""

    id: int
    status: str
    title: str
    language: str
    updated_at: datetime
    assigned_to: str | None = None
    assignee_name: str | None = None
    reply_id: str | None = None
    created_at: datetime | None = None
    """When the group's first question joined the queue (the queue shows its age)."""
    cards: Mapping[str, CardLocation] = field(default_factory=lambda: MappingProxyType({}))
    """Each platform's card of the group, by platform."""

    @classmethod
    def from_row(cls, row: QuestionGroup) -> GroupInfo:
        """The view of a stored group."""
        stored = row.card or {}
        cards = {platform: MappingProxyType(dict(where)) for platform, where in stored.items()}
        return cls(
            id=row.id,
            status=row.status,
            title=row.title,
            language=row.language,
            updated_at=row.updated_at,
            assigned_to=row.assigned_to,
            assignee_name=row.assignee_name,
            reply_id=row.reply_id,
            created_at=row.created_at,
            cards=MappingProxyType(cards),
        )

    def card(self, platform: str) -> CardLocation | None:
        """Where `platform` posted this group's card, if it did."""
        return self.cards.get(platform)


@dataclass(frozen=True, slots=True)
class QuestionInfo:
    """One asker's question in a group."""

    id: int
    text: str
    platform: str = ""
    language: str | None = None
    received_at: datetime | None = None
    conversation_id: str = ""
    """Where it was asked (never who asked): the dashboard names the country of a UNCT's
    channel from its calendar subscription."""

    @classmethod
    def from_row(cls, row: Question) -> QuestionInfo:
        """The view of a stored question."""
        return cls(
            id=row.id,
            text=row.text,
            platform=row.platform,
            language=row.language,
            received_at=row.received_at,
            conversation_id=str(row.conversation.get("conversation_id", "")),
        )


@dataclass(frozen=True, slots=True)
class GroupView:
    """A group as moderators see it: every wording, how many asked, the bot's candidates."""

    group: GroupInfo
    questions: tuple[QuestionInfo, ...]
    candidates: Sequence[Hit] = field(default_factory=tuple)

    @property
    def wordings(self) -> list[str]:
        """Distinct wordings, in the order they were asked."""
        return list(dict.fromkeys(q.text for q in self.questions))

    def chosen(self, wordings: Iterable[str], *, besides: Iterable[str] = ()) -> tuple[str, ...]:
        """The wordings a moderator chose as alternative questions, once each, in their order,
        less those in `besides` (the reply's own questions); raises UnknownWordingError for
        any other that the group was never asked as."""
        known = set(besides)
        picked = tuple(w for w in dict.fromkeys(wordings) if w not in known)
        asked = set(self.wordings)
        unknown = [w for w in picked if w not in asked]
        if unknown:
            raise UnknownWordingError(self.group.id, unknown)
        return picked


def group_view(
    group: QuestionGroup, questions: Iterable[Question], candidates: Sequence[Hit] = ()
) -> GroupView:
    """The view of a stored group with its questions."""
    return GroupView(
        GroupInfo.from_row(group), tuple(QuestionInfo.from_row(q) for q in questions), candidates
    )
