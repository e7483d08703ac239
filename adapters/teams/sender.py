"""Proactive Teams messages from the outbox: answers to askers, cards and digests to
moderators, calendar digests and reminders to subscribed conversations.

Every send replays a stored `ConversationRef` (service URL, conversation, tenant), so it works
after a restart, exactly as a reply within a turn would.
"""

from __future__ import annotations

from adapters.teams.app import send_replies
from adapters.teams.cards import card_activity, text_activity
from adapters.teams.connector import TeamsConnector
from adapters.teams.digest_card import digest_card
from adapters.teams.moderation import TeamsModeration
from adapters.teams.translate import PLATFORM
from bot.calendar.payloads import CalendarDigestPayload, CalendarPayload, CalendarReminderPayload
from bot.delivery.payloads import Handlers, Payload, ReplyPayload
from bot.kb.review import OverdueRepliesPayload, digest_text
from bot.messages import ConversationRef
from bot.moderation.payloads import GroupCardPayload, GroupCardRefreshPayload


class TeamsSender:
    """Implements the dispatcher's `Sender` for Teams."""

    platform = PLATFORM

    def __init__(self, *, connector: TeamsConnector, moderation: TeamsModeration) -> None:
        self._connector = connector
        self._moderation = moderation
        self.handlers = (
            Handlers()
            .add(ReplyPayload, self._reply)
            .add(GroupCardPayload, self._group_card)
            .add(GroupCardRefreshPayload, self._refresh_card)
            .add(OverdueRepliesPayload, self._overdue_replies)
            .add(CalendarDigestPayload, self._calendar)
            .add(CalendarReminderPayload, self._calendar)
        )

    async def send(self, ref: ConversationRef, payload: Payload) -> None:
        """Deliver one outbox payload; raise on failure (the dispatcher retries)."""
        await self.handlers.send(ref, payload)

    async def _reply(self, ref: ConversationRef, payload: ReplyPayload) -> None:
        await send_replies(self._connector, ref, [payload.reply])

    async def _group_card(self, ref: ConversationRef, payload: GroupCardPayload) -> None:
        await self._moderation.post_card(ref, payload.group_id, reminder=payload.reminder)

    async def _refresh_card(self, ref: ConversationRef, payload: GroupCardRefreshPayload) -> None:
        await self._moderation.refresh_card(payload.group_id)

    async def _overdue_replies(self, ref: ConversationRef, payload: OverdueRepliesPayload) -> None:
        await self._connector.send(ref, text_activity(digest_text(payload.replies)))

    async def _calendar(self, ref: ConversationRef, payload: CalendarPayload) -> None:
        activity = card_activity(digest_card(payload.digest), summary=payload.digest.title)
        await self._connector.send(ref, activity)
