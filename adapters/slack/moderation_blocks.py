"""Block Kit for moderators: the card of a question group and the Answer / Link modals."""

from __future__ import annotations

from typing import Any

from adapters.answer_form import ALT_LABEL, ALT_QUESTIONS, WordingChoices, wording_choices
from adapters.slack.blocks import Block, button, context, section
from adapters.slack.mrkdwn import escape, truncate
from adapters.wording import MAX_WORDINGS, group_heading, group_status
from bot.moderation.views import GroupView

MOD_ACTION = "huribot_mod"
ANSWER_MODAL = "huribot_answer_modal"
LINK_MODAL = "huribot_link_modal"
OPTION_TEXT_LIMIT = 75
"""Block Kit's limit on an option's text (slack_sdk's `Option` checks the same)."""


def group_card(view: GroupView, *, reminder: bool = False) -> list[Block]:
    """A group as moderators see it in their channel, with its actions while it is active."""
    group = view.group
    heading = f"*{group_heading(reminder=reminder)}*"
    wordings = "\n".join(f"• {escape(truncate(w, 300))}" for w in view.wordings[:MAX_WORDINGS])
    more = len(view.wordings) - MAX_WORDINGS
    if more > 0:
        wordings += f"\n…and {more} more wordings"
    status = escape(group_status(view))
    blocks = [
        section(f"{heading} · group #{group.id} · asked {len(view.questions)}×\n{wordings}"),
        context(f"Status: {status} · language: {group.language}"),
    ]
    if view.candidates:
        candidates = ", ".join(f"`{escape(h.doc.id)}`" for h in view.candidates)
        blocks.append(context(f"Bot's nearest items: {candidates}"))
    if group.status in {"open", "assigned"}:
        value = str(group.id)
        blocks.append(
            {
                "type": "actions",
                "block_id": f"moderate_{group.id}",
                "elements": [
                    button("Answer", f"{MOD_ACTION}_answer", value, style="primary"),
                    button("Assign to me", f"{MOD_ACTION}_assign", value),
                    button("Link to existing answer", f"{MOD_ACTION}_link", value),
                    button("Dismiss", f"{MOD_ACTION}_dismiss", value, style="danger"),
                ],
            }
        )
    return blocks


def _input(
    block_id: str,
    label: str,
    *,
    multiline: bool = False,
    optional: bool = False,
    initial: str | None = None,
    hint: str | None = None,
) -> Block:
    element: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": "value",
        "multiline": multiline,
    }
    if initial:
        element["initial_value"] = initial[:3000]
    block: Block = {
        "type": "input",
        "block_id": block_id,
        "optional": optional,
        "label": {"type": "plain_text", "text": label},
        "element": element,
    }
    if hint:
        block["hint"] = {"type": "plain_text", "text": hint}
    return block


def _alt_questions(choices: WordingChoices) -> list[Block]:
    """Checkboxes of the askers' wordings, none ticked; each option's value is the wording's
    index (an option's value is limited to 150 characters, a wording is not)."""
    if not choices.options:
        return []
    options = [
        {"text": {"type": "plain_text", "text": _option_text(wording)}, "value": str(index)}
        for index, wording in choices.options
    ]
    return [
        {
            "type": "input",
            "block_id": ALT_QUESTIONS,
            "optional": True,
            "label": {"type": "plain_text", "text": ALT_LABEL},
            "element": {"type": "checkboxes", "action_id": "value", "options": options},
            "hint": {"type": "plain_text", "text": choices.hint},
        }
    ]


def _option_text(wording: str) -> str:
    text = " ".join(wording.split())
    return text if len(text) <= OPTION_TEXT_LIMIT else text[: OPTION_TEXT_LIMIT - 1] + "…"


def _modal(
    callback_id: str, title: str, submit: str, group_id: int, blocks: list[Block]
) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": callback_id,
        "private_metadata": str(group_id),
        "title": {"type": "plain_text", "text": title},
        "submit": {"type": "plain_text", "text": submit},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": blocks,
    }


def answer_modal(view: GroupView) -> dict[str, Any]:
    """The form a moderator answers a group with: it becomes a consolidated reply."""
    wordings = "\n".join(f"• {escape(truncate(w, 200))}" for w in view.wordings[:MAX_WORDINGS])
    blocks: list[Block] = [section(f"*Asked {len(view.questions)}×:*\n{wordings}")]
    if view.candidates:
        blocks.append(
            context(
                *(
                    f"Candidate `{escape(h.doc.id)}`: {escape(truncate(h.doc.title, 120))}"
                    for h in view.candidates
                )
            )
        )
    blocks += [
        _input("question", "Question, as the reply should state it", initial=view.group.title),
        *_alt_questions(wording_choices(view, besides=view.group.title)),
        _input("answer", "Answer (Markdown)", multiline=True),
        _input("tags", "Tags", optional=True, hint="Comma-separated, e.g. UPR, UNCT"),
        _input(
            "sources",
            "Sources",
            multiline=True,
            optional=True,
            hint="One per line: Title <https://example.org/page>",
        ),
    ]
    return _modal(ANSWER_MODAL, "Answer question", "Publish answer", view.group.id, blocks)


def link_modal(view: GroupView) -> dict[str, Any]:
    """The form to answer a group with a reply that already exists."""
    hint = ", ".join(h.doc.id for h in view.candidates if h.doc.kind == "reply") or None
    blocks = [
        section(
            f"Answer group #{view.group.id} (“{escape(truncate(view.group.title, 150))}”) "
            "with an existing reply."
        ),
        _input(
            "reply_id",
            "Reply id",
            hint=f"Nearest replies: {hint}" if hint else "See `huribot kb list`",
        ),
        *_alt_questions(wording_choices(view)),
    ]
    return _modal(LINK_MODAL, "Link to an answer", "Link", view.group.id, blocks)


def submitted(values: dict[str, Any], block_id: str) -> str:
    """The text a moderator typed in one input of a submitted modal."""
    return str((values.get(block_id, {}).get("value", {}) or {}).get("value") or "").strip()


def ticked(values: dict[str, Any]) -> str:
    """The indices of the wordings ticked in a submitted modal, comma-separated (as Teams
    returns a multi-select), empty when none was or the modal had no checkboxes."""
    element = values.get(ALT_QUESTIONS, {}).get("value", {}) or {}
    return ",".join(str(option["value"]) for option in element.get("selected_options") or ())
