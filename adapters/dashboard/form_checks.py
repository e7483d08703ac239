"""The checks the queue's answer form and the knowledge base's reply form share, with their
messages in the page's language: an answer written and short enough for chat, and sources
written one per line as `Title <https://…>`."""

from __future__ import annotations

from collections.abc import Mapping

from adapters.answer_form import parse_sources
from adapters.dashboard.i18n import Formats, Gettext
from bot.moderation.resolution import MAX_ANSWER_CHARS


def answer_errors(fields: Mapping[str, str], _: Gettext, formats: Formats) -> dict[str, str]:
    """What to fix in the `answer` and `sources` fields, by field."""
    errors = {}
    text = fields["answer"].strip()
    if not text:
        errors["answer"] = _("Write the answer.")
    elif len(text) > MAX_ANSWER_CHARS:
        errors["answer"] = _(
            "The answer is %(length)s characters long; keep it under %(limit)s (link longer "
            "guidance as a source instead).",
            length=formats.number(len(text)),
            limit=formats.number(MAX_ANSWER_CHARS),
        )
    _sources, bad = parse_sources(fields["sources"])
    if bad:
        errors["sources"] = _(
            "Write each source on its own line as: Title <https://…> (check “%(line)s”).",
            line=bad[0][:60],
        )
    return errors
