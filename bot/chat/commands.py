"""Chat commands, the same on every platform: help, stats, calendar and subscriptions.

Slack users type them after `/huribot`; Teams users write them to the bot. Anything that is
not a command is a question for the answering pipeline.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.calendar.countries import UnknownCountryError, country_name
from bot.calendar.schedule import Schedule, ScheduleError, describe_cadence, zone
from bot.calendar.subscriptions import (
    SubscriptionError,
    Subscriptions,
    SubscriptionSettings,
    covered_countries,
)
from bot.calendar.upcoming import CalendarLookup
from bot.chat.router import HELP_TEXT, is_command
from bot.clock import Clock, system_clock
from bot.db.models import Subscription
from bot.db.types import row_id
from bot.messages import ConversationRef
from bot.moderation.directory import Actor, NotAModeratorError, require_moderator
from bot.moderation.queue import Moderation
from bot.questions.stats import question_stats

MAX_LISTED = 15
"""Subscriptions listed in one chat message."""
COMMANDS_HELP = (
    "Commands:\n"
    "- `calendar KEN [2025-01-01]`: the country's engagements with the human rights "
    "mechanisms in the next 12 months (from the date given, if one is)\n"
    "- `subscribe KEN [timezone=Africa/Nairobi] [language=fr]`: monthly digests and reminders "
    "before each deadline, in this conversation\n"
    "- `unsubscribe KEN` (or `unsubscribe` for all), `subscriptions`: manage them\n"
    "- `stats` (moderators): the Secretariat's figures"
)


@dataclass(frozen=True, slots=True)
class CommandContext:
    """Who typed a command, and where."""

    actor: Actor
    ref: ConversationRef


class ChatCommands:
    """Runs a command typed in chat and returns the text to show."""

    def __init__(
        self,
        *,
        subscriptions: Subscriptions,
        calendar: CalendarLookup,
        moderation: Moderation,
        default_timezone: str = "UTC",
        clock: Clock = system_clock,
    ) -> None:
        self._subscriptions = subscriptions
        self._calendar = calendar
        self._moderation = moderation
        self._default_timezone = default_timezone
        self._clock = clock

    async def run(self, text: str, *, context: CommandContext) -> str | None:
        """The command's answer, or None when the text is a question."""
        if not is_command(text):
            return None
        word, _, rest = " ".join(text.split()).partition(" ")
        handlers = {
            "stats": self._stats,
            "calendar": self._calendar_text,
            "subscribe": self._subscribe,
            "unsubscribe": self._unsubscribe,
            "subscriptions": self._list,
        }
        handler = handlers.get(word.casefold())
        if handler is None:
            return f"{HELP_TEXT}\n\n{COMMANDS_HELP}"
        try:
            return await handler(rest, context)
        except (SubscriptionError, ScheduleError, UnknownCountryError, NotAModeratorError) as exc:
            return _friendly(exc)

    async def _stats(self, _rest: str, context: CommandContext) -> str:
        await require_moderator(self._moderation.moderators, context.actor)
        async with self._moderation.database.sessions() as session:
            figures = await question_stats(
                session, now=self._clock(), glossary=self._moderation.glossary
            )
        return "\n".join(f"• {label}: {value}" for label, value in figures.rows())

    async def _calendar_text(self, rest: str, _context: CommandContext) -> str:
        return await self._calendar.upcoming_text(rest)

    async def _subscribe(self, rest: str, context: CommandContext) -> str:
        countries, options = _split_options(rest)
        existing = await self._subscriptions.of_conversation(
            context.ref.platform, context.ref.conversation_id
        )
        settings = None
        if existing is None or options:
            settings = self._settings(options, existing)
        subscription = await self._subscriptions.subscribe(
            context.ref, countries, actor=str(context.actor), settings=settings
        )
        return "Subscribed. " + describe(subscription)

    async def _unsubscribe(self, rest: str, context: CommandContext) -> str:
        target = rest.strip()
        if target.startswith("#"):
            await require_moderator(self._moderation.moderators, context.actor)
            await self._subscriptions.remove(_subscription_id(target), actor=str(context.actor))
            return f"Subscription {target} removed."
        left = await self._subscriptions.unsubscribe(
            context.ref.platform,
            context.ref.conversation_id,
            target.split(),
            actor=str(context.actor),
        )
        if left is None:
            return "This conversation will get no more calendar digests or reminders."
        return "Unsubscribed. " + describe(left)

    async def _list(self, rest: str, context: CommandContext) -> str:
        if rest.strip().casefold() == "all":
            await require_moderator(self._moderation.moderators, context.actor)
            everything = await self._subscriptions.all()
            if not everything:
                return "No conversation is subscribed to the calendar yet."
            lines = [f"• {s.platform} {s.conversation_id}: {describe(s)}" for s in everything]
            if len(lines) > MAX_LISTED:  # chat messages are short; the CLI lists them all
                more = len(lines) - MAX_LISTED
                lines = [*lines[:MAX_LISTED], f"… and {more} more: `huribot subscription list`."]
            return "\n".join(lines)
        subscription = await self._subscriptions.of_conversation(
            context.ref.platform, context.ref.conversation_id
        )
        if subscription is None:
            return "This conversation has no calendar subscription: try `subscribe KEN`."
        return describe(subscription)

    def _settings(
        self, options: dict[str, str], existing: Subscription | None
    ) -> SubscriptionSettings:
        unknown = set(options) - {"timezone", "language"}
        if unknown:
            raise SubscriptionError(
                f"Unknown option {', '.join(sorted(unknown))}: use timezone= or language=."
            )
        timezone = options.get("timezone") or (
            existing.timezone if existing else self._default_timezone
        )
        language = options.get("language") or (existing.language if existing else "en")
        if existing is None:
            return SubscriptionSettings(schedule=Schedule(timezone=timezone), language=language)
        schedule = Schedule(
            cadence=existing.cadence,
            timezone=timezone,
            reminder_time=existing.reminder_time,
            lead_days=tuple(existing.lead_days),
        )
        return SubscriptionSettings(schedule=schedule, language=language)


def describe(subscription: Subscription) -> str:
    """One line about a subscription: countries, cadence, next digest, reminders, language."""
    names = ", ".join(country_name(code) for code in covered_countries(subscription))
    unct = f" ({subscription.unct.name})" if subscription.unct is not None else ""
    local_next = subscription.next_digest_at.astimezone(zone(subscription.timezone))
    leads = ", ".join(str(days) for days in subscription.lead_days)
    return (
        f"#{subscription.id}: {names or 'no country'}{unct}; digest "
        f"{describe_cadence(subscription.cadence)} (next {_when(local_next)} "
        f"{subscription.timezone}); reminders {leads} days before "
        f"each deadline and review; language {subscription.language}."
    )


def _when(moment: datetime) -> str:
    return f"{moment.day} {moment:%B %Y %H:%M}"


def _split_options(text: str) -> tuple[list[str], dict[str, str]]:
    words, options = [], {}
    for token in text.split():
        key, equals, value = token.partition("=")
        if equals:
            options[key.casefold()] = value
        else:
            words.append(token)
    return words, options


def _subscription_id(text: str) -> int:
    """The number of `#12`; a number no subscription can have (past the id column, which
    the database would refuse) is no subscription number either."""
    found = row_id(text.lstrip("#"))
    if found is None:
        raise SubscriptionError(f"'{text[:40]}' is not a subscription number, e.g. #12.")
    return found


def _friendly(error: Exception) -> str:
    if isinstance(error, UnknownCountryError):
        return f"I don't know that country ({error}). Use its ISO code, e.g. KEN, or its UN name."
    return str(error)
