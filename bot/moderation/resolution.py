"""What answering a group makes: the consolidated reply a moderator's answer becomes (or the
existing one it extends), and the notice each asker receives in their thread."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from bot.db.models import ConsolidatedReply, Question
from bot.messages import Reply, inert_markdown
from bot.moderation.directory import Actor
from bot.moderation.views import GroupView
from knowledge.records import ReplyRecord, ReplyStatus, SourceLink

REVIEW_PERIOD = timedelta(days=365)
MAX_ANSWER_CHARS = 20_000
"""The longest answer a moderator may write: what fits the chat answers it is shown in;
longer guidance belongs in a document the answer cites."""


class AnswerTooLongError(ValueError):
    """A moderator's answer past MAX_ANSWER_CHARS."""

    def __init__(self, length: int) -> None:
        super().__init__(
            f"The answer is {length:,} characters long; keep it under {MAX_ANSWER_CHARS:,} "
            "(link longer guidance as a source instead)."
        )


@dataclass(frozen=True, slots=True)
class AnswerDraft:
    """What a moderator writes when answering a group. `alt_questions` are the askers'
    wordings they chose to keep as the reply's other phrasings: none by default, because
    askers' wordings are often vague, misspelt or off-topic and would then match it."""

    answer_md: str
    question: str | None = None
    tags: tuple[str, ...] = ()
    sources: tuple[SourceLink, ...] = ()
    alt_questions: tuple[str, ...] = ()


def answer_record(view: GroupView, draft: AnswerDraft, actor: Actor, *, today: date) -> ReplyRecord:
    """The new consolidated reply of a group (or its earlier one, rewritten); only the
    wordings the moderator chose become its alternative questions."""
    if len(draft.answer_md) > MAX_ANSWER_CHARS:
        raise AnswerTooLongError(len(draft.answer_md))
    question = draft.question or view.group.title
    return ReplyRecord(
        slug=view.group.reply_id or slug_for(view.group.id, question),
        question=question,
        answer_md=draft.answer_md,
        alt_questions=view.chosen(draft.alt_questions, besides=(question,)),
        tags=draft.tags,
        language=view.group.language,
        sources=draft.sources,
        status=ReplyStatus.PUBLISHED,
        last_reviewed=today,
        review_by=today + REVIEW_PERIOD,
        owner=str(actor),
        origin=f"moderation:group:{view.group.id}",
    )


def linked_record(reply: ConsolidatedReply, added: tuple[str, ...]) -> ReplyRecord:
    """An existing reply with more alternative questions (`added`, chosen by a moderator)."""
    return ReplyRecord(
        slug=reply.slug,
        question=reply.question,
        answer_md=reply.answer_md,
        alt_questions=(*reply.alt_questions, *added),
        tags=tuple(reply.tags),
        language=reply.language,
        sources=tuple(SourceLink(title=s["title"], url=s["url"]) for s in reply.sources),
        status=ReplyStatus(reply.status),
        last_reviewed=reply.last_reviewed,
        review_by=reply.review_by,
        owner=reply.owner,
        origin=reply.origin,
    )


def slug_for(group_id: int, question: str) -> str:
    """A readable, unique id for a group's new reply."""
    words = re.sub(r"[^a-z0-9]+", "-", question.casefold()).strip("-")[:60].strip("-")
    return f"q{group_id}-{words}" if words else f"q{group_id}"


def notification(question: Question, answer: Reply) -> Reply:
    """The Secretariat's answer, addressed to one asker in their thread."""
    intro = f"The Secretariat has answered your question “{question.text}”:"
    return Reply(
        kind=answer.kind,
        text=f"{intro}\n\n{answer.text}",
        answer_md=f"**{inert_markdown(intro)}**\n\n{answer.answer_md}",
        sources=answer.sources,
        item_id=answer.item_id,
        question_id=question.id,
        by_secretariat=True,
    )
