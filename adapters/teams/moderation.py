"""Moderation in Teams: the group card's buttons, and the Answer and Link dialogs.

Answer and Link open task modules (Teams' dialogs); Assign and Dismiss act at once. Permission
is the core's decision; refusals are said politely, never failed silently.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import structlog
from microsoft_agents.activity import Activity, ActivityTypes, InvokeResponse
from microsoft_agents.hosting.core import TurnContext

from adapters.answer_form import (
    ALT_QUESTIONS,
    FIELDS,
    STALE_CHOICE,
    chosen_wordings,
    draft_from_form,
)
from adapters.teams.cards import card_activity, text_activity
from adapters.teams.connector import TeamsConnector
from adapters.teams.moderation_cards import (
    ASSIGN,
    DISMISS,
    LINK,
    answer_form,
    group_card,
    link_form,
    task_continue,
    task_message,
)
from adapters.teams.translate import PLATFORM
from adapters.teams.translate import actor as sender
from adapters.wording import OUT_OF_DATE_TEXT
from bot.db.types import row_id
from bot.messages import ConversationRef
from bot.moderation.directory import Actor, NotAModeratorError, require_moderator
from bot.moderation.queue import Moderation
from bot.moderation.resolution import AnswerDraft
from bot.moderation.views import CardLocation, GroupView, UnknownGroupError, UnknownWordingError

logger = structlog.get_logger(__name__)

DIALOG_INVOKES = frozenset({"task/fetch", "task/submit"})
"""The invokes of the moderators' dialogs; Teams' others (message extensions...) are not served."""
GONE_GROUP = (
    "This question group no longer exists (its questions were deleted, for instance at a "
    "member's request). Nothing was changed."
)


@dataclass(frozen=True, slots=True)
class TeamsCard:
    """Where a group's card was posted in Teams: the conversation, the activity to update,
    and the service URL that reaches that conversation after a restart."""

    conversation_id: str
    activity_id: str
    service_url: str | None = None

    def location(self) -> CardLocation:
        """The form the core keeps for the Teams entry of a group's cards."""
        return {
            "conversation_id": self.conversation_id,
            "activity_id": self.activity_id,
            "service_url": self.service_url or "",
        }

    @classmethod
    def of(cls, view: GroupView) -> TeamsCard | None:
        """The group's Teams card, if one was posted."""
        where = view.group.card(PLATFORM)
        if where is None:
            return None
        return cls(where["conversation_id"], where["activity_id"], where["service_url"] or None)


