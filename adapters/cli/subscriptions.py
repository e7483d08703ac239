"""`huribot unct|subscription|digest`: country teams, who gets calendar digests, and previews."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from typing import TYPE_CHECKING, Annotated

import typer

from adapters.cli.common import AsUser, cli_actor, fail, out, with_services
from bot.calendar.countries import UnknownCountryError
from bot.calendar.schedule import (
    DEFAULT_CADENCE,
    DEFAULT_REMINDER_TIME,
    Schedule,
    ScheduleError,
    parse_lead_days,
)
from bot.calendar.subscriptions import SubscriptionError, SubscriptionSettings
from bot.chat.commands import describe
from bot.messages import ConversationRef

if TYPE_CHECKING:
    from adapters.wiring.services import Services

unct_app = typer.Typer(help="UN Country Teams and the countries they cover.", no_args_is_help=True)
subscription_app = typer.Typer(
    help="Conversations that get calendar digests and reminders.", no_args_is_help=True
)
digest_app = typer.Typer(help="Calendar digests.", no_args_is_help=True)
PROBLEMS = (SubscriptionError, ScheduleError, UnknownCountryError)
"""Refusals whose message says what to fix."""


@unct_app.command("set")
def unct_set(
    name: Annotated[str, typer.Argument(help="The UNCT's name, e.g. 'UNCT Kenya'.")],
    countries: Annotated[list[str], typer.Argument(help="Countries it covers (codes or names).")],
    as_user: AsUser = None,
) -> None:
    """Create a UNCT, or change the countries it covers."""

    async def _work(services: Services) -> None:
        unct = await services.subscriptions.set_unct(name, countries, actor=str(cli_actor(as_user)))
        out.print(f"{unct.name}: {', '.join(unct.countries)}")

    _guarded(_work)


@unct_app.command("list")
def unct_list() -> None:
    """The UNCTs and their countries."""

    async def _work(services: Services) -> None:
        uncts = await services.subscriptions.uncts()
        if not uncts:
            out.print("No UNCT yet: add one with `huribot unct set NAME COUNTRY...`.")
        for unct in uncts:
            out.print(f"{unct.name}: {', '.join(unct.countries)}")

    with_services(_work, load_index=False)


@subscription_app.command("add")
def subscription_add(
    conversation: Annotated[
        str,
        typer.Option(help="Where to post: slack:<channel id> or teams:<conversation id>."),
    ],
    countries: Annotated[
        list[str] | None, typer.Argument(help="Countries (codes or names).")
    ] = None,
    unct: Annotated[str | None, typer.Option(help="A UNCT's name: its countries.")] = None,
    cadence: Annotated[str, typer.Option(help="Cron, in the time zone.")] = DEFAULT_CADENCE,
    timezone: Annotated[str, typer.Option(help="IANA time zone.")] = "UTC",
    language: Annotated[str, typer.Option(help="en, fr or es.")] = "en",
    lead_days: Annotated[str, typer.Option(help="Reminders, days before.")] = "90,30,7",
    reminder_time: Annotated[
        str, typer.Option(help="Local time of reminders.")
    ] = DEFAULT_REMINDER_TIME,
    as_user: AsUser = None,
) -> None:
    """Subscribe a conversation (or change its subscription's settings)."""

    async def _work(services: Services) -> None:
        ref = await _conversation(services, conversation)
        settings = SubscriptionSettings(
            schedule=Schedule(
                cadence=cadence,
                timezone=timezone,
                reminder_time=reminder_time,
                lead_days=parse_lead_days(lead_days),
            ),
            language=language,
        )
        subscription = await services.subscriptions.subscribe(
            ref, countries or [], actor=str(cli_actor(as_user)), unct=unct, settings=settings
        )
        out.print(describe(subscription))

    _guarded(_work)


@subscription_app.command("list")
def subscription_list() -> None:
    """Every subscription, with its schedule."""

    async def _work(services: Services) -> None:
        subscriptions = await services.subscriptions.all()
        if not subscriptions:
            out.print("No subscription yet: add one with `huribot subscription add`.")
        for subscription in subscriptions:
            out.print(
                f"{subscription.platform}:{subscription.conversation_id} {describe(subscription)}"
            )

    with_services(_work, load_index=False)


@subscription_app.command("remove")
def subscription_remove(
    subscription_id: Annotated[int, typer.Argument(help="The subscription's number.")],
    as_user: AsUser = None,
) -> None:
    """Stop a conversation's digests and reminders."""

    async def _work(services: Services) -> None:
        await services.subscriptions.remove(subscription_id, actor=str(cli_actor(as_user)))
        out.print(f"Subscription #{subscription_id} removed.")

    _guarded(_work)


@digest_app.command("preview")
def digest_preview(
    subscription: Annotated[int, typer.Option(help="The subscription's number.")],
    as_of: Annotated[
        str | None, typer.Option(help="The day to preview (YYYY-MM-DD; default today).")
    ] = None,
) -> None:
    """Show what the subscription would get on a day, without sending anything."""
    try:
        day = date.fromisoformat(as_of) if as_of else date.today()
    except ValueError as exc:
        raise fail(f"--as-of {as_of!r} is not a date: use YYYY-MM-DD.", code=2) from exc

    async def _work(services: Services) -> None:
        for number, message in enumerate(await services.scheduler.preview(subscription, as_of=day)):
            if number:
                out.rule()
            out.print(message.text(), markup=False)

    _guarded(_work, load_index=True)  # digests link related replies found in the index


async def _conversation(services: Services, target: str) -> ConversationRef:
    platform, _, conversation_id = target.partition(":")
    if platform not in {"slack", "teams"} or not conversation_id:
        raise SubscriptionError(f"'{target}' should look like slack:C0123 or teams:<id>.")
    if platform == "slack":
        return ConversationRef(platform="slack", conversation_id=conversation_id)
    known = await services.conversations.find(platform, conversation_id)
    if known is None:
        raise SubscriptionError(
            f"HuriBot has never heard from the Teams conversation {conversation_id}: add the "
            "bot to it (or have someone write to it there) first, then subscribe it."
        )
    return known


def _guarded(work: Callable[[Services], Awaitable[None]], *, load_index: bool = False) -> None:
    """Run `work`; a refused request exits 1 with the reason (what to fix)."""
    try:
        with_services(work, load_index=load_index)
    except PROBLEMS as exc:
        raise fail(str(exc)) from exc
