"""Proactive Slack messages from the outbox: answers to askers, cards to moderators."""

from __future__ import annotations

from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.app import post_replies
from adapters.slack.blocks import section
from adapters.slack.digest_blocks import digest_blocks
from adapters.slack.moderation import refresh_card
from adapters.slack.moderation_blocks import group_card
from adapters.slack.mrkdwn import escape, truncate
from bot.calendar.payloads import CalendarDigestPayload, CalendarPayload, CalendarReminderPayload
from bot.delivery.payloads import Handlers, Payload, ReplyPayload
from bot.kb.review import OverdueRepliesPayload, digest_text
from bot.messages import ConversationRef
from bot.moderation.payloads import GroupCardPayload, GroupCardRefreshPayload
from bot.moderation.queue import Moderation


class SlackSender:
    """Implements the dispatcher's `Sender` for Slack."""

    platform = "slack"

    def __init__(self, *, client: AsyncWebClient, moderation: Moderation) -> None:
        self._client = client
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
        """A reply in its thread."""
        await post_replies(
            self._client,
            channel=ref.conversation_id,
            thread_ts=ref.thread_id,
            replies=[payload.reply],
        )

    async def _group_card(self, ref: ConversationRef, payload: GroupCardPayload) -> None:
        """A group's card in the moderators' channel, unless the group was closed meanwhile."""
        view = await self._moderation.view(payload.group_id)
        if view.group.status not in {"open", "assigned"}:
            return
        posted = await self._client.chat_postMessage(
            channel=ref.conversation_id,
            blocks=group_card(view, reminder=payload.reminder),
            text=truncate(f"Question for the Secretariat: {escape(view.group.title)}", 300),
        )
        await self._moderation.set_card(
            payload.group_id, {"channel": str(posted["channel"]), "ts": str(posted["ts"])}
        )

    async def _refresh_card(self, ref: ConversationRef, payload: GroupCardRefreshPayload) -> None:
        """A group's card shown with its new status."""
        await refresh_card(self._client, self._moderation, payload.group_id)

    async def _overdue_replies(self, ref: ConversationRef, payload: OverdueRepliesPayload) -> None:
        """The weekly list of replies due for review."""
        text = digest_text(payload.replies)
        await self._client.chat_postMessage(
            channel=ref.conversation_id, text=text, blocks=[section(escape(text))]
        )

    async def _calendar(self, ref: ConversationRef, payload: CalendarPayload) -> None:
        """A calendar digest or reminder."""
        await self._client.chat_postMessage(
            channel=ref.conversation_id,
            text=payload.digest.text()[:3000],
            blocks=digest_blocks(payload.digest),
            unfurl_links=False,
        )
