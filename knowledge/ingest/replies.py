"""Consolidated replies written one per Markdown file, with YAML front matter.

The front matter holds the question and metadata; the Markdown body is the answer. A
Markdown file is a reply exactly when its front matter has a `question` key.
"""

from __future__ import annotations

from pathlib import Path

from knowledge.ingest.errors import IngestError, IngestProblem, Parsed
from knowledge.ingest.fields import FRONT_MATTER_KEYS, FieldChecker, build_reply, slugify
from knowledge.ingest.files import read_text_file
from knowledge.ingest.front_matter import FrontMatter, split_front_matter
from knowledge.records import ReplyRecord


def is_reply(front: FrontMatter) -> bool:
    """Whether a Markdown file's front matter makes it a reply rather than a document."""
    return "question" in front.values


def reply_from_front_matter(
    front: FrontMatter, *, file: str, default_slug: str | None
) -> Parsed[ReplyRecord]:
    """Check an already split reply file; the id defaults to `default_slug`."""
    if not is_reply(front):
        return Parsed.failed(IngestProblem(file, 1, "front matter has no 'question' key"))
    key_lines = {**front.key_lines, "answer": front.body_line}
    checker = FieldChecker(front.values, file, 1, key_lines)
    record = build_reply(
        checker,
        answer=front.body,
        known_keys=FRONT_MATTER_KEYS,
        default_slug=default_slug or None,
        origin=file,
    )
    return Parsed.of([record] if record else [], checker.problems)


def parse_reply_markdown(text: str, *, file: str, default_slug: str | None) -> Parsed[ReplyRecord]:
    """A reply from the text of a Markdown file, or every problem in it."""
    front = split_front_matter(text, file)
    if isinstance(front, list):
        return Parsed.failed(*front)
    return reply_from_front_matter(front, file=file, default_slug=default_slug)


def read_reply_file(path: Path, *, name: str | None = None) -> ReplyRecord:
    """Read one reply file; raises IngestError listing every problem.

    `name` is how the file is called in problems and in the record's origin
    (default: the file name); the id defaults to the slugified file stem.
    """
    file = name or path.name
    text = read_text_file(path, file)
    if isinstance(text, IngestProblem):
        raise IngestError([text])
    parsed = parse_reply_markdown(text, file=file, default_slug=slugify(path.stem))
    return parsed.unwrap()[0]
