"""Plain records that ingestion produces and the rest of the system stores and indexes.

They are immutable and free of any database or chat type, so that `knowledge` stays the
innermost layer: the bot persists them, the index searches them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from knowledge.hashing import stable_hash

MAX_SLUG_CHARS = 120
MAX_TITLE_CHARS = 500
MAX_SOURCE_CHARS = 1000
MAX_OWNER_CHARS = 160
"""The longest id, document title, source address and owner a record may have: what the
knowledge base keeps of each (longer ones are refused when a file is read)."""


class ReplyStatus(StrEnum):
    """Life cycle of a consolidated reply; only published replies are searchable."""

    DRAFT = "draft"
    PUBLISHED = "published"
    RETIRED = "retired"


@dataclass(frozen=True, slots=True)
class SourceLink:
    """A public source that a reply or document cites."""

    title: str
    url: str


@dataclass(frozen=True, slots=True)
class ReplyRecord:
    """A consolidated reply: a curated question and its answer, written by the Secretariat."""

    slug: str
    question: str
    answer_md: str
    alt_questions: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    language: str = "en"
    sources: tuple[SourceLink, ...] = ()
    status: ReplyStatus = ReplyStatus.PUBLISHED
    last_reviewed: date | None = None
    review_by: date | None = None
    owner: str | None = None
    """Who in the Secretariat keeps this reply up to date."""
    origin: str = ""
    """Where the record was read from (file name, with line for bulk files); for messages."""

    def content_hash(self) -> str:
        """Hash of everything a reader sees, so re-ingesting an unchanged reply is a no-op."""
        return stable_hash(
            self.slug,
            self.question,
            self.answer_md,
            *self.alt_questions,
            "|tags|",
            *self.tags,
            self.language,
            *(f"{s.title}<{s.url}>" for s in self.sources),
            self.status.value,
            str(self.last_reviewed),
            str(self.review_by),
            str(self.owner),
        )


@dataclass(frozen=True, slots=True)
class PassageRecord:
    """A chunk of a guidance document that follows the document's own structure."""

    position: int
    heading_path: tuple[str, ...]
    text: str


@dataclass(frozen=True, slots=True)
class DocumentRecord:
    """A guidance document split into passages."""

    slug: str
    title: str
    source: str
    """File name or URL the document came from, shown to users as the citation."""
    content_hash: str
    language: str = "en"
    passages: tuple[PassageRecord, ...] = field(default_factory=tuple)
    origin: str = ""


@dataclass(frozen=True, slots=True)
class IngestBatch:
    """Everything read from one `ingest` run, stored all together or not at all."""

    replies: tuple[ReplyRecord, ...] = ()
    documents: tuple[DocumentRecord, ...] = ()
    files: tuple[str, ...] = ()
    """Every file read, named as in the records' `origin`: what a file held before and no
    longer holds (a row deleted from a CSV file) is retired when the file is read again."""


def origin_file(origin: str) -> str:
    """The file a record came from: "replies.csv:14" -> "replies.csv" (a bulk file's line)."""
    head, _, line = origin.rpartition(":")
    return head if head and line.isdigit() else origin
