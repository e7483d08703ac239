"""What the queue's pages show of a group: every wording with its askers' platform, country
and when they asked; how many asked where; who took it. Built from the core's frozen views;
countries come from the calendar subscription of the conversation each asker wrote in (a
UNCT's channel is subscribed to its countries), in one query for the whole page."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from adapters.teams.threads import THREAD_SUFFIX
from bot.calendar.subscriptions import Subscriptions
from bot.moderation.queue import ACTIVE
from bot.moderation.views import GroupView, QuestionInfo

PLATFORM_NAMES = {"slack": "Slack", "teams": "Microsoft Teams", "console": "Console"}


@dataclass(frozen=True, slots=True)
class Asker:
    """One member's question (never who they are)."""

    wording: str
    platform: str
    countries: tuple[str, ...]
    received_at: datetime | None


@dataclass(frozen=True, slots=True)
class Wording:
    """A distinct wording, its position in `GroupView.wordings`, and how many asked it."""

    index: int
    text: str
    askers: int


@dataclass(frozen=True, slots=True)
class QueueEntry:
    """A group as the queue shows it."""

    view: GroupView
    askers: tuple[Asker, ...]

    @property
    def id(self) -> int:
        """The group's id."""
        return self.view.group.id

    @property
    def open(self) -> bool:
        """Whether it still waits for an answer (open or assigned)."""
        return self.view.group.status in ACTIVE

    @property
    def platforms(self) -> list[tuple[str, int]]:
        """How many asked on each platform, most first."""
        counts = Counter(PLATFORM_NAMES.get(a.platform, a.platform) for a in self.askers)
        return counts.most_common()

    @property
    def countries(self) -> tuple[str, ...]:
        """Every country the askers wrote from, once each, in the order first seen."""
        return tuple(dict.fromkeys(code for a in self.askers for code in a.countries))

    @property
    def first_asked(self) -> datetime | None:
        """When the first of its questions was asked (the queue's age)."""
        times = [a.received_at for a in self.askers if a.received_at is not None]
        return min(times, default=self.view.group.created_at)

    @property
    def wordings(self) -> tuple[Wording, ...]:
        """Each distinct wording with how many asked it, in the order asked."""
        counts = Counter(a.wording for a in self.askers)
        return tuple(
            Wording(index, text, counts[text]) for index, text in enumerate(self.view.wordings)
        )


def _conversation(question: QuestionInfo) -> tuple[str, str]:
    """The conversation a question was asked in (a Teams reply chain's channel)."""
    return question.platform, question.conversation_id.split(THREAD_SUFFIX, 1)[0]


async def queue_entries(
    views: Sequence[GroupView], subscriptions: Subscriptions
) -> list[QueueEntry]:
    """The entries of `views`, each asker with the countries of their conversation."""
    asked_in = [_conversation(q) for view in views for q in view.questions]
    countries = await subscriptions.countries_of(asked_in)
    return [
        QueueEntry(
            view=view,
            askers=tuple(
                Asker(
                    wording=q.text,
                    platform=q.platform,
                    countries=countries.get(_conversation(q), ()),
                    received_at=q.received_at,
                )
                for q in view.questions
            ),
        )
        for view in views
    ]
