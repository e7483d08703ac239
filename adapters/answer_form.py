"""The moderators' Answer form, read the same way whichever platform showed it: the fields
become an `AnswerDraft`, or messages saying what to fix, keyed by field."""

from __future__ import annotations

import re
from collections.abc import Mapping

from bot.moderation import AnswerDraft
from knowledge.records import SourceLink

FIELDS = ("question", "answer", "tags", "sources")
_SOURCE = re.compile(r"^(?P<title>[^<]*)<(?P<url>https?://[^>\s]+)>\s*$")


def parse_sources(text: str) -> tuple[tuple[SourceLink, ...], list[str]]:
    """Sources typed one per line as `Title <https://url>`, and the lines that are not."""
    sources, bad = [], []
    for line in filter(None, (line.strip() for line in text.splitlines())):
        match = _SOURCE.match(line)
        if match is None:
            bad.append(line)
        else:
            url = match["url"]
            sources.append(SourceLink(title=match["title"].strip() or url, url=url))
    return tuple(sources), bad


def draft_from_form(fields: Mapping[str, str]) -> AnswerDraft | dict[str, str]:
    """The draft a moderator submitted, or the errors to show them by field name."""
    answer = fields.get("answer", "").strip()
    sources, bad = parse_sources(fields.get("sources", ""))
    errors = {}
    if not answer:
        errors["answer"] = "Write the answer."
    if bad:
        errors["sources"] = f"Write each source as: Title <https://…> (check “{bad[0][:60]}”)."
    if errors:
        return errors
    tags = fields.get("tags", "")
    return AnswerDraft(
        answer_md=answer,
        question=fields.get("question", "").strip() or None,
        tags=tuple(t.strip() for t in tags.split(",") if t.strip()),
        sources=sources,
    )
