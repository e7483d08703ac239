"""`huribot queue` and `huribot privacy`: moderation and data protection from the terminal."""

from __future__ import annotations

import csv
import sys
from collections.abc import Sequence
from contextlib import nullcontext
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.text import Text

from adapters.cli.common import AsUser, cli_actor, fail, out, with_services
from adapters.cli.listing import Column, print_listing
from adapters.spreadsheet import spreadsheet_safe
from bot.db.audit import audit_trail
from bot.kb.queries import UnknownItemError
from bot.moderation.queue import ACTIVE
from bot.moderation.resolution import AnswerDraft, AnswerTooLongError
from bot.moderation.views import GroupView, UnknownGroupError, UnknownWordingError
from bot.questions.status import QuestionStatus
from knowledge.records import SourceLink

if TYPE_CHECKING:
    from adapters.wiring.services import Services

queue_app = typer.Typer(
    help="The Secretariat's queue of unanswered questions.", no_args_is_help=True
)

ALL = "all"
GROUP_COLUMNS = (
    Column("group", right=True),
    Column("status"),
    Column("asked", right=True),
    Column("updated"),
    Column("first wording"),
)
AltQuestions = Annotated[
    list[str] | None,
    typer.Option(
        "--alt-question",
        help="An asker's wording to keep as an alternative question: its text, or its number "
        "in `queue show` (repeatable; none by default).",
    ),
]


@queue_app.command("list")
def list_groups(
    status: Annotated[
        str, typer.Option(help="open, assigned, answered, dismissed or all.")
    ] = "open",
) -> None:
    """Question groups (open ones by default), most recent first."""
    statuses = _statuses(status)

    async def _work(services: Services) -> None:
        views = await services.moderation.groups(statuses=statuses)
        rows = [
            (
                str(view.group.id),
                view.group.status,
                str(len(view.questions)),
                f"{view.group.updated_at:%Y-%m-%d}",
                view.group.title,
            )
            for view in views
        ]
        if rows:
            print_listing(out, "Question groups", GROUP_COLUMNS, rows)
        else:
            out.print("Nothing in the queue.")

    with_services(_work)


def _statuses(status: str) -> tuple[str, ...]:
    if status == ALL:
        return tuple(s.value for s in QuestionStatus)
    if status == "open":
        return ACTIVE
    if status not in {s.value for s in QuestionStatus}:
        raise fail(
            f"Unknown status {status!r}: use open, assigned, answered, dismissed or all.", code=2
        )
    return (status,)


@queue_app.command("show")
def show(group_id: Annotated[int, typer.Argument(help="The group id from `queue list`.")]) -> None:
    """Every wording of a group, the bot's best candidates, and its audit trail."""

    async def _work(services: Services) -> None:
        try:
            view = await services.moderation.view(group_id)
        except UnknownGroupError as exc:
            raise fail(f"{exc} Run `huribot queue list --status all` to see the ids.") from exc
        g = view.group
        out.print(
            Text.assemble(
                (f"Group {g.id}", "bold"),
                f" · {g.status} · {len(view.questions)} asked · {g.language}",
            )
        )
        for number, wording in enumerate(view.wordings, start=1):
            out.print(f"  {number}. {wording}")
        if view.candidates:
            out.print("Bot's best candidates:")
            for hit in view.candidates:
                out.print(f"  {hit.doc.id} ({hit.doc.kind}): {hit.doc.title}")
        async with services.database.sessions() as session:
            for event in await audit_trail(session, target=f"group:{g.id}"):
                kept = (event.after or {}).get("alt_questions")
                also = f" (alternative questions kept: {'; '.join(kept)})" if kept else ""
                out.print(f"  {event.at:%Y-%m-%d %H:%M} {event.actor} {event.action}{also}")

    with_services(_work)


