"""The reply form of the knowledge-base pages: a reply's fields as the form shows them, and
the form as typed read back into a `ReplyRecord`, or what to fix, field by field, in the
page's language. Sources are read as the queue's answer form reads them."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from adapters.answer_form import parse_sources
from adapters.dashboard.form_checks import answer_errors
from adapters.dashboard.i18n import Formats, Gettext
from bot.kb.editor import ReplyView
from knowledge.ingest.fields import LANGUAGES, slug_problem
from knowledge.records import MAX_OWNER_CHARS, MAX_TITLE_CHARS, ReplyRecord, ReplyStatus

FIELDS = (
    "slug",
    "question",
    "alt_questions",
    "answer",
    "sources",
    "tags",
    "language",
    "status",
    "owner",
    "last_reviewed",
    "review_by",
    "based_on",
    "intent",
)
"""The form's fields, in the order it shows them."""
STATUSES = tuple(status.value for status in ReplyStatus)
"""The form offers "retired" only for a reply that is (retiring has its own confirmation);
saving one published or as a draft brings it back."""
DASHBOARD_ORIGIN = "dashboard"
"""The origin of replies written on the dashboard: no file, so an import never withdraws them."""


def shown_fields(reply: ReplyView) -> dict[str, str]:
    """A stored reply as its edit form shows it."""
    return {
        "slug": reply.slug,
        "question": reply.question,
        "alt_questions": "\n".join(reply.alt_questions),
        "answer": reply.answer_md,
        "tags": ", ".join(reply.tags),
        "sources": "\n".join(f"{s.title} <{s.url}>" for s in reply.sources),
        "language": reply.language,
        "status": reply.status,
        "owner": reply.owner or "",
        "last_reviewed": reply.last_reviewed.isoformat() if reply.last_reviewed else "",
        "review_by": reply.review_by.isoformat() if reply.review_by else "",
        "based_on": str(reply.version),
    }


def typed_fields(form: Mapping[str, object]) -> dict[str, str]:
    """The form's fields as typed, with line ends as replies store them."""
    return {name: str(form.get(name, "")).replace("\r\n", "\n") for name in FIELDS}


def read_reply(
    fields: Mapping[str, str], _: Gettext, formats: Formats
) -> ReplyRecord | dict[str, str]:
    """The reply the form describes, or the messages saying what to fix, by field."""
    errors: dict[str, str] = {}
    slug = fields["slug"].strip()
    if slug_problem(slug) is not None:
        errors["slug"] = _(
            "Give an id of lowercase letters, digits and single hyphens (at most 120 "
            "characters), such as “upr-mid-term-report”."
        )
    question = fields["question"].strip()
    if not question:
        errors["question"] = _("Write the question the reply answers.")
    elif len(question) > MAX_TITLE_CHARS:
        errors["question"] = _(
            "Keep the question under %(limit)s characters.", limit=formats.number(MAX_TITLE_CHARS)
        )
    errors |= answer_errors(fields, _, formats)
    sources, _bad = parse_sources(fields["sources"])
    language, status = fields["language"], fields["status"]
    if language not in LANGUAGES:
        errors["language"] = _("Choose the reply's language.")
    if status not in STATUSES:
        errors["status"] = _("Choose the reply's status.")
    owner = fields["owner"].strip()
    if len(owner) > MAX_OWNER_CHARS:
        errors["owner"] = _(
            "Keep the owner under %(limit)s characters.", limit=formats.number(MAX_OWNER_CHARS)
        )
    dates: dict[str, date | None] = {}
    for name in ("last_reviewed", "review_by"):
        try:
            dates[name] = date.fromisoformat(fields[name].strip()) if fields[name].strip() else None
        except ValueError:
            errors[name] = _("Give a date as YYYY-MM-DD, or leave it empty.")
    if errors:
        return errors
    return ReplyRecord(
        slug=slug,
        question=question,
        answer_md=fields["answer"].strip(),
        alt_questions=tuple(_lines(fields["alt_questions"], besides=question)),
        tags=tuple(dict.fromkeys(t.strip() for t in fields["tags"].split(",") if t.strip())),
        language=language,
        sources=sources,
        status=ReplyStatus(status),
        last_reviewed=dates["last_reviewed"],
        review_by=dates["review_by"],
        owner=owner or None,
        origin=DASHBOARD_ORIGIN,
    )


def _lines(text: str, *, besides: str) -> list[str]:
    """Each non-empty line once, but the question itself."""
    lines = (line.strip() for line in text.splitlines())
    return list(dict.fromkeys(line for line in lines if line and line != besides))
