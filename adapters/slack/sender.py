"""Proactive Slack messages from the outbox: answers to askers, cards to moderators."""

from __future__ import annotations

from slack_sdk.web.async_client import AsyncWebClient

from adapters.platform_sender import PlatformSender
from adapters.slack.app import SlackThread
from adapters.slack.blocks import section
from adapters.slack.digest_blocks import digest_blocks
from adapters.slack.moderation import SlackCard, refresh_card
from adapters.slack.moderation_blocks import group_card
from adapters.slack.mrkdwn import escape, truncate
from bot.calendar.payloads import CalendarPayload
from bot.delivery.payloads import ReplyPayload
from bot.kb.review import OverdueRepliesPayload, overdue_text
from bot.messages import ConversationRef
from bot.moderation.payloads import GroupCardPayload, GroupCardRefreshPayload
from bot.moderation.queue import Moderation


class SlackSender(PlatformSender):
    """Implements the dispatcher's `Sender` for Slack."""

    platform = "slack"

    def __init__(self, *, client: AsyncWebClient, moderation: Moderation) -> None:
        self._client = client
        self._moderation = moderation
        super().__init__()

    async def reply(self, ref: ConversationRef, payload: ReplyPayload) -> None:
        """A reply in its thread."""
        await SlackThread(self._client, ref.conversation_id, ref.thread_id).post([payload.reply])

    async def group_card(self, ref: ConversationRef, payload: GroupCardPayload) -> None:
        """A group's card in the moderators' channel, unless the group was closed meanwhile."""
        view = await self._moderation.view(payload.group_id)
        if view.group.status not in {"open", "assigned"}:
            return
        posted = await self._client.chat_postMessage(
            channel=ref.conversation_id,
            blocks=group_card(view, reminder=payload.reminder),
            text=truncate(f"Question for the Secretariat: {escape(view.group.title)}", 300),
        )
        card = SlackCard(channel=str(posted["channel"]), ts=str(posted["ts"]))
        await self._moderation.set_card(payload.group_id, self.platform, card.location())

    async def refresh_card(self, ref: ConversationRef, payload: GroupCardRefreshPayload) -> None:
        """A group's card shown with its new status."""
        await refresh_card(self._client, self._moderation, payload.group_id)

    async def overdue_replies(self, ref: ConversationRef, payload: OverdueRepliesPayload) -> None:
        """The weekly list of replies due for review."""
        text = overdue_text(payload.replies)
        await self._client.chat_postMessage(
            channel=ref.conversation_id, text=text, blocks=[section(escape(text))]
        )

    async def calendar(self, ref: ConversationRef, payload: CalendarPayload) -> None:
        """A calendar digest or reminder."""
        await self._client.chat_postMessage(
            channel=ref.conversation_id,
            text=payload.digest.text()[:3000],
            blocks=digest_blocks(payload.digest),
            unfurl_links=False,
        )
