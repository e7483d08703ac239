"""Every outbox idempotency key, built in one place.

A key says what a message is and for which period or thing, so that queueing it twice is a
no-op; the privacy purge must find a member's notifications by the same keys. Building them
here keeps the producers and the purge from drifting apart.
"""

from __future__ import annotations

from datetime import date, datetime


def answer_notice(group_id: int, question_id: int) -> str:
    """The Secretariat's answer to one asker of a group."""
    return f"answer:group:{group_id}:question:{question_id}"


def group_card(group_id: int) -> str:
    """A new group's card for the moderators (the platform is appended per conversation)."""
    return f"group-card:{group_id}"


def group_reminder(group_id: int, day: date) -> str:
    """A card posted again for an untouched group, at most once a day."""
    return f"group-reminder:{group_id}:{day:%Y-%m-%d}"


def group_refresh(group_id: int, at: datetime) -> str:
    """A group's cards shown with a new status."""
    return f"group-refresh:{group_id}:{at.isoformat()}"


GROUP_KEY_PREFIXES = ("group-card", "group-reminder", "group-refresh")
"""The keys of messages about a group, which go when the group goes."""


def review_reminder(year: int, week: int) -> str:
    """The weekly list of replies past their review date."""
    return f"review-digest:{year}-W{week:02d}"


def calendar_stale(month: date) -> str:
    """The monthly reminder to import a newer calendar."""
    return f"calendar-stale:{month:%Y-%m}"


def calendar_digest(subscription_id: int, due: datetime) -> str:
    """One scheduled digest of a subscription."""
    return f"calendar:digest:{subscription_id}:{due.isoformat()}"


def calendar_reminder(subscription_id: int, event_id: str, lead_days: int, on: date) -> str:
    """One reminder per subscription, event, lead time and event date: a moved event gets its
    reminders again for the new date; a restart or a second process never does."""
    return f"calendar:reminder:{subscription_id}:{event_id}:{lead_days}d:{on.isoformat()}"


def delivery_failed(message_id: int) -> str:
    """The moderators told that a message could not be delivered."""
    return f"delivery-failed:{message_id}"
