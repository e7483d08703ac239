"""Proactive Teams messages from the outbox: answers to askers, cards and digests to
moderators, calendar digests and reminders to subscribed conversations.

Every send replays a stored `ConversationRef` (service URL, conversation, tenant), so it works
after a restart, exactly as a reply within a turn would.
"""

from __future__ import annotations

from adapters.platform_sender import PlatformSender
from adapters.teams.app import TeamsConversation
from adapters.teams.cards import card_activity, text_activity
from adapters.teams.connector import TeamsConnector
from adapters.teams.digest_card import digest_card
from adapters.teams.moderation import TeamsModeration
from adapters.teams.translate import PLATFORM
from bot.calendar.payloads import CalendarPayload
from bot.delivery.payloads import ReplyPayload
from bot.kb.review import OverdueRepliesPayload, overdue_text
from bot.messages import ConversationRef
from bot.moderation.payloads import GroupCardPayload, GroupCardRefreshPayload


class TeamsSender(PlatformSender):
    """Implements the dispatcher's `Sender` for Teams."""

    platform = PLATFORM

    def __init__(self, *, connector: TeamsConnector, moderation: TeamsModeration) -> None:
        self._connector = connector
        self._moderation = moderation
        super().__init__()

    async def reply(self, ref: ConversationRef, payload: ReplyPayload) -> None:
        await TeamsConversation(self._connector, ref).post([payload.reply])

    async def group_card(self, ref: ConversationRef, payload: GroupCardPayload) -> None:
        await self._moderation.post_card(ref, payload.group_id, reminder=payload.reminder)

    async def refresh_card(self, ref: ConversationRef, payload: GroupCardRefreshPayload) -> None:
        await self._moderation.refresh_card(payload.group_id)

    async def overdue_replies(self, ref: ConversationRef, payload: OverdueRepliesPayload) -> None:
        await self._connector.send(ref, text_activity(overdue_text(payload.replies)))

    async def calendar(self, ref: ConversationRef, payload: CalendarPayload) -> None:
        activity = card_activity(digest_card(payload.digest), summary=payload.digest.title)
        await self._connector.send(ref, activity)
