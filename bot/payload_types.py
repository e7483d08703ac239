"""Every kind of outbox message the core queues, in one list: the dispatcher reads stored
messages with a codec built from it, and the tests check that each platform's sender handles
every kind in it."""

from __future__ import annotations

from bot.calendar.payloads import CalendarDigestPayload, CalendarReminderPayload
from bot.delivery.payloads import Payload, PayloadCodec, ReplyPayload
from bot.kb.review import OverdueRepliesPayload
from bot.moderation.payloads import GroupCardPayload, GroupCardRefreshPayload

PAYLOAD_TYPES: tuple[type[Payload], ...] = (
    ReplyPayload,
    GroupCardPayload,
    GroupCardRefreshPayload,
    OverdueRepliesPayload,
    CalendarDigestPayload,
    CalendarReminderPayload,
)


def payload_codec() -> PayloadCodec:
    """The codec that reads every kind above."""
    return PayloadCodec(PAYLOAD_TYPES)
