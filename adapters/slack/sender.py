"""Proactive Slack messages from the outbox: answers to askers, cards to moderators."""

from __future__ import annotations

from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.app import post_replies
from adapters.slack.blocks import section
from adapters.slack.digest_blocks import digest_blocks
from adapters.slack.moderation import refresh_card
from adapters.slack.moderation_blocks import group_card
from adapters.slack.mrkdwn import escape, truncate
from bot.calendar.digest import Digest
from bot.kb.review import digest_text
from bot.messages import ConversationRef, reply_from_dict
from bot.moderation.queue import Moderation


class SlackSender:
    """Implements the dispatcher's `Sender` for Slack."""

    platform = "slack"

    def __init__(self, *, client: AsyncWebClient, moderation: Moderation) -> None:
        self._client = client
        self._moderation = moderation

    async def send(self, ref: ConversationRef, payload: dict[str, Any]) -> None:
        """Post a queued reply in its thread, a group's card in the moderators' channel, or a
        calendar digest or reminder."""
        if payload["kind"] == "reply":
            reply = reply_from_dict(payload["reply"])
            await post_replies(
                self._client, channel=ref.conversation_id, thread_ts=ref.thread_id, replies=[reply]
            )
            return
        if payload["kind"] == "group_card":
            group_id = int(payload["group_id"])
            view = await self._moderation.view(group_id)
            if view.group.status not in {"open", "assigned"}:
                return
            blocks = group_card(view, reminder=bool(payload.get("reminder")))
            posted = await self._client.chat_postMessage(
                channel=ref.conversation_id,
                blocks=blocks,
                text=truncate(f"Question for the Secretariat: {escape(view.group.title)}", 300),
            )
            await self._moderation.set_card(
                group_id, {"channel": str(posted["channel"]), "ts": str(posted["ts"])}
            )
            return
        if payload["kind"] == "group_card_refresh":
            await refresh_card(self._client, self._moderation, int(payload["group_id"]))
            return
        if payload["kind"] == "review_digest":
            text = digest_text(payload["replies"])
            await self._client.chat_postMessage(
                channel=ref.conversation_id, text=text, blocks=[section(escape(text))]
            )
            return
        if payload["kind"] in {"calendar_digest", "calendar_reminder"}:
            digest = Digest.from_dict(payload["digest"])
            await self._client.chat_postMessage(
                channel=ref.conversation_id,
                text=digest.text()[:3000],
                blocks=digest_blocks(digest),
                unfurl_links=False,
            )
            return
        raise ValueError(f"unknown outbox payload kind {payload['kind']!r}")
