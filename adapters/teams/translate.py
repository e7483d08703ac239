"""Teams activities into the core's message type: which are questions, from where, in what words.

Raw Teams activities carry all we need (conversation type, tenant, mention entities), so the
Teams extension package of the SDK, which needs Python 3.12, is not required.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from microsoft_agents.activity import Activity, ActivityTypes

from adapters.teams.threads import THREAD_SUFFIX
from bot.messages import ConversationRef, IncomingMessage
from bot.moderation.directory import Actor

PLATFORM = "teams"
PERSONAL = "personal"
_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True, slots=True)
class TeamsQuestion:
    """A question found in an activity, with the key that de-duplicates redeliveries."""

    message: IncomingMessage
    event_key: str


def tenant_of(activity: Activity) -> str | None:
    """The member's Entra tenant, from the conversation or Teams' channel data."""
    if activity.conversation and activity.conversation.tenant_id:
        return activity.conversation.tenant_id
    channel_data = activity.channel_data if isinstance(activity.channel_data, dict) else {}
    tenant = channel_data.get("tenant")
    found = tenant.get("id") if isinstance(tenant, dict) else None
    return found if isinstance(found, str) and found else None


def conversation_ref(activity: Activity, *, in_reply_chain: bool = True) -> ConversationRef:
    """Where to answer: the same conversation and, outside personal chat, the same reply
    chain (the activity itself is the message replied to). Without the reply chain, a
    channel is named by itself, so later messages (digests) start their own posts."""
    conversation = activity.conversation
    if conversation is None:
        raise ValueError("activity without a conversation")
    personal = conversation.conversation_type == PERSONAL
    conversation_id = conversation.id
    if not in_reply_chain:
        conversation_id = conversation_id.split(THREAD_SUFFIX, 1)[0]
    return ConversationRef(
        platform=PLATFORM,
        conversation_id=conversation_id,
        thread_id=activity.id if in_reply_chain and not personal else None,
        service_url=activity.service_url,
        tenant_id=tenant_of(activity),
    )


def plain_text(activity: Activity) -> str:
    """What the member typed: the bot's @mention removed, Teams' HTML tags and entities
    (channel messages arrive as HTML) decoded, whitespace collapsed."""
    text = activity.model_copy(deep=True).remove_recipient_mention()
    text = _TAG.sub(" ", text)
    return " ".join(html.unescape(text).split())


def question_from_activity(activity: Activity, *, now: datetime) -> TeamsQuestion | None:
    """A message a member typed to the bot (not a card's submit) as a question, else None."""
    if activity.type != ActivityTypes.message or activity.value is not None:
        return None
    if activity.from_property is None or activity.conversation is None:
        return None
    message = IncomingMessage(
        ref=conversation_ref(activity),
        user_id=user_id(activity),
        text=plain_text(activity),
        received_at=_received_at(activity, now),
    )
    key = f"teams:{activity.conversation.id}:{activity.id}"
    return TeamsQuestion(message=message, event_key=key)


def user_id(activity: Activity) -> str:
    """Who sent an activity: the member's Entra object id when Teams gives it (moderators
    are listed by it), else their Teams id."""
    sender = activity.from_property
    if sender is None:
        return ""
    return sender.aad_object_id or sender.id


def actor(activity: Activity) -> Actor:
    """The sender as a moderation actor, with the display name Teams sends (cards show it)."""
    sender = activity.from_property
    return Actor(PLATFORM, user_id(activity), name=sender.name if sender is not None else None)


def _received_at(activity: Activity, now: datetime) -> datetime:
    stamp = activity.timestamp
    if stamp is None:
        return now
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)
