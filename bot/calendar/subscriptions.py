"""UNCTs and calendar subscriptions: which conversation hears about which countries, how
often, in which time zone and language. Every change is audited."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.calendar.countries import country_code
from bot.calendar.schedule import Schedule, next_run
from bot.calendar.wording import LANGUAGES
from bot.clock import Clock, system_clock
from bot.db.audit import record_audit
from bot.db.engine import Database
from bot.db.models import CalendarReminder, Subscription, Unct
from bot.messages import ConversationRef


class SubscriptionError(ValueError):
    """A subscription request that cannot be carried out, with what to do instead."""


class UnknownSubscriptionError(SubscriptionError, LookupError):
    """No subscription has that id, or the conversation has none."""


@dataclass(frozen=True, slots=True)
class UnctInfo:
    """A UN Country Team and the countries it covers, as read."""

    name: str
    countries: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SubscriptionInfo:
    """A subscription as read: where it posts, the countries it covers (its UNCT's too),
    and when and how."""

    id: int
    platform: str
    conversation_id: str
    countries: tuple[str, ...]
    unct: str | None
    cadence: str
    timezone: str
    language: str
    lead_days: tuple[int, ...]
    next_digest_at: datetime


def subscription_info(subscription: Subscription) -> SubscriptionInfo:
    """The frozen view of a stored subscription."""
    return SubscriptionInfo(
        id=subscription.id,
        platform=subscription.platform,
        conversation_id=subscription.conversation_id,
        countries=tuple(covered_countries(subscription)),
        unct=subscription.unct.name if subscription.unct is not None else None,
        cadence=subscription.cadence,
        timezone=subscription.timezone,
        language=subscription.language,
        lead_days=tuple(subscription.lead_days),
        next_digest_at=subscription.next_digest_at,
    )


@dataclass(frozen=True, slots=True)
class SubscriptionSettings:
    """What a new subscription starts with (existing ones keep theirs)."""

    schedule: Schedule = field(default_factory=Schedule)
    language: str = "en"

    def __post_init__(self) -> None:
        if self.language not in LANGUAGES:
            raise SubscriptionError(
                f"Digests are written in {', '.join(LANGUAGES)}; '{self.language}' is not one."
            )


def covered_countries(subscription: Subscription) -> list[str]:
    """The subscription's own countries and its UNCT's, without repeats, in order."""
    unct = list(subscription.unct.countries) if subscription.unct is not None else []
    return list(dict.fromkeys([*unct, *subscription.countries]))


def schedule_of(subscription: Subscription) -> Schedule:
    """The stored cadence, time zone and lead times."""
    return Schedule(
        cadence=subscription.cadence,
        timezone=subscription.timezone,
        reminder_time=subscription.reminder_time,
        lead_days=tuple(subscription.lead_days),
    )


def _state(subscription: Subscription) -> dict[str, Any]:
    return {
        "conversation": subscription.conversation,
        "countries": covered_countries(subscription),
        "cadence": subscription.cadence,
        "timezone": subscription.timezone,
        "language": subscription.language,
    }


def country_codes(names: Sequence[str]) -> list[str]:
    """ISO codes for country names or codes (UnknownCountryError for the first unknown)."""
    return list(dict.fromkeys(country_code(name) for name in names))


class Subscriptions:
    """Creates, changes and lists subscriptions and UNCTs."""

    def __init__(self, *, database: Database, clock: Clock = system_clock) -> None:
        self._database = database
        self._clock = clock

    async def set_unct(self, name: str, countries: Sequence[str], *, actor: str) -> Unct:
        """Create or redefine a UNCT by name."""
        codes = country_codes(countries)
        if not name.strip() or not codes:
            raise SubscriptionError("A UNCT needs a name and at least one country.")
        now = self._clock()
        async with self._database.transaction() as session:
            unct = await session.scalar(select(Unct).where(Unct.name == name.strip()))
            before = None if unct is None else {"countries": unct.countries}
            if unct is None:
                unct = Unct(name=name.strip(), countries=codes, created_at=now)
                session.add(unct)
            unct.countries = codes
            record_audit(
                session,
                at=now,
                actor=actor,
                action="unct.set",
                target=f"unct:{unct.name}",
                before=before,
                after={"countries": codes},
            )
        return unct

    async def uncts(self) -> list[UnctInfo]:
        """All UNCTs, by name."""
        async with self._database.sessions() as session:
            rows = (await session.scalars(select(Unct).order_by(Unct.name))).all()
            return [UnctInfo(unct.name, tuple(unct.countries)) for unct in rows]

    async def subscribe(
        self,
        ref: ConversationRef,
        countries: Sequence[str],
        *,
        actor: str,
        unct: str | None = None,
        settings: SubscriptionSettings | None = None,
    ) -> Subscription:
        """Add countries (and/or a UNCT) to the conversation's subscription, creating it with
        `settings` if it has none; new settings replace the old when given."""
        codes = country_codes(countries)
        if not codes and unct is None:
            raise SubscriptionError("Name at least one country, e.g. `subscribe KEN`.")
        now = self._clock()
        async with self._database.transaction() as session:
            subscription = await self._of_conversation(session, ref.platform, ref.conversation_id)
            before = None if subscription is None else _state(subscription)
            if subscription is None:
                subscription = self._new(ref, actor, settings or SubscriptionSettings(), now)
                session.add(subscription)
            elif settings is not None:
                _apply(subscription, settings, now)
            if unct is not None:
                subscription.unct = await self._unct(session, unct)
            subscription.countries = list(dict.fromkeys([*subscription.countries, *codes]))
            await session.flush()
            self._audit(session, subscription, actor, "subscription.set", before, now=now)
        return subscription

    async def unsubscribe(
        self, platform: str, conversation_id: str, countries: Sequence[str], *, actor: str
    ) -> Subscription | None:
        """Remove countries from the conversation's subscription (all of it when none are
        named, or when none remain); returns what is left, if anything."""
        codes = country_codes(countries)
        async with self._database.transaction() as session:
            subscription = await self._of_conversation(session, platform, conversation_id)
            if subscription is None:
                raise UnknownSubscriptionError("This conversation has no calendar subscription.")
            remaining = [c for c in subscription.countries if c not in codes] if codes else []
            if (
                codes
                and subscription.unct is not None
                and set(codes) & set(subscription.unct.countries)
            ):
                subscription.unct = None
            if not remaining and subscription.unct is None:
                await self._delete(session, subscription, actor)
                return None
            before = _state(subscription)
            subscription.countries = remaining
            self._audit(session, subscription, actor, "subscription.set", before, now=self._clock())
            return subscription

    async def remove(self, subscription_id: int, *, actor: str) -> None:
        """Delete a subscription by id (moderators and operators)."""
        async with self._database.transaction() as session:
            subscription = await session.get(Subscription, subscription_id)
            if subscription is None:
                raise UnknownSubscriptionError(f"No subscription has the id {subscription_id}.")
            await self._delete(session, subscription, actor)

    async def get(self, subscription_id: int) -> Subscription:
        """One subscription, with its UNCT."""
        async with self._database.sessions() as session:
            subscription = await session.get(Subscription, subscription_id)
        if subscription is None:
            raise UnknownSubscriptionError(f"No subscription has the id {subscription_id}.")
        return subscription

    async def info(self, subscription_id: int) -> SubscriptionInfo:
        """One subscription's frozen view (UnknownSubscriptionError when there is none)."""
        return subscription_info(await self.get(subscription_id))

    async def infos(self) -> list[SubscriptionInfo]:
        """Every subscription's frozen view, oldest first."""
        return [subscription_info(subscription) for subscription in await self.all()]

    async def of_conversation(self, platform: str, conversation_id: str) -> Subscription | None:
        """The conversation's subscription, if it has one."""
        async with self._database.sessions() as session:
            return await self._of_conversation(session, platform, conversation_id)

    async def countries_of(
        self, conversations: Iterable[tuple[str, str]]
    ) -> dict[tuple[str, str], tuple[str, ...]]:
        """The countries each subscribed `(platform, conversation id)` hears about (a UNCT's
        channel is subscribed to its countries), in one query however many are asked."""
        wanted = set(conversations)
        if not wanted:
            return {}
        ids = {conversation_id for _, conversation_id in wanted}
        async with self._database.sessions() as session:
            found = await session.scalars(
                select(Subscription).where(Subscription.conversation_id.in_(ids))
            )
            return {
                (s.platform, s.conversation_id): tuple(covered_countries(s))
                for s in found
                if (s.platform, s.conversation_id) in wanted
            }

    async def all(self) -> Sequence[Subscription]:
        """Every subscription, oldest first."""
        async with self._database.sessions() as session:
            return (await session.scalars(select(Subscription).order_by(Subscription.id))).all()

    @staticmethod
    async def _of_conversation(
        session: AsyncSession, platform: str, conversation_id: str
    ) -> Subscription | None:
        return await session.scalar(
            select(Subscription).where(
                Subscription.platform == platform,
                Subscription.conversation_id == conversation_id,
            )
        )

    @staticmethod
    async def _unct(session: AsyncSession, name: str) -> Unct:
        unct = await session.scalar(select(Unct).where(Unct.name == name.strip()))
        if unct is None:
            raise SubscriptionError(
                f"No UNCT is called '{name}': create it with `huribot unct set`."
            )
        return unct

    @staticmethod
    def _new(
        ref: ConversationRef, actor: str, settings: SubscriptionSettings, now: datetime
    ) -> Subscription:
        subscription = Subscription(
            platform=ref.platform,
            conversation_id=ref.conversation_id,
            conversation=ref.conversation_only().to_dict(),
            countries=[],
            created_by=actor,
            created_at=now,
        )
        _apply(subscription, settings, now)
        return subscription

    async def _delete(self, session: AsyncSession, subscription: Subscription, actor: str) -> None:
        before = _state(subscription)
        self._audit(session, subscription, actor, "subscription.remove", before, now=self._clock())
        await session.execute(
            delete(CalendarReminder).where(CalendarReminder.subscription_id == subscription.id)
        )
        await session.delete(subscription)

    @staticmethod
    def _audit(
        session: AsyncSession,
        subscription: Subscription,
        actor: str,
        action: str,
        before: dict[str, Any] | None,
        *,
        now: datetime,
    ) -> None:
        record_audit(
            session,
            at=now,
            actor=actor,
            action=action,
            target=f"subscription:{subscription.id}",
            before=before,
            after=None if action.endswith("remove") else _state(subscription),
        )


def _apply(subscription: Subscription, settings: SubscriptionSettings, now: datetime) -> None:
    """Store the settings and schedule the next digest accordingly."""
    schedule = settings.schedule
    subscription.cadence = schedule.cadence
    subscription.timezone = schedule.timezone
    subscription.reminder_time = schedule.reminder_time
    subscription.lead_days = list(schedule.lead_days)
    subscription.language = settings.language
    subscription.next_digest_at = next_run(schedule.cadence, schedule.timezone, after=now)
