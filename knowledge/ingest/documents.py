"""Guidance documents (.md, .txt, .docx, .pdf) read into DocumentRecords with passages.

Each format is reduced to headings and text blocks by its own reader, then chunked the
same way. Unreadable files become problems, never tracebacks, so one corrupt file cannot
hide the problems of the others.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path, PurePath

import structlog

from knowledge.hashing import bytes_hash
from knowledge.ingest.blocks import Block, Heading, Text
from knowledge.ingest.chunking import chunk_blocks
from knowledge.ingest.docx_reader import docx_blocks
from knowledge.ingest.errors import IngestError, IngestProblem, Parsed
from knowledge.ingest.fields import (
    LANGUAGES,
    FieldChecker,
    slug_problem,
    slugify,
    unknown_key_message,
)
from knowledge.ingest.files import decode_text, read_file_bytes
from knowledge.ingest.front_matter import FrontMatter, split_front_matter
from knowledge.ingest.limits import DEFAULT_LIMITS, IngestLimits, unzipped_refusal
from knowledge.ingest.markdown import markdown_blocks
from knowledge.ingest.pdf_reader import pdf_blocks
from knowledge.ingest.plaintext import plain_text_blocks
from knowledge.records import MAX_SOURCE_CHARS, MAX_TITLE_CHARS, DocumentRecord

logger = structlog.get_logger(__name__)

MARKDOWN_SUFFIXES = (".md", ".markdown")
TEXT_SUFFIXES = (*MARKDOWN_SUFFIXES, ".txt")
BINARY_READERS: dict[str, Callable[[bytes], list[Block]]] = {
    ".docx": docx_blocks,
    ".pdf": pdf_blocks,
}
DOCUMENT_SUFFIXES = (*TEXT_SUFFIXES, *BINARY_READERS)
ZIP_SUFFIXES = (".docx",)
DOCUMENT_KEYS = ("id", "title", "source_url", "language")


def _reason(exc: Exception) -> str:
    """A short human reason for a library's failure to open a file."""
    if isinstance(exc, zipfile.BadZipFile):
        return "it is not a valid Word file (not a zip archive)"
    if isinstance(exc, KeyError):
        return f"part missing from the file: {exc.args[0] if exc.args else exc}"
    return str(exc).strip() or type(exc).__name__


def shortened(title: str) -> str:
    """A heading or file name as a title: cut to MAX_TITLE_CHARS (it is only shown)."""
    return title if len(title) <= MAX_TITLE_CHARS else title[: MAX_TITLE_CHARS - 1] + "…"


def build_document(
    blocks: list[Block],
    *,
    raw: bytes,
    file: str,
    stem: str,
    front: FrontMatter | None = None,
) -> Parsed[DocumentRecord]:
    """A DocumentRecord from blocks and optional front matter, or its problems."""
    checker = FieldChecker(front.values if front else {}, file, 1, front.key_lines if front else {})
    for key in checker.values:
        if key not in DOCUMENT_KEYS:
            checker.problem(key, unknown_key_message(key, DOCUMENT_KEYS))
    slug = checker.text("id") or slugify(stem)
    problem = slug_problem(slug)
    if problem is not None:
        checker.problem("id", problem)
    first_heading = next((b.title for b in blocks if isinstance(b, Heading) and b.title), None)
    title = checker.text("title", max_chars=MAX_TITLE_CHARS) or shortened(first_heading or stem)
    source_url = checker.text("source_url", max_chars=MAX_SOURCE_CHARS)
    if source_url and not source_url.startswith(("http://", "https://")):
        checker.problem("source_url", f"source_url '{source_url}' must start with http(s)://")
    language = checker.choice("language", LANGUAGES, "en")
    passages = chunk_blocks(blocks)
    if not any(isinstance(b, Text) and b.text.strip() for b in blocks):
        checker.problems.append(IngestProblem(file, None, "the document has no text"))
    record = DocumentRecord(
        slug=slug,
        title=title,
        source=source_url or PurePath(file).name,
        content_hash=bytes_hash(raw),
        language=language,
        passages=passages,
        origin=file,
    )
    return Parsed.of([record], checker.problems)


def document_from_front_matter(
    front: FrontMatter, *, raw: bytes, file: str, stem: str, markdown: bool
) -> Parsed[DocumentRecord]:
    """A .md or .txt document whose text has already been split from its front matter."""
    blocks = markdown_blocks(front.body) if markdown else plain_text_blocks(front.body)
    return build_document(blocks, raw=raw, file=file, stem=stem, front=front)


def _parse_binary(
    raw: bytes, *, file: str, suffix: str, stem: str, limits: IngestLimits
) -> Parsed[DocumentRecord]:
    """A .docx or .pdf document; an archive that would inflate past `limits.unzipped` is
    refused before it is opened."""
    refusal = unzipped_refusal(raw, limits.unzipped) if suffix in ZIP_SUFFIXES else None
    if refusal is not None:
        return Parsed.failed(IngestProblem(file, None, f"cannot read {suffix} file: {refusal}"))
    try:
        blocks = BINARY_READERS[suffix](raw)
    except Exception as exc:  # any library failure on a corrupt file is a problem
        reason = _reason(exc)
        logger.warning("ingest.unreadable_document", file=file, reason=reason)
        return Parsed.failed(IngestProblem(file, None, f"cannot read {suffix} file: {reason}"))
    return build_document(blocks, raw=raw, file=file, stem=stem)


def parse_document(
    raw: bytes, *, file: str, suffix: str, stem: str, limits: IngestLimits = DEFAULT_LIMITS
) -> Parsed[DocumentRecord]:
    """A document from a file's bytes; `suffix` (".pdf", ...) selects the reader."""
    suffix = suffix.lower()
    if suffix in BINARY_READERS:
        return _parse_binary(raw, file=file, suffix=suffix, stem=stem, limits=limits)
    if suffix not in TEXT_SUFFIXES:
        return Parsed.failed(IngestProblem(file, None, f"unsupported document type '{suffix}'"))
    text = decode_text(raw, file)
    if isinstance(text, IngestProblem):
        return Parsed.failed(text)
    front = split_front_matter(text, file)
    if isinstance(front, list):
        return Parsed.failed(*front)
    markdown = suffix in MARKDOWN_SUFFIXES
    return document_from_front_matter(front, raw=raw, file=file, stem=stem, markdown=markdown)


def read_document_file(
    path: Path, *, name: str | None = None, limits: IngestLimits = DEFAULT_LIMITS
) -> DocumentRecord:
    """Read one guidance document; raises IngestError listing every problem."""
    file = name or path.name
    raw = read_file_bytes(path, file, limits.file)
    if isinstance(raw, IngestProblem):
        raise IngestError([raw])
    parsed = parse_document(raw, file=file, suffix=path.suffix, stem=path.stem, limits=limits)
    return parsed.unwrap()[0]