class TeamsModeration:
    """Carries out moderators' clicks and dialogs from Teams, and keeps group cards current."""

    def __init__(self, *, moderation: Moderation, connector: TeamsConnector) -> None:
        self._moderation = moderation
        self._connector = connector

    async def post_card(self, ref: ConversationRef, group_id: int, *, reminder: bool) -> None:
        """Post an active group's card to the moderators' channel and remember where."""
        view = await self._moderation.view(group_id)
        if view.group.status not in {"open", "assigned"}:
            return
        activity = card_activity(
            group_card(view, reminder=reminder),
            summary=f"Question for the Secretariat: {view.group.title}",
        )
        posted = await self._connector.send(ref, activity)
        if posted:
            card = TeamsCard(ref.conversation_id, activity_id=posted, service_url=ref.service_url)
            await self._moderation.set_card(group_id, PLATFORM, card.location())

    async def refresh_card(self, group_id: int) -> None:
        """Show a group's new status on its Teams card, if it has one."""
        view = await self._moderation.view(group_id)
        card = TeamsCard.of(view)
        if card is None:
            return
        ref = ConversationRef(
            platform=PLATFORM, conversation_id=card.conversation_id, service_url=card.service_url
        )
        activity = card_activity(group_card(view), summary=f"Group #{group_id}")
        await self._connector.update(ref, card.activity_id, activity)

    async def on_submit(self, context: TurnContext, value: Mapping[str, Any]) -> None:
        """Assign or Dismiss pressed on a group's card."""
        action = value.get("huribot")
        if action not in {ASSIGN, DISMISS}:
            return
        group_id = row_id(value.get("group_id"))
        if group_id is None:
            await self._connector.reply(context, text_activity(OUT_OF_DATE_TEXT))
            return
        actor = sender(context.activity)
        try:
            if action == ASSIGN:
                await self._moderation.assign(group_id, actor)
            else:
                await self._moderation.dismiss(group_id, actor)
        except NotAModeratorError as exc:
            await self._connector.reply(context, text_activity(str(exc)))
            return
        await self.refresh_card(group_id)

    async def on_invoke(self, context: TurnContext) -> None:
        """`task/fetch` opens the Answer or Link dialog; `task/submit` carries it out."""
        activity = context.activity
        if activity.name not in DIALOG_INVOKES:
            return  # not ours: the SDK answers 501 Not Implemented, as Teams expects
        value = activity.value if isinstance(activity.value, Mapping) else {}
        found = value.get("data")
        data: Mapping[str, Any] = found if isinstance(found, Mapping) else {}
        group_id = row_id(data.get("group_id"))
        actor = sender(activity)
        try:
            await require_moderator(self._moderation.moderators, actor)
            if group_id is None:
                body = task_message(OUT_OF_DATE_TEXT)
            elif activity.name == "task/fetch":
                body = await self._open(group_id, data)
            else:
                body = await self._submit(group_id, data, actor)
        except NotAModeratorError as exc:
            body = task_message(str(exc))
        except UnknownGroupError:  # deleted since the card was posted (privacy, retention)
            body = task_message(GONE_GROUP)
        await context.send_activity(
            Activity(
                type=ActivityTypes.invoke_response, value=InvokeResponse(status=200, body=body)
            )
        )

    async def _open(self, group_id: int, data: Mapping[str, Any]) -> dict[str, Any]:
        view = await self._moderation.view(group_id)
        if data.get("huribot") == LINK:
            return task_continue("Link to an answer", link_form(view))
        return task_continue("Answer question", answer_form(view))

    async def _submit(self, group_id: int, data: Mapping[str, Any], actor: Actor) -> dict[str, Any]:
        fields = {name: str(data.get(name) or "") for name in (*FIELDS, ALT_QUESTIONS)}
        wordings = (await self._moderation.view(group_id, candidates=0)).wordings
        if data.get("huribot") == LINK:
            reply_id = str(data.get("reply_id") or "").strip()
            kept = chosen_wordings(fields[ALT_QUESTIONS], wordings)
            return await self._link(group_id, reply_id, actor, kept=kept)
        draft = draft_from_form(fields, wordings=wordings)
        if not isinstance(draft, AnswerDraft):
            return await self._answer_again(group_id, draft, typed=fields)
        try:
            slug = await self._moderation.answer(group_id, draft, actor)
        except UnknownWordingError:  # an asker's question was deleted meanwhile
            typed = {**fields, ALT_QUESTIONS: ""}
            return await self._answer_again(group_id, {ALT_QUESTIONS: STALE_CHOICE}, typed=typed)
        await self.refresh_card(group_id)
        return task_message(f"Published as {slug}; every asker is being notified.")

    async def _answer_again(
        self, group_id: int, errors: dict[str, str], *, typed: Mapping[str, str]
    ) -> dict[str, Any]:
        view = await self._moderation.view(group_id)
        return task_continue("Answer question", answer_form(view, errors=errors, typed=typed))

    async def _link(
        self, group_id: int, reply_id: str, actor: Actor, *, kept: tuple[str, ...] | None
    ) -> dict[str, Any]:
        if kept is None:
            return await self._link_again(group_id, {ALT_QUESTIONS: STALE_CHOICE})
        try:
            await self._moderation.link(group_id, reply_id, actor, alt_questions=kept)
        except UnknownWordingError:
            return await self._link_again(group_id, {ALT_QUESTIONS: STALE_CHOICE})
        except LookupError:
            return await self._link_again(
                group_id, {"reply_id": f"No reply has the id “{reply_id}”."}
            )
        await self.refresh_card(group_id)
        return task_message(f"Linked to {reply_id}; every asker is being notified.")

    async def _link_again(self, group_id: int, errors: dict[str, str]) -> dict[str, Any]:
        view = await self._moderation.view(group_id)
        return task_continue("Link to an answer", link_form(view, errors=errors))