@queue_app.command("answer")
def answer(
    group_id: Annotated[int, typer.Argument(help="The group to answer.")],
    text: Annotated[str | None, typer.Option("--text", help="The answer, in Markdown.")] = None,
    file: Annotated[
        Path | None, typer.Option("--file", help="A Markdown file with the answer.")
    ] = None,
    question: Annotated[
        str | None, typer.Option(help="The question as the reply should state it.")
    ] = None,
    tag: Annotated[list[str] | None, typer.Option("--tag", help="A tag (repeatable).")] = None,
    source: Annotated[
        list[str] | None,
        typer.Option("--source", help='A source "Title <https://url>" (repeatable).'),
    ] = None,
    alt_question: AltQuestions = None,
    as_user: AsUser = None,
) -> None:
    """Answer a group: the answer becomes a consolidated reply and reaches every asker. Only
    the wordings given with --alt-question become its alternative questions."""
    body = file.read_text(encoding="utf-8") if file is not None else text
    if not body or not body.strip():
        raise fail("Give the answer with --text or --file.", code=2)
    draft = AnswerDraft(
        answer_md=body.strip(),
        question=question,
        tags=tuple(tag or ()),
        sources=tuple(_source(s) for s in source or ()),
    )

    async def _work(services: Services) -> None:
        try:
            view = await services.moderation.view(group_id, candidates=0)
            chosen = replace(draft, alt_questions=_wordings(view, alt_question or ()))
            slug = await services.moderation.answer(group_id, chosen, cli_actor(as_user))
        except UnknownGroupError as exc:
            raise fail(f"{exc} Run `huribot queue list` to see the ids.") from exc
        except UnknownWordingError as exc:
            raise fail(f"{exc} Run `huribot queue show {group_id}` to see them.", code=2) from exc
        except AnswerTooLongError as exc:
            raise fail(str(exc), code=2) from exc
        out.print(
            f"Group {group_id} answered as reply {slug}; askers are notified by `huribot serve`."
        )

    with_services(_work)


def _wordings(view: GroupView, values: Sequence[str]) -> tuple[str, ...]:
    """The wordings given with --alt-question: a wording as asked, or N for the N-th that
    `queue show` lists; anything else is left for the core to refuse by name."""
    wordings = view.wordings
    chosen = []
    for value in (v.strip() for v in values):
        if value not in wordings and value.isdecimal() and 1 <= int(value) <= len(wordings):
            chosen.append(wordings[int(value) - 1])
        else:
            chosen.append(value)
    return tuple(chosen)


def _source(value: str) -> SourceLink:
    title, _, rest = value.partition("<")
    url = rest.rstrip(">").strip()
    if not url.startswith(("http://", "https://")):
        raise fail(f'Source {value!r} should look like "Title <https://example.org/page>".', code=2)
    return SourceLink(title=title.strip() or url, url=url)


@queue_app.command("link")
def link(
    group_id: Annotated[int, typer.Argument(help="The group to answer.")],
    reply_id: Annotated[str, typer.Argument(help="An existing reply's id (`huribot kb list`).")],
    alt_question: AltQuestions = None,
    as_user: AsUser = None,
) -> None:
    """Answer a group with an existing reply (the wordings given with --alt-question are
    added to that reply's alternative questions)."""

    async def _work(services: Services) -> None:
        try:
            view = await services.moderation.view(group_id, candidates=0)
            chosen = _wordings(view, alt_question or ())
            await services.moderation.link(
                group_id, reply_id, cli_actor(as_user), alt_questions=chosen
            )
        except (UnknownGroupError, UnknownItemError) as exc:
            raise fail(str(exc)) from exc
        except UnknownWordingError as exc:
            raise fail(f"{exc} Run `huribot queue show {group_id}` to see them.", code=2) from exc
        out.print(f"Group {group_id} answered with {reply_id}.")

    with_services(_work)


@queue_app.command("dismiss")
def dismiss(
    group_id: Annotated[int, typer.Argument(help="The group to close without an answer.")],
    as_user: AsUser = None,
) -> None:
    """Close a group without answering (out of scope, spam)."""

    async def _work(services: Services) -> None:
        try:
            await services.moderation.dismiss(group_id, cli_actor(as_user))
        except UnknownGroupError as exc:
            raise fail(str(exc)) from exc
        out.print(f"Group {group_id} dismissed.")

    with_services(_work)


EXPORT_COLUMNS = (
    "question_id",
    "received_at",
    "platform",
    "language",
    "question",
    "status",
    "group_id",
    "bot_answer",
    "confidence",
    "feedback",
)


@queue_app.command("export")
def export(
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="CSV file (default: stdout).")
    ] = None,
    status: Annotated[str, typer.Option(help="open, answered, ... or all.")] = ALL,
) -> None:
    """Questions as CSV for reporting (no user ids)."""
    statuses = _statuses(status)

    async def _work(services: Services) -> None:
        rows = await services.intake.questions.with_status(statuses)
        target = (
            output.open("w", encoding="utf-8", newline="") if output else nullcontext(sys.stdout)
        )
        with target as handle:
            writer = csv.writer(handle)
            writer.writerow(EXPORT_COLUMNS)
            for q in rows:
                writer.writerow(
                    [
                        q.id,
                        q.received_at.isoformat(),
                        q.platform,
                        q.language or "",
                        spreadsheet_safe(q.text),
                        q.status,
                        q.group_id or "",
                        q.item_id or "",
                        q.confidence if q.confidence is not None else "",
                        q.feedback or "",
                    ]
                )

    with_services(_work, load_index=False)
