"""Checking the fields of a consolidated reply, shared by Markdown, CSV and YAML input.

Every format first turns its input into plain values (text, lists, mappings); this
module validates them the same way, so the rules and messages cannot drift apart.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from knowledge.ingest.errors import IngestProblem
from knowledge.ingest.files import too_long, too_long_message
from knowledge.records import (
    MAX_OWNER_CHARS,
    MAX_SLUG_CHARS,
    ReplyRecord,
    ReplyStatus,
    SourceLink,
)

FRONT_MATTER_KEYS = (
    "id",
    "question",
    "alt_questions",
    "tags",
    "language",
    "status",
    "last_reviewed",
    "review_by",
    "sources",
    "owner",
)
BULK_KEYS = (*FRONT_MATTER_KEYS, "answer")
LANGUAGES = ("en", "fr", "es")
_STATUSES = tuple(status.value for status in ReplyStatus)
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ABSENT = object()


def slugify(text: str) -> str:
    """Lowercase ASCII words joined by hyphens ("Birth registration" -> "birth-registration")."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def is_slug(text: str) -> bool:
    """Whether text is a valid id: lowercase letters, digits and single hyphens."""
    return _SLUG.fullmatch(text) is not None


def slug_problem(slug: str) -> str | None:
    """Why `slug` is no valid id (None when it is one)."""
    if len(slug) > MAX_SLUG_CHARS:
        return f"id '{slug[:40]}…' is {len(slug)} characters; the limit is {MAX_SLUG_CHARS}"
    if not is_slug(slug):
        return f"id '{slug}' is not valid: use lowercase letters, digits, hyphens"
    return None


def unknown_key_message(key: str, known: Iterable[str], what: str = "key") -> str:
    """ "unknown key 'tag' (did you mean 'tags'?)", listing the known keys otherwise."""
    known = list(known)
    close = difflib.get_close_matches(key, known, n=1)
    hint = f"did you mean '{close[0]}'?" if close else f"known: {', '.join(known)}"
    return f"unknown {what} '{key}' ({hint})"


def describe(value: object) -> str:
    """A type name an editor understands ("a number", "a list", ...)."""
    if value is None:
        return "empty"
    names: tuple[tuple[type, str], ...] = (
        (str, "a single text"),
        (bool, "true/false"),
        (int, "a number"),
        (float, "a number"),
        (list, "a list"),
        (dict, "a mapping"),
    )
    return next((name for kind, name in names if isinstance(value, kind)), type(value).__name__)


