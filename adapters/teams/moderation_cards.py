"""Adaptive Cards for moderators in Teams: a question group's card, and the Answer and Link
forms opened as task modules (Teams dialogs) from its buttons."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from adapters.answer_form import ALT_LABEL, ALT_QUESTIONS, WordingChoices, wording_choices
from adapters.teams.cards import (
    ACTION_KEY,
    CARD_CONTENT_TYPE,
    Card,
    adaptive_card,
    note,
    submit,
    text_block,
)
from adapters.wording import MAX_WORDINGS, group_heading, group_status
from bot.moderation.views import GroupView

ANSWER = "mod_answer"
LINK = "mod_link"
ASSIGN = "mod_assign"
DISMISS = "mod_dismiss"
TASK_FETCH = {"type": "task/fetch"}


def _wordings(view: GroupView) -> str:
    lines = [f"- {w[:300]}" for w in view.wordings[:MAX_WORDINGS]]
    more = len(view.wordings) - MAX_WORDINGS
    if more > 0:
        lines.append(f"- …and {more} more wordings")
    return "\n".join(lines)


def group_card(view: GroupView, *, reminder: bool = False) -> Card:
    """A group as moderators see it in their channel, with its actions while it is active."""
    group = view.group
    body = [
        text_block(
            f"**{group_heading(reminder=reminder)}** · group #{group.id} · "
            f"asked {len(view.questions)}×"
        ),
        text_block(_wordings(view)),
        note(f"Status: {group_status(view)} · language: {group.language}"),
    ]
    if view.candidates:
        body.append(note("Bot's nearest items: " + ", ".join(h.doc.id for h in view.candidates)))
    actions: list[Card] = []
    if group.status in {"open", "assigned"}:
        dialog = {"msteams": TASK_FETCH}
        actions = [
            submit("Answer", {ACTION_KEY: ANSWER, "group_id": group.id, **dialog}),
            submit("Assign to me", {ACTION_KEY: ASSIGN, "group_id": group.id}),
            submit("Link to existing answer", {ACTION_KEY: LINK, "group_id": group.id, **dialog}),
            submit("Dismiss", {ACTION_KEY: DISMISS, "group_id": group.id}, style="destructive"),
        ]
    return adaptive_card(body, actions)


def _input(name: str, label: str, *, multiline: bool = False, value: str = "") -> Card:
    field: Card = {"type": "Input.Text", "id": name, "label": label, "isMultiline": multiline}
    if value:
        field["value"] = value[:3000]
    return field


def _alt_questions(choices: WordingChoices, *, chosen: str = "") -> list[Card]:
    """A multi-select of the askers' wordings, none selected unless `chosen` (comma-joined
    indices, as Teams returns them); each choice's value is the wording's index (a wording may
    hold a comma)."""
    if not choices.options:
        return []
    choice_set: Card = {
        "type": "Input.ChoiceSet",
        "id": ALT_QUESTIONS,
        "label": ALT_LABEL,
        "isMultiSelect": True,
        "style": "expanded",
        "wrap": True,
        "choices": [
            {"title": wording[:300], "value": str(index)} for index, wording in choices.options
        ],
    }
    if chosen:
        choice_set["value"] = chosen
    return [choice_set, note(choices.hint)]


def _errors(errors: dict[str, str]) -> list[Card]:
    return [text_block(f"⚠️ {message}", color="Attention") for message in errors.values()]


def answer_form(
    view: GroupView,
    *,
    errors: dict[str, str] | None = None,
    typed: Mapping[str, str] | None = None,
) -> Card:
    """The form a moderator answers a group with: it becomes a consolidated reply (the same
    fields as Slack's modal). Shown again after a mistake, it keeps what they `typed`."""
    typed = typed or {}
    body = [text_block(f"**Asked {len(view.questions)}×:**\n\n{_wordings(view)}")]
    body += [note(f"Candidate {h.doc.id}: {h.doc.title[:120]}") for h in view.candidates]
    body += _errors(errors or {})
    question = typed.get("question") or view.group.title
    body += [
        _input("question", "Question, as the reply should state it", value=question),
        *_alt_questions(
            wording_choices(view, besides=view.group.title), chosen=typed.get(ALT_QUESTIONS, "")
        ),
        _input("answer", "Answer (Markdown)", multiline=True, value=typed.get("answer", "")),
        _input("tags", "Tags (comma-separated, e.g. UPR, UNCT)", value=typed.get("tags", "")),
        _input(
            "sources",
            "Sources, one per line: Title <https://example.org/page>",
            multiline=True,
            value=typed.get("sources", ""),
        ),
    ]
    data = {ACTION_KEY: ANSWER, "group_id": view.group.id}
    return adaptive_card(body, [submit("Publish answer", data, style="positive")])


def link_form(view: GroupView, *, errors: dict[str, str] | None = None) -> Card:
    """The form to answer a group with a reply that already exists."""
    nearest = ", ".join(h.doc.id for h in view.candidates if h.doc.kind == "reply")
    body = [
        text_block(
            f"Answer group #{view.group.id} (“{view.group.title[:150]}”) with an existing reply."
        ),
        *_errors(errors or {}),
        _input("reply_id", "Reply id"),
    ]
    if nearest:
        body.append(note(f"Nearest replies: {nearest}"))
    body += _alt_questions(wording_choices(view))
    return adaptive_card(body, [submit("Link", {ACTION_KEY: LINK, "group_id": view.group.id})])


def task_continue(title: str, card: Card) -> dict[str, Any]:
    """The invoke response that opens (or keeps open) a dialog showing `card`."""
    attachment = {"contentType": CARD_CONTENT_TYPE, "content": card}
    return {
        "task": {
            "type": "continue",
            "value": {"title": title, "width": "large", "height": "large", "card": attachment},
        }
    }


def task_message(text: str) -> dict[str, Any]:
    """The invoke response that closes a dialog with a short message."""
    return {"task": {"type": "message", "value": text}}
