"""The moderators' Answer and Link forms, read the same way whichever platform showed it: the
fields become an `AnswerDraft`, or messages saying what to fix, keyed by field; the askers'
wordings are offered as alternative questions, none ticked, and come back as their indices."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.moderation.resolution import MAX_ANSWER_CHARS, AnswerDraft, AnswerTooLongError
from bot.moderation.views import GroupView
from knowledge.records import SourceLink

FIELDS = ("question", "answer", "tags", "sources")
ALT_QUESTIONS = "alt_questions"
MAX_CHOICES = 10
"""Slack's checkboxes take at most 10 options; Teams' dialog offers the same ones."""
ALT_LABEL = "Also answer these wordings (alternative questions)"
ALT_HINT = (
    "Tick only clear phrasings of this same question: a vague, misspelt or off-topic one "
    "would make the bot give this answer to other questions."
)
STALE_CHOICE = "The askers' wordings changed while this form was open: close it and reopen it."
_SOURCE = re.compile(r"^(?P<title>[^<]*)<(?P<url>https?://[^>\s]+)>\s*$")


@dataclass(frozen=True, slots=True)
class WordingChoices:
    """The wordings a form offers, as (index in `GroupView.wordings`, wording), and how many
    more there were than a form can show."""

    options: tuple[tuple[int, str], ...]
    hidden: int = 0

    @property
    def hint(self) -> str:
        """What the moderator should know before ticking."""
        if not self.hidden:
            return ALT_HINT
        return (
            f"{ALT_HINT} The {len(self.options)} most asked are shown; the {self.hidden} others "
            "can be kept from the command line (`huribot queue show` numbers them all, then "
            "`--alt-question N`)."
        )


def wording_choices(view: GroupView, *, besides: str | None = None) -> WordingChoices:
    """The distinct wordings other than `besides` (the question the form already keeps), in
    the order asked. When there are more than a form can show, the most often asked are
    offered, the most recently asked first among equals: those are the phrasings members
    really use, and a stray one-off is the likeliest to be vague or off-topic."""
    wordings = view.wordings
    counts = Counter(q.text for q in view.questions)
    latest = {q.text: q.id for q in sorted(view.questions, key=lambda q: q.id)}
    eligible = [i for i, wording in enumerate(wordings) if wording != besides]
    ranked = sorted(eligible, key=lambda i: (counts[wordings[i]], latest[wordings[i]]))
    shown = sorted(ranked[-MAX_CHOICES:]) if len(eligible) > MAX_CHOICES else eligible
    return WordingChoices(
        options=tuple((i, wordings[i]) for i in shown), hidden=len(eligible) - len(shown)
    )


def chosen_wordings(value: str, wordings: Sequence[str]) -> tuple[str, ...] | None:
    """The wordings whose indices a form sent back, comma-separated (as an Adaptive Cards
    multi-select sends them; Slack's ticked boxes are joined the same way), or None when one
    is not an index of `wordings` (they changed while the form was open)."""
    indices = [part.strip() for part in value.split(",") if part.strip()]
    if not all(i.isdecimal() and int(i) < len(wordings) for i in indices):
        return None
    return tuple(wordings[int(i)] for i in indices)


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


def draft_from_form(
    fields: Mapping[str, str], *, wordings: Sequence[str] = ()
) -> AnswerDraft | dict[str, str]:
    """The draft a moderator submitted, or the errors to show them by field name; the
    `alt_questions` field holds the indices, in `wordings`, of the wordings they ticked."""
    answer = fields.get("answer", "").strip()
    sources, bad = parse_sources(fields.get("sources", ""))
    alternatives = chosen_wordings(fields.get(ALT_QUESTIONS, ""), wordings)
    errors = {}
    if not answer:
        errors["answer"] = "Write the answer."
    elif len(answer) > MAX_ANSWER_CHARS:
        errors["answer"] = str(AnswerTooLongError(len(answer)))
    if bad:
        errors["sources"] = f"Write each source as: Title <https://…> (check “{bad[0][:60]}”)."
    if alternatives is None:
        errors[ALT_QUESTIONS] = STALE_CHOICE
    if errors or alternatives is None:
        return errors
    tags = fields.get("tags", "")
    return AnswerDraft(
        answer_md=answer,
        question=fields.get("question", "").strip() or None,
        tags=tuple(t.strip() for t in tags.split(",") if t.strip()),
        sources=sources,
        alt_questions=alternatives,
    )
