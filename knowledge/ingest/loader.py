"""Loading a whole set of knowledge files and folders in one go.

Everything is read before anything is returned: if any file has a problem, IngestError
lists all problems of all files and nothing is stored, so the knowledge base is never left
half-updated.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import structlog

from knowledge.ingest.bulk import parse_replies_csv, parse_replies_yaml
from knowledge.ingest.documents import (
    DOCUMENT_SUFFIXES,
    MARKDOWN_SUFFIXES,
    document_from_front_matter,
    parse_document,
)
from knowledge.ingest.errors import IngestError, IngestProblem, Parsed
from knowledge.ingest.fields import slugify
from knowledge.ingest.files import decode_text, read_file_bytes
from knowledge.ingest.front_matter import split_front_matter
from knowledge.ingest.limits import DEFAULT_LIMITS, IngestLimits
from knowledge.ingest.replies import is_reply, reply_from_front_matter
from knowledge.records import DocumentRecord, IngestBatch, ReplyRecord, origin_file

logger = structlog.get_logger(__name__)

BULK_SUFFIXES = (".csv", ".yaml", ".yml")
SUPPORTED_SUFFIXES = (*DOCUMENT_SUFFIXES, *BULK_SUFFIXES)


@dataclass(frozen=True, slots=True)
class _Source:
    path: Path
    name: str
    """How the file is called in problems: its path relative to the folder named."""


@dataclass
class _FileResult:
    replies: Parsed[ReplyRecord] = field(default_factory=Parsed[ReplyRecord])
    documents: Parsed[DocumentRecord] = field(default_factory=Parsed[DocumentRecord])


def is_file_origin(origin: str) -> bool:
    """True for records imported from a knowledge file (not, say, a moderator's answer)."""
    return Path(origin_file(origin)).suffix.lower() in SUPPORTED_SUFFIXES


def sample_knowledge_path() -> Path:
    """The sample knowledge shipped inside the package (replies/ and guidance/)."""
    return Path(__file__).resolve().parent.parent / "sample"


def _hidden(name: str) -> bool:
    """Dot files and Office lock files (~$name.docx) are never knowledge."""
    return name.startswith((".", "~$"))


def _walk(root: Path, prefix: str) -> list[_Source]:
    """Supported files under a folder, sorted, without hidden files and folders."""
    found: list[_Source] = []
    for folder, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not _hidden(d))
        for filename in sorted(filenames):
            path = Path(folder) / filename
            name = prefix + path.relative_to(root).as_posix()
            if _hidden(filename):
                logger.debug("ingest.skipped_hidden", file=name)
            elif path.suffix.lower() not in SUPPORTED_SUFFIXES:
                logger.info("ingest.skipped_unsupported", file=name, suffix=path.suffix)
            else:
                found.append(_Source(path, name))
    return sorted(found, key=lambda source: source.name)


def _collect(paths: Sequence[Path], problems: list[IngestProblem]) -> list[_Source]:
    """The files to read, each once, in the order the paths were given."""
    sources: list[_Source] = []
    for path in paths:
        if path.is_dir():
            sources.extend(_walk(path, f"{path.name}/" if len(paths) > 1 else ""))
        elif not path.exists():
            problems.append(IngestProblem(str(path), None, "no such file or folder"))
        elif path.suffix.lower() not in SUPPORTED_SUFFIXES:
            known = ", ".join(SUPPORTED_SUFFIXES)
            message = f"unsupported file type '{path.suffix}' (supported: {known})"
            problems.append(IngestProblem(path.name, None, message))
        else:
            sources.append(_Source(path, path.name))
    seen: set[Path] = set()
    unique: list[_Source] = []
    for source in sources:
        if source.path.resolve() not in seen:
            seen.add(source.path.resolve())
            unique.append(source)
    return unique


def _read(source: _Source, limits: IngestLimits) -> _FileResult:
    """Records or problems of one file, dispatched on its extension."""
    raw = read_file_bytes(source.path, source.name, limits.file)
    if isinstance(raw, IngestProblem):
        return _FileResult(Parsed.failed(raw))
    suffix = source.path.suffix.lower()
    if suffix in (*BULK_SUFFIXES, *MARKDOWN_SUFFIXES):
        return _read_text(source, raw, suffix)
    stem = source.path.stem
    document = parse_document(raw, file=source.name, suffix=suffix, stem=stem, limits=limits)
    return _FileResult(documents=document)


def _read_text(source: _Source, raw: bytes, suffix: str) -> _FileResult:
    """Bulk reply files, and Markdown files: a reply when the front matter has a question."""
    file, stem = source.name, source.path.stem
    text = decode_text(raw, file)
    if isinstance(text, IngestProblem):
        return _FileResult(Parsed.failed(text))
    if suffix in BULK_SUFFIXES:
        parse = parse_replies_csv if suffix == ".csv" else parse_replies_yaml
        return _FileResult(parse(text, file=file))
    front = split_front_matter(text, file)
    if isinstance(front, list):
        return _FileResult(Parsed.failed(*front))
    if is_reply(front):
        return _FileResult(reply_from_front_matter(front, file=file, default_slug=slugify(stem)))
    document = document_from_front_matter(front, raw=raw, file=file, stem=stem, markdown=True)
    return _FileResult(documents=document)


def _line_of(origin: str, file: str) -> int | None:
    """The line in a bulk record's origin ("replies.csv:14" -> 14)."""
    rest = origin.removeprefix(f"{file}:")
    return int(rest) if rest != origin and rest.isdigit() else None


def _check_unique(
    items: list[tuple[str, str, str]], what: str, problems: list[IngestProblem]
) -> None:
    """Problems for ids used in two files; items are (id, file, origin)."""
    first: dict[str, tuple[str, str]] = {}
    for slug, file, origin in items:
        if slug not in first:
            first[slug] = (file, origin)
        elif first[slug][0] != file:
            message = f"{what} '{slug}' is also used in {first[slug][1]}"
            problems.append(IngestProblem(file, _line_of(origin, file), message))


def load_paths(
    paths: Sequence[Path],
    *,
    progress: Callable[[int, int], None] | None = None,
    limits: IngestLimits = DEFAULT_LIMITS,
) -> IngestBatch:
    """Read every supported file in the given files and folders (recursively), each within
    `limits`.

    `progress(done, total)` is called once before reading and after each file. Raises
    IngestError with every problem of every file; returns nothing half-read.
    """
    problems: list[IngestProblem] = []
    sources = _collect(paths, problems)
    if progress is not None:
        progress(0, len(sources))
    replies: list[tuple[ReplyRecord, str]] = []
    documents: list[tuple[DocumentRecord, str]] = []
    for done, source in enumerate(sources, start=1):
        result = _read(source, limits)
        problems.extend(result.replies.problems + result.documents.problems)
        replies.extend((reply, source.name) for reply in result.replies.items)
        documents.extend((document, source.name) for document in result.documents.items)
        if progress is not None:
            progress(done, len(sources))
    _check_unique([(r.slug, f, r.origin) for r, f in replies], "reply id", problems)
    _check_unique([(d.slug, f, d.origin) for d, f in documents], "document id", problems)
    if problems:
        logger.warning("ingest.failed", files=len(sources), problems=len(problems))
        raise IngestError(problems)
    logger.info("ingest.loaded", files=len(sources), replies=len(replies), documents=len(documents))
    return IngestBatch(
        replies=tuple(reply for reply, _ in replies),
        documents=tuple(document for document, _ in documents),
        files=tuple(source.name for source in sources),
    )
