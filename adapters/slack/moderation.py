"""Moderation in Slack: the group card's buttons, the Answer and Link modals, `/huribot stats`.

Permission is the core's decision; this module only asks the member's Slack identity and,
for refusals, tells them politely (ephemeral) instead of failing silently.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import structlog
from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from adapters.answer_form import (
    ALT_QUESTIONS,
    FIELDS,
    STALE_CHOICE,
    chosen_wordings,
    draft_from_form,
)
from adapters.slack.moderation_blocks import (
    ANSWER_MODAL,
    LINK_MODAL,
    MOD_ACTION,
    answer_modal,
    group_card,
    link_modal,
    submitted,
    ticked,
)
from adapters.slack.payload_shape import button_id, channel_of, form_id, tolerant
from bot.moderation.directory import (
    Actor,
    MembersSource,
    NotAModeratorError,
    require_moderator,
)
from bot.moderation.queue import Moderation
from bot.moderation.resolution import AnswerDraft
from bot.moderation.views import CardLocation, GroupView, UnknownWordingError

logger = structlog.get_logger(__name__)

PLATFORM = "slack"


def channel_members(client: AsyncWebClient, channel: str) -> MembersSource:
    """The members of a Slack channel (every page), for `ChannelModerators`."""

    async def fetch() -> list[str]:
        members: list[str] = []
        async for page in await client.conversations_members(channel=channel, limit=500):
            members.extend(page.get("members", []))
        return members

    return fetch


@dataclass(frozen=True, slots=True)
class SlackCard:
    """Where a group's card was posted in Slack: a channel and the message's ts."""

    channel: str
    ts: str

    def location(self) -> CardLocation:
        """The form the core keeps for the Slack entry of a group's cards."""
        return {"channel": self.channel, "ts": self.ts}

    @classmethod
    def of(cls, view: GroupView) -> SlackCard | None:
        """The group's Slack card, if one was posted."""
        where = view.group.card(PLATFORM)
        return cls(channel=where["channel"], ts=where["ts"]) if where else None


async def refresh_card(client: AsyncWebClient, moderation: Moderation, group_id: int) -> None:
    """Show a group's current status on its Slack card, if it has one."""
    view = await moderation.view(group_id)
    card = SlackCard.of(view)
    if card is None:  # no Slack card (perhaps only a Teams one)
        return
    await client.chat_update(
        channel=card.channel, ts=card.ts, blocks=group_card(view), text=f"Group #{group_id}"
    )


def slack_actor(body: dict[str, Any]) -> Actor:
    """Who pressed a button or submitted a form, with the name Slack sends alongside (the
    cards on both platforms show it, not an id)."""
    user = body["user"]
    return Actor(PLATFORM, user["id"], name=user.get("name") or user.get("username"))


class SlackModeration:
    """Registers the moderators' buttons and modals on the Slack app."""

    def __init__(self, *, moderation: Moderation) -> None:
        self._moderation = moderation

    def register(self, app: AsyncApp) -> None:
        """Attach the listeners."""
        app.action(f"{MOD_ACTION}_answer")(tolerant(self._open_answer))
        app.action(f"{MOD_ACTION}_link")(tolerant(self._open_link))
        app.action(f"{MOD_ACTION}_assign")(tolerant(self._assign))
        app.action(f"{MOD_ACTION}_dismiss")(tolerant(self._dismiss))
        app.view(ANSWER_MODAL)(tolerant(self._submit_answer))
        app.view(LINK_MODAL)(tolerant(self._submit_link))

    async def refresh_card(self, client: AsyncWebClient, group_id: int) -> None:
        """Show a group's new status on its card in the moderators' channel."""
        await refresh_card(client, self._moderation, group_id)

    async def _allowed(self, body: dict[str, Any], client: AsyncWebClient) -> bool:
        try:
            await require_moderator(self._moderation.moderators, slack_actor(body))
        except NotAModeratorError:
            await self._refuse(body, client)
            return False
        return True

    async def _refuse(self, body: dict[str, Any], client: AsyncWebClient) -> None:
        await client.chat_postEphemeral(
            channel=channel_of(body),
            user=body["user"]["id"],
            text=str(NotAModeratorError()),
        )

    async def _open_answer(
        self, ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient
    ) -> None:
        await ack()
        if await self._allowed(body, client):
            view = await self._moderation.view(button_id(action))
            await client.views_open(trigger_id=body["trigger_id"], view=answer_modal(view))

    async def _open_link(
        self, ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient
    ) -> None:
        await ack()
        if await self._allowed(body, client):
            view = await self._moderation.view(button_id(action))
            await client.views_open(trigger_id=body["trigger_id"], view=link_modal(view))

    async def _assign(
        self, ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient
    ) -> None:
        await ack()
        await self._act(body, client, button_id(action), "assign")

    async def _dismiss(
        self, ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient
    ) -> None:
        await ack()
        await self._act(body, client, button_id(action), "dismiss")

    async def _act(
        self, body: dict[str, Any], client: AsyncWebClient, group_id: int, what: str
    ) -> None:
        actor = slack_actor(body)
        try:
            if what == "assign":
                await self._moderation.assign(group_id, actor)
            else:
                await self._moderation.dismiss(group_id, actor)
        except NotAModeratorError:
            await self._refuse(body, client)
            return
        await self.refresh_card(client, group_id)

    async def _submit_answer(
        self, ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient
    ) -> None:
        values = view["state"]["values"]
        group_id = form_id(view["private_metadata"], "the form")
        fields = {name: submitted(values, name) for name in FIELDS} | {
            ALT_QUESTIONS: ticked(values)
        }
        wordings = (await self._moderation.view(group_id, candidates=0)).wordings
        draft = draft_from_form(fields, wordings=wordings)
        if not isinstance(draft, AnswerDraft):
            await ack(response_action="errors", errors=draft)
            return
        try:
            await self._moderation.answer(group_id, draft, slack_actor(body))
        except NotAModeratorError as exc:
            await ack(response_action="errors", errors={"answer": str(exc)})
            return
        except UnknownWordingError:  # an asker's question was deleted meanwhile
            await ack(response_action="errors", errors={ALT_QUESTIONS: STALE_CHOICE})
            return
        await ack()
        await self.refresh_card(client, group_id)

    async def _submit_link(
        self, ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient
    ) -> None:
        values = view["state"]["values"]
        reply_id = submitted(values, "reply_id")
        group_id = form_id(view["private_metadata"], "the form")
        wordings = (await self._moderation.view(group_id, candidates=0)).wordings
        kept = chosen_wordings(ticked(values), wordings)
        if kept is None:
            await ack(response_action="errors", errors={ALT_QUESTIONS: STALE_CHOICE})
            return
        actor = slack_actor(body)
        try:
            await self._moderation.link(group_id, reply_id, actor, alt_questions=kept)
        except NotAModeratorError as exc:
            await ack(response_action="errors", errors={"reply_id": str(exc)})
            return
        except UnknownWordingError:
            await ack(response_action="errors", errors={ALT_QUESTIONS: STALE_CHOICE})
            return
        except LookupError:
            await ack(
                response_action="errors", errors={"reply_id": f"No reply has the id “{reply_id}”."}
            )
            return
        await ack()
        await self.refresh_card(client, group_id)
