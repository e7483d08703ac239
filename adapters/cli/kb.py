"""`huribot ingest` and `huribot kb list|show|retire`: curating the knowledge base."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import Progress
from rich.text import Text

from adapters.cli.common import (
    AsUser,
    cli_actor,
    err,
    fail,
    out,
    problem_line,
    settings,
    with_database,
    with_services,
)
from adapters.cli.listing import Column, print_listing
from bot.clock import system_clock
from bot.kb.queries import UnknownItemError, get_document, get_reply, list_documents, list_replies
from knowledge.ingest.errors import IngestError
from knowledge.ingest.limits import IngestLimits
from knowledge.records import IngestBatch, ReplyStatus

if TYPE_CHECKING:
    from adapters.wiring.services import Services
    from bot.db.engine import Database

REPLY_COLUMNS = (
    Column("id", max_width=40),
    Column("status"),
    Column("lang"),
    Column("review by"),
    Column("question"),
)
DOCUMENT_COLUMNS = (
    Column("id", max_width=40),
    Column("passages", right=True),
    Column("lang"),
    Column("title"),
)

kb_app = typer.Typer(help="List, show and retire knowledge-base items.", no_args_is_help=True)


def ingest(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="Files or folders to import.", show_default=False)
    ] = None,
    sample: Annotated[
        bool, typer.Option("--sample", help="Import the shipped sample knowledge base.")
    ] = False,
    prune: Annotated[
        bool,
        typer.Option(
            "--prune",
            help="The files named are the whole file-based knowledge base: retire replies and "
            "remove documents from files no longer there (moderators' replies are kept).",
        ),
    ] = False,
) -> None:
    """Import replies (.md, .csv, .yaml) and guidance (.md, .txt, .docx, .pdf): all or nothing."""
    from knowledge.ingest.loader import sample_knowledge_path  # noqa: PLC0415  (see _read)

    limits = settings().ingest_limits()  # logging is configured before files are read
    targets = [*(paths or []), *([sample_knowledge_path()] if sample else [])]
    if not targets:
        raise fail("Name files or folders to import, or pass --sample.", code=2)
    batch = _read(targets, limits)

    async def _work(services: Services) -> None:
        with Progress(transient=True, console=err) as progress:
            task = progress.add_task("Computing embeddings for search by meaning", total=None)

            def _advance(done: int, total: int) -> None:
                progress.update(task, completed=done, total=total)

            report = await services.knowledge.ingest(
                batch,
                prune=prune,
                progress=_advance,
                actor=str(cli_actor(None)),
                audit_as_import=True,
            )
        for label, part, gone in (
            ("replies", report.replies, "retired"),
            ("documents", report.documents, "removed"),
        ):
            out.print(
                f"{label}: {len(part.added)} added, {len(part.updated)} updated, "
                f"{len(part.unchanged)} unchanged, {len(part.withdrawn)} {gone}"
            )

    with_services(_work)  # the index is loaded so that docs still lacking vectors get them


def _read(targets: list[Path], limits: IngestLimits) -> IngestBatch:
    """Every file, parsed (the readers of PDF and Word files load only for `ingest`)."""
    from knowledge.ingest.loader import load_paths  # noqa: PLC0415

    try:
        with Progress(transient=True, console=err) as progress:
            task = progress.add_task("Reading files", total=None)

            def _advance(done: int, total: int) -> None:
                progress.update(task, completed=done, total=total)

            return load_paths(targets, progress=_advance, limits=limits)
    except IngestError as exc:
        for problem in exc.problems:
            err.print(problem_line(str(problem)))
        message = f"Nothing was imported: {len(exc.problems)} problem(s) to fix first."
        raise fail(message) from exc


@kb_app.command("list")
def list_items(
    status: Annotated[ReplyStatus | None, typer.Option(help="Only replies of this status.")] = None,
) -> None:
    """List consolidated replies and guidance documents."""

    async def _work(database: Database) -> None:
        async with database.sessions() as session:
            replies = await list_replies(session, status=status)
            documents = await list_documents(session)
        reply_rows = [
            (r.slug, r.status, r.language, str(r.review_by or ""), r.question) for r in replies
        ]
        print_listing(out, "Consolidated replies", REPLY_COLUMNS, reply_rows)
        document_rows = [(d.slug, str(count), d.language, d.title) for d, count in documents]
        out.print()
        print_listing(out, "Guidance documents", DOCUMENT_COLUMNS, document_rows)

    with_database(_work)


@kb_app.command("show")
def show(item_id: Annotated[str, typer.Argument(help="A reply id or document id.")]) -> None:
    """Show one reply (question, phrasings, answer, sources) or one document's passages."""

    async def _work(database: Database) -> None:
        async with database.sessions() as session:
            try:
                reply = await get_reply(session, item_id)
            except UnknownItemError:
                reply = None
            if reply is not None:
                out.print(reply.question, style="bold")
                out.print(f"  {reply.slug} · {reply.status} · {reply.language}")
                for phrasing in reply.alt_questions:
                    out.print(f"  also: {phrasing}")
                from rich.markdown import Markdown  # noqa: PLC0415  (markdown-it: only here)

                out.print(Markdown(reply.answer_md))
                for source in reply.sources:
                    out.print(f"  source: {source['title']} — {source['url']}")
                out.print(f"  last reviewed {reply.last_reviewed}, review by {reply.review_by}")
                return
            try:
                document = await get_document(session, item_id)
            except UnknownItemError as exc:
                raise fail(f"{exc} Run `huribot kb list` to see the ids.") from exc
            out.print(
                Text.assemble((document.title, "bold"), f"  ({document.slug}, {document.source})")
            )
            for passage in document.passages:
                out.print(f"\n#{passage.position} {' › '.join(passage.heading_path)}", style="cyan")
                out.print(passage.text)

    with_database(_work)


@kb_app.command("retire")
def retire(
    reply_id: Annotated[str, typer.Argument(help="The id of the reply to retire.")],
    as_user: AsUser = None,
) -> None:
    """Retire a consolidated reply: it stays on record but is no longer used in answers."""

    async def _work(services: Services) -> None:
        try:
            await services.knowledge.retire(
                reply_id, actor=str(cli_actor(as_user)), now=system_clock()
            )
        except UnknownItemError as exc:
            raise fail(f"{exc} Run `huribot kb list` to see the ids.") from exc
        out.print(f"Retired {reply_id}.")

    with_services(_work, load_index=False)
