"""Reading the knowledge base: listing, showing, retiring, and turning rows into search docs."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from bot.db.models import ConsolidatedReply, GuidanceDocument, Passage
from knowledge.records import ReplyStatus
from knowledge.search_types import SearchDoc


class UnknownItemError(LookupError):
    """No reply or document has the requested id."""


def reply_doc(reply: ConsolidatedReply) -> SearchDoc:
    """The searchable form of a consolidated reply; its id is the reply's slug."""
    return SearchDoc(
        id=reply.slug,
        kind="reply",
        title=reply.question,
        text=reply.answer_md,
        source=reply.sources[0]["url"] if reply.sources else reply.origin,
        alt_titles=tuple(reply.alt_questions),
        tags=tuple(reply.tags),
        language=reply.language,
    )


def passage_id(document_slug: str, position: int) -> str:
    """Stable id of a passage: its document's slug and position, e.g. `guide-upr#3`."""
    return f"{document_slug}#{position}"


def passage_doc(document: GuidanceDocument, passage: Passage) -> SearchDoc:
    """The searchable form of a passage, titled by its document."""
    return SearchDoc(
        id=passage_id(document.slug, passage.position),
        kind="passage",
        title=document.title,
        text=passage.text,
        source=document.source,
        heading_path=tuple(passage.heading_path),
        language=document.language,
    )


async def searchable_docs(session: AsyncSession) -> list[SearchDoc]:
    """Every published reply and every passage: what the index is built from."""
    replies = await session.scalars(
        select(ConsolidatedReply)
        .where(ConsolidatedReply.status == ReplyStatus.PUBLISHED.value)
        .order_by(ConsolidatedReply.slug)
    )
    docs = [reply_doc(reply) for reply in replies]
    documents = await session.scalars(
        select(GuidanceDocument)
        .options(selectinload(GuidanceDocument.passages))
        .order_by(GuidanceDocument.slug)
    )
    for document in documents:
        docs.extend(passage_doc(document, passage) for passage in document.passages)
    return docs


async def document_docs(session: AsyncSession, slugs: Sequence[str]) -> list[SearchDoc]:
    """Search docs for the passages of the given documents (after they were re-ingested)."""
    documents = await session.scalars(
        select(GuidanceDocument)
        .options(selectinload(GuidanceDocument.passages))
        .where(GuidanceDocument.slug.in_(slugs))
    )
    return [passage_doc(d, p) for d in documents for p in d.passages]


async def find_doc(session: AsyncSession, item_id: str) -> SearchDoc | None:
    """The search doc with this id (a reply slug, or `document#position`), if it exists."""
    slug, _, position = item_id.partition("#")
    if not position:
        reply = await session.scalar(
            select(ConsolidatedReply).where(
                ConsolidatedReply.slug == slug,
                ConsolidatedReply.status == ReplyStatus.PUBLISHED.value,
            )
        )
        return reply_doc(reply) if reply is not None else None
    if not position.isdigit():
        return None
    row = (
        await session.execute(
            select(GuidanceDocument, Passage)
            .join(Passage)
            .where(GuidanceDocument.slug == slug, Passage.position == int(position))
        )
    ).first()
    return passage_doc(row[0], row[1]) if row is not None else None


async def list_replies(
    session: AsyncSession, *, status: ReplyStatus | None = None
) -> Sequence[ConsolidatedReply]:
    """Replies ordered by slug, optionally of one status."""
    query = select(ConsolidatedReply).order_by(ConsolidatedReply.slug)
    if status is not None:
        query = query.where(ConsolidatedReply.status == status.value)
    return (await session.scalars(query)).all()


async def list_documents(session: AsyncSession) -> Sequence[tuple[GuidanceDocument, int]]:
    """Documents with their passage counts, ordered by slug."""
    rows = await session.execute(
        select(GuidanceDocument, func.count(Passage.id))
        .outerjoin(Passage)
        .group_by(GuidanceDocument.id)
        .order_by(GuidanceDocument.slug)
    )
    return [(document, count) for document, count in rows]


async def get_reply(session: AsyncSession, slug: str) -> ConsolidatedReply:
    """The reply with this slug, or UnknownItemError."""
    reply = await session.scalar(select(ConsolidatedReply).where(ConsolidatedReply.slug == slug))
    if reply is None:
        raise UnknownItemError(f"No consolidated reply has the id {slug!r}.")
    return reply


async def get_document(session: AsyncSession, slug: str) -> GuidanceDocument:
    """The document with this slug and its passages, or UnknownItemError."""
    document = await session.scalar(
        select(GuidanceDocument)
        .options(selectinload(GuidanceDocument.passages))
        .where(GuidanceDocument.slug == slug)
    )
    if document is None:
        raise UnknownItemError(f"No guidance document has the id {slug!r}.")
    return document


async def retire_reply(session: AsyncSession, slug: str) -> ConsolidatedReply:
    """Mark a reply retired so it is no longer searchable (kept for the record)."""
    reply = await get_reply(session, slug)
    reply.status = ReplyStatus.RETIRED.value
    return reply
