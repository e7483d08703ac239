"""`huribot privacy`: a member's data exported or forgotten on request, and the retention
purge (what is kept and why is in docs/privacy.md)."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from adapters.cli.common import AsUser, cli_actor, out, with_services
from bot.clock import system_clock
from bot.questions.privacy import export_user, forget_user, purge_before

if TYPE_CHECKING:
    from adapters.wiring.services import Services

privacy_app = typer.Typer(help="Data protection: export, forget and purge.", no_args_is_help=True)

UserId = Annotated[str, typer.Argument(help="The member's Slack or Teams user id.")]
Platform = Annotated[str | None, typer.Option(help="slack or teams (default: both).")]


@privacy_app.command("export")
def export(
    user_id: UserId,
    platform: Platform = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="JSON file (default: stdout).")
    ] = None,
) -> None:
    """Everything HuriBot logged about one member, as JSON (a data-subject access request)."""

    async def _work(services: Services) -> None:
        async with services.database.sessions() as session:
            record = await export_user(session, user_id=user_id, platform=platform)
        text = json.dumps(record, ensure_ascii=False, indent=2)
        if output is None:
            print(text)
        else:
            output.write_text(text + "\n", encoding="utf-8")
            out.print(f"Wrote {len(record['questions'])} question(s) of {user_id} to {output}.")

    with_services(_work, load_index=False)


@privacy_app.command("forget")
def forget(
    user_id: UserId,
    platform: Platform = None,
    as_user: AsUser = None,
) -> None:
    """Delete everything HuriBot logged about one member (a data-subject request)."""

    async def _work(services: Services) -> None:
        async with services.database.transaction() as session:
            purged = await forget_user(
                session,
                user_id=user_id,
                platform=platform,
                actor=str(cli_actor(as_user)),
                now=system_clock(),
            )
        out.print(f"Forgot {purged.questions} question(s) of {user_id}.")

    with_services(_work, load_index=False)


@privacy_app.command("purge")
def purge() -> None:
    """Delete questions older than HURIBOT_QUESTION_RETENTION_DAYS."""

    async def _work(services: Services) -> None:
        cutoff = system_clock() - timedelta(days=services.settings.question_retention_days)
        async with services.database.transaction() as session:
            purged = await purge_before(session, cutoff=cutoff)
        out.print(f"Purged {purged.questions} question(s) received before {cutoff:%Y-%m-%d}.")

    with_services(_work, load_index=False)
