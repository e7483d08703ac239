"""`huribot ask` and `huribot chat`: questions from the command line and the console chat."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated

import typer

from adapters.cli.ask_json import triaged_json, verdict_json
from adapters.cli.common import fail, out, with_services
from bot.messages import ConversationRef, IncomingMessage

if TYPE_CHECKING:
    from adapters.wiring.services import Services


def ask(
    question: Annotated[
        str, typer.Argument(help="The question, or '-' to read one per line from stdin.")
    ],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the machine-readable answer.")
    ] = False,
    top: Annotated[int, typer.Option("--top", "-k", min=1, max=100, help="Hits to return.")] = 5,
) -> None:
    """Ask one question (or many, one per line, with '-') and print the answer."""
    if question == "-" and not as_json:
        raise fail("Reading questions from stdin ('-') needs --json.", code=2)

    async def _work(services: Services) -> None:
        if question == "-":
            for line in sys.stdin:
                if line.strip():
                    _print_json(services, line.strip(), top)
        elif as_json:
            _print_json(services, question, top)
        else:
            message = IncomingMessage(
                ref=ConversationRef(platform="cli", conversation_id="cli"),
                user_id="cli",
                text=question,
                received_at=datetime.now(UTC),
            )
            from adapters.console.adapter import render  # noqa: PLC0415  (see chat)

            for reply in await services.router.handle(message):
                out.print(render(reply))

    with_services(_work)


def _print_json(services: Services, question: str, top: int) -> None:
    early = services.router.triage(question)
    if early is not None:
        result = triaged_json(question, early)
    else:
        result = verdict_json(question, services.answerer.assess(question, top_k=top))
    sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def chat() -> None:
    """Chat with HuriBot in the terminal."""
    # the console (and the intake, metrics... behind it) loads only for the commands using it
    from adapters.console.adapter import ConsoleAdapter  # noqa: PLC0415

    async def _work(services: Services) -> None:
        await ConsoleAdapter(intake=services.intake, console=out, commands=services.commands).run()

    with_services(_work)