@dataclass
class FieldChecker:
    """Reads typed values out of a mapping, recording a problem for each bad one."""

    values: Mapping[str, object]
    file: str
    line: int
    key_lines: Mapping[str, int] = field(default_factory=dict)
    problems: list[IngestProblem] = field(default_factory=list)

    def problem(self, key: str, message: str) -> None:
        """Record a problem at the key's own line when known, else the record's line."""
        self.problems.append(IngestProblem(self.file, self.key_lines.get(key, self.line), message))

    def text(
        self,
        key: str,
        *,
        required: bool = False,
        value: object = _ABSENT,
        max_chars: int | None = None,
    ) -> str | None:
        """A stripped, non-empty text value (None when absent and optional), at most
        `max_chars` long when given (else MAX_TEXT_CHARS).

        `value` is checked instead of the mapping's when given (answers, nested values).
        """
        present = value is not _ABSENT or key in self.values
        raw = self.values.get(key) if value is _ABSENT else value
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            if required:
                self.problem(key, f"{key} is {'empty' if present else 'missing'}")
            return None
        if not isinstance(raw, str):
            self.problem(key, f"{key} must be text, not {describe(raw)}")
            return None
        if too_long(raw):
            self.problem(key, too_long_message(key, raw))
            return None
        if max_chars is not None and len(raw.strip()) > max_chars:
            self.problem(key, f"{key} is {len(raw.strip()):,} characters; the limit is {max_chars}")
            return None
        return raw.strip()

    def text_list(self, key: str) -> tuple[str, ...]:
        """A list of texts, stripped, without blanks or repeats."""
        raw = self.values.get(key)
        if raw is None:
            return ()
        if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
            self.problem(key, f"{key} must be a list of texts, not {describe(raw)}")
            return ()
        items: list[str] = []
        for item in raw:
            if too_long(item):
                self.problem(key, too_long_message(f"an item of {key}", item))
            elif item.strip() and item.strip() not in items:
                items.append(item.strip())
        return tuple(items)

    def choice(self, key: str, options: tuple[str, ...], default: str) -> str:
        """One of a fixed set of words, case-insensitive."""
        raw = self.text(key)
        if raw is None:
            return default
        if raw.lower() not in options:
            self.problem(key, f"{key} '{raw}' is not one of {', '.join(options)}")
            return default
        return raw.lower()

    def date(self, key: str) -> date | None:
        """An ISO date (YYYY-MM-DD)."""
        raw = self.values.get(key)
        if isinstance(raw, date):
            return raw
        text = self.text(key)
        if text is None:
            return None
        try:
            if not _ISO_DATE.fullmatch(text):
                raise ValueError(text)
            return date.fromisoformat(text)
        except ValueError:
            self.problem(key, f"{key} '{text}' is not a date (YYYY-MM-DD)")
            return None

    def sources(self, key: str = "sources") -> tuple[SourceLink, ...]:
        """A list of {title, url} mappings with web addresses."""
        raw = self.values.get(key)
        if raw is None:
            return ()
        if not isinstance(raw, list) or not all(isinstance(item, dict) for item in raw):
            self.problem(key, f"{key} must be a list of {{title, url}} mappings")
            return ()
        links: list[SourceLink] = []
        for item in raw:
            extra = sorted(str(k) for k in item if k not in ("title", "url"))
            if extra:
                self.problem(key, unknown_key_message(extra[0], ("title", "url"), f"{key} key"))
            title = self.text(key, value=item.get("title"))
            url = self.text(key, value=item.get("url"))
            if title is None or url is None:
                self.problem(key, f"each of {key} needs a title and a url")
            elif not url.startswith(("http://", "https://")):
                self.problem(key, f"{key}: url '{url}' must start with http:// or https://")
            else:
                links.append(SourceLink(title=title, url=url))
        return tuple(links)


def build_reply(
    checker: FieldChecker,
    *,
    known_keys: Iterable[str],
    default_slug: str | None = None,
    origin: str = "",
    answer: object = _ABSENT,
) -> ReplyRecord | None:
    """A ReplyRecord from checked values, or None after recording every problem.

    The answer is the `answer` value unless given separately (a Markdown body).
    """
    known = tuple(known_keys)
    for key in checker.values:
        if key not in known:
            checker.problem(key, unknown_key_message(key, known))
    slug = checker.text("id", required=default_slug is None) or default_slug
    problem = slug_problem(slug) if slug is not None else None
    if problem is not None:
        checker.problem("id", problem)
    question = checker.text("question", required=True)
    answer_text = checker.text("answer", required=True, value=answer)
    record = ReplyRecord(
        slug=slug or "",
        question=question or "",
        answer_md=answer_text or "",
        alt_questions=checker.text_list("alt_questions"),
        tags=checker.text_list("tags"),
        language=checker.choice("language", LANGUAGES, "en"),
        sources=checker.sources(),
        status=ReplyStatus(checker.choice("status", _STATUSES, ReplyStatus.PUBLISHED.value)),
        last_reviewed=checker.date("last_reviewed"),
        review_by=checker.date("review_by"),
        owner=checker.text("owner", max_chars=MAX_OWNER_CHARS),
        origin=origin,
    )
    if record.last_reviewed and record.review_by and record.review_by < record.last_reviewed:
        checker.problem("review_by", "review_by is before last_reviewed")
    return None if checker.problems else record
