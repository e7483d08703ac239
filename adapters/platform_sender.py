"""What every platform's outbox sender does with each kind of payload, in one table.

A platform subclasses `PlatformSender` and writes one method per kind; the table that maps
payload types to those methods is built here once, so Slack and Teams cannot drift apart in
which kinds they handle, and a kind added to the core fails the type check until both do.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

from bot.calendar.payloads import CalendarDigestPayload, CalendarPayload, CalendarReminderPayload
from bot.delivery.payloads import Handlers, Payload, ReplyPayload
from bot.kb.review import OverdueRepliesPayload
from bot.messages import ConversationRef
from bot.moderation.payloads import GroupCardPayload, GroupCardRefreshPayload


class PlatformSender(ABC):
    """Implements the dispatcher's `Sender` by dispatching on the payload's type."""

    platform: str

    def __init__(self) -> None:
        self.handlers = (
            Handlers()
            .add(ReplyPayload, self.reply)
            .add(GroupCardPayload, self.group_card)
            .add(GroupCardRefreshPayload, self.refresh_card)
            .add(OverdueRepliesPayload, self.overdue_replies)
            .add(CalendarDigestPayload, self.calendar)
            .add(CalendarReminderPayload, self.calendar)
        )

    async def send(self, ref: ConversationRef, payload: Payload) -> None:
        """Deliver one outbox payload; raise on failure (the dispatcher retries)."""
        await self.handlers.send(ref, payload)

    @abstractmethod
    async def reply(self, ref: ConversationRef, payload: ReplyPayload) -> None:
        """A reply in its conversation (and thread)."""

    @abstractmethod
    async def group_card(self, ref: ConversationRef, payload: GroupCardPayload) -> None:
        """A group's card in a moderators' conversation, unless the group closed meanwhile."""

    @abstractmethod
    async def refresh_card(self, ref: ConversationRef, payload: GroupCardRefreshPayload) -> None:
        """A group's card shown with its new status."""

    @abstractmethod
    async def overdue_replies(self, ref: ConversationRef, payload: OverdueRepliesPayload) -> None:
        """The weekly list of replies due for review."""

    @abstractmethod
    async def calendar(self, ref: ConversationRef, payload: CalendarPayload) -> None:
        """A calendar digest or reminder."""
