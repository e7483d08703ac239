"""Slack payloads into the core's message type: which events are questions, and from where."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bot.chat.router import is_command
from bot.messages import ConversationRef, IncomingMessage

PLATFORM = "slack"
COMMAND = "/huribot"
_MENTION = re.compile(r"<@[A-Z0-9]+(?:\|[^>]*)?>")
IGNORED_SUBTYPES = frozenset(
    {
        "bot_message",
        "message_changed",
        "message_deleted",
        "channel_join",
        "channel_leave",
        "thread_broadcast",
        "message_replied",
    }
)


@dataclass(frozen=True, slots=True)
class SlackQuestion:
    """A question found in a Slack request, with the key that de-duplicates Slack's retries."""

    message: IncomingMessage
    event_key: str


def _received_at(ts: str | None, clock_now: datetime) -> datetime:
    try:
        return datetime.fromtimestamp(float(ts), tz=UTC) if ts else clock_now
    except (ValueError, OverflowError, OSError):  # not a number, or no date ("1e400", "-1e20")
        return clock_now


def plain_text(text: str) -> str:
    """What the member typed: mentions (`<@U123>`) removed, Slack's `&amp; &lt; &gt;` decoded."""
    without_mentions = " ".join(_MENTION.sub(" ", text).split())
    return without_mentions.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def is_from_a_bot(event: Mapping[str, Any]) -> bool:
    """Bots' messages, our own included, and edits or joins are never questions."""
    return bool(event.get("bot_id") or event.get("bot_profile")) or (
        event.get("subtype") in IGNORED_SUBTYPES
    )


def question_from_event(body: Mapping[str, Any], *, now: datetime) -> SlackQuestion | None:
    """An `app_mention`, or a direct message to the bot, as a question (else None)."""
    event = body.get("event") or {}
    kind = event.get("type")
    is_dm = kind == "message" and event.get("channel_type") == "im"
    if kind != "app_mention" and not is_dm:
        return None
    if is_from_a_bot(event) or not event.get("user") or not event.get("channel"):
        return None  # nowhere to answer (Slack always names the channel; a forgery may not)
    text = plain_text(str(event.get("text", "")))
    thread = event.get("thread_ts") or (None if is_dm else event.get("ts"))
    ref = ConversationRef(
        platform=PLATFORM,
        conversation_id=str(event.get("channel")),
        thread_id=thread,
        tenant_id=body.get("team_id"),
    )
    message = IncomingMessage(
        ref=ref,
        user_id=str(event["user"]),
        text=text,
        received_at=_received_at(event.get("ts"), now),
    )
    key = body.get("event_id") or f"{event.get('channel')}:{event.get('ts')}"
    return SlackQuestion(message=message, event_key=f"slack:{key}")


def question_from_command(body: Mapping[str, Any], *, now: datetime) -> SlackQuestion | None:
    """`/huribot <question>` as a question; None for commands (`help`, `calendar KEN`...)."""
    text = plain_text(str(body.get("text", "")))
    if body.get("command") != COMMAND or is_command(text):
        return None
    ref = ConversationRef(
        platform=PLATFORM,
        conversation_id=str(body.get("channel_id")),
        tenant_id=body.get("team_id"),
    )
    message = IncomingMessage(ref=ref, user_id=str(body.get("user_id")), text=text, received_at=now)
    return SlackQuestion(message=message, event_key=f"slack:command:{body.get('trigger_id')}")
