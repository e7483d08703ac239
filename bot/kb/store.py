"""Persisting ingested knowledge: replies and guidance documents, all-or-nothing per batch."""

from __future__ import annotations

from dataclasses import dataclass, field

import structlog
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from bot.db.models import ConsolidatedReply, GuidanceDocument, Passage
from bot.kb.queries import passage_id
from knowledge.records import DocumentRecord, IngestBatch, ReplyRecord, ReplyStatus, origin_file

logger = structlog.get_logger(__name__)


@dataclass(slots=True)
class IngestReport:
    """What an ingest run changed, by kind; ids let the index update incrementally."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    superseded_ids: list[str] = field(default_factory=list)
    """Search ids that an update replaced (old passages), to drop from the index."""
    withdrawn: list[str] = field(default_factory=list)
    """Slugs no longer in their file (or whose file is gone, when pruning): replies are
    retired, documents removed."""

    def changed(self) -> list[str]:
        """Slugs whose stored content is new or different."""
        return [*self.added, *self.updated]


@dataclass(slots=True)
class StoreReport:
    """Reports for replies and documents of one batch."""

    replies: IngestReport = field(default_factory=IngestReport)
    documents: IngestReport = field(default_factory=IngestReport)


async def store_batch(
    session: AsyncSession, batch: IngestBatch, *, prune: bool = False
) -> StoreReport:
    """Upsert every record of `batch` in the caller's transaction; unchanged ones are skipped.

    What a file read again no longer holds is withdrawn; with `prune`, so is everything that
    came from a knowledge file not read at all (the files named are the whole file-based
    knowledge base). Replies written by moderators never come from a file and are kept."""
    report = StoreReport()
    for reply in batch.replies:
        await _store_reply(session, reply, report.replies)
    for document in batch.documents:
        await _store_document(session, document, report.documents)
    await session.flush()
    withdrawn = _Withdrawal(batch, prune=prune)
    await _withdraw_replies(session, withdrawn, report.replies)
    await _withdraw_documents(session, withdrawn, report.documents)
    await session.flush()
    logger.info(
        "kb.stored",
        replies_added=len(report.replies.added),
        replies_updated=len(report.replies.updated),
        replies_retired=len(report.replies.withdrawn),
        documents_added=len(report.documents.added),
        documents_updated=len(report.documents.updated),
        documents_removed=len(report.documents.withdrawn),
    )
    return report


class _Withdrawal:
    """Decides whether a stored record's origin is no longer backed by the files read."""

    def __init__(self, batch: IngestBatch, *, prune: bool) -> None:
        self._files = frozenset(batch.files)
        self._kept = {r.slug for r in batch.replies} | {d.slug for d in batch.documents}
        self._prune = prune

    def applies(self, slug: str, origin: str) -> bool:
        """True when the record with this slug and origin is to be withdrawn."""
        from knowledge.ingest.loader import is_file_origin  # noqa: PLC0415  (PDF, Word readers)

        if slug in self._kept or not is_file_origin(origin):
            return False
        return self._prune or origin_file(origin) in self._files


async def _withdraw_replies(
    session: AsyncSession, withdrawal: _Withdrawal, report: IngestReport
) -> None:
    published = await session.scalars(
        select(ConsolidatedReply).where(ConsolidatedReply.status == ReplyStatus.PUBLISHED.value)
    )
    for reply in published:
        if withdrawal.applies(reply.slug, reply.origin):
            reply.status = ReplyStatus.RETIRED.value
            report.withdrawn.append(reply.slug)


async def _withdraw_documents(
    session: AsyncSession, withdrawal: _Withdrawal, report: IngestReport
) -> None:
    documents = await session.scalars(
        select(GuidanceDocument).options(selectinload(GuidanceDocument.passages))
    )
    for document in documents:
        if withdrawal.applies(document.slug, document.origin):
            report.superseded_ids.extend(
                passage_id(document.slug, p.position) for p in document.passages
            )
            report.withdrawn.append(document.slug)
            await session.delete(document)


def _reply_values(record: ReplyRecord, content_hash: str) -> dict[str, object]:
    return {
        "question": record.question,
        "alt_questions": list(record.alt_questions),
        "answer_md": record.answer_md,
        "tags": list(record.tags),
        "language": record.language,
        "sources": [{"title": s.title, "url": s.url} for s in record.sources],
        "status": record.status.value,
        "last_reviewed": record.last_reviewed,
        "review_by": record.review_by,
        "owner": record.owner,
        "origin": record.origin,
        "content_hash": content_hash,
    }


async def _store_reply(session: AsyncSession, record: ReplyRecord, report: IngestReport) -> None:
    content_hash = record.content_hash()
    existing = await session.scalar(
        select(ConsolidatedReply).where(ConsolidatedReply.slug == record.slug)
    )
    values = _reply_values(record, content_hash)
    if existing is None:
        session.add(ConsolidatedReply(slug=record.slug, **values))
        report.added.append(record.slug)
    elif existing.content_hash != content_hash:
        for name, value in values.items():
            setattr(existing, name, value)
        report.updated.append(record.slug)
    else:
        report.unchanged.append(record.slug)


async def _store_document(
    session: AsyncSession, record: DocumentRecord, report: IngestReport
) -> None:
    existing = await session.scalar(
        select(GuidanceDocument)
        .options(selectinload(GuidanceDocument.passages))
        .where(GuidanceDocument.slug == record.slug)
    )
    if existing is not None and existing.content_hash == record.content_hash:
        report.unchanged.append(record.slug)
        return
    if existing is not None:
        report.superseded_ids.extend(
            passage_id(existing.slug, p.position) for p in existing.passages
        )
        await session.delete(existing)
        await session.flush()
        report.updated.append(record.slug)
    else:
        report.added.append(record.slug)
    session.add(
        GuidanceDocument(
            slug=record.slug,
            title=record.title,
            source=record.source,
            content_hash=record.content_hash,
            language=record.language,
            origin=record.origin,
            passages=[
                Passage(position=p.position, heading_path=list(p.heading_path), text=p.text)
                for p in record.passages
            ],
        )
    )
