"""The core's replies rendered as Block Kit: answer cards, abstentions, the App Home."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from adapters.slack.mrkdwn import escape, markdown_to_mrkdwn, truncate
from adapters.wording import WHOLE_PASSAGE_LABEL, confidence_line, feedback_choices, split_text
from bot.answers.answerer import OUTDATED_TEXT
from bot.messages import Reply, ReplyKind, SourceRef, Suggestion
from bot.questions.log import Feedback

Block = dict[str, Any]

SECTION_LIMIT = 2900
BUTTON_LIMIT = 75
FALLBACK_LIMIT = 3000
FEEDBACK_ACTION = "huribot_feedback"
RELATED_ACTION = "huribot_related"
EXAMPLES = (
    "How does a UNCT contribute to the UPR?",
    "What is the human rights-based approach to programming?",
    "How do we prepare for a special rapporteur's country visit?",
    "¿Qué es no dejar a nadie atrás?",
)


def section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": truncate(text, SECTION_LIMIT)}}


def sections(text: str) -> list[Block]:
    """A long text as consecutive sections rather than cut: a section holds at most 3,000
    characters, an answer may hold more."""
    return [section(part) for part in split_text(text, SECTION_LIMIT)]


def context(*texts: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": t} for t in texts[:10]]}


def button(label: str, action_id: str, value: str, *, style: str | None = None) -> Block:
    button: Block = {
        "type": "button",
        "text": {"type": "plain_text", "text": truncate(label, BUTTON_LIMIT), "emoji": True},
        "action_id": action_id,
        "value": value,
    }
    if style:
        button["style"] = style
    return button


def _source_line(source: SourceRef) -> str:
    title = escape(source.title)
    link = f"<{source.location}|{title}>" if source.location.startswith("http") else title
    section = f" › {escape(source.section)}" if source.section else ""
    return f"📄 {link}{section}"


def related_buttons(suggestions: Sequence[Suggestion]) -> list[Block]:
    """Up to three 'Related' buttons that show a suggested item when clicked."""
    if not suggestions:
        return []
    buttons = [
        button(s.title, f"{RELATED_ACTION}_{i}", s.id) for i, s in enumerate(suggestions[:3])
    ]
    return [context("*Related*"), {"type": "actions", "elements": buttons}]


def feedback_buttons(question_id: int, choices: dict[Feedback, str]) -> Block:
    """Helpful / Not helpful / Ask the Secretariat, tied to the logged question."""
    return {
        "type": "actions",
        "block_id": f"feedback_{question_id}",
        "elements": [
            button(
                label,
                f"{FEEDBACK_ACTION}_{feedback.value}",
                str(question_id),
                style="primary" if feedback is Feedback.ASK_SECRETARIAT else None,
            )
            for feedback, label in choices.items()
        ],
    }


def reply_blocks(reply: Reply) -> list[Block]:
    """Blocks for any reply of the core."""
    if reply.kind is ReplyKind.ANSWER:
        return answer_blocks(reply)
    if reply.kind is ReplyKind.ABSTAIN:
        return abstain_blocks(reply)
    return [section(escape(reply.text))]


def answer_blocks(reply: Reply) -> list[Block]:
    """The answer card: answer, sources, how sure, related items, feedback buttons."""
    alternatives = reply.tentative
    blocks: list[Block] = []
    if reply.outdated:
        blocks.append(context(f"⚠️ {OUTDATED_TEXT}"))
    if reply.notice:
        blocks.append(context(f"🌐 {escape(reply.notice)}"))
    blocks.extend(sections(markdown_to_mrkdwn(reply.answer_md)))
    if reply.sources:
        blocks.append(context(*(_source_line(s) for s in reply.sources)))
    if reply.whole_item_id is not None:
        whole = button(WHOLE_PASSAGE_LABEL, f"{RELATED_ACTION}_whole", reply.whole_item_id)
        blocks.append({"type": "actions", "elements": [whole]})
    line = confidence_line(reply.confidence, alternatives=alternatives)
    if line:
        blocks.append(context(line))
    blocks.extend(related_buttons(reply.suggestions))
    if reply.question_id is not None:
        blocks.append(feedback_buttons(reply.question_id, feedback_choices(reply)))
    return blocks


def abstain_blocks(reply: Reply) -> list[Block]:
    """A plain 'I don't know', the nearest suggestions, and that the Secretariat will answer."""
    blocks = [
        section(
            "I don't know the answer to that yet, and I'd rather not guess. "
            "*I've passed your question to the Secretariat's moderators*; their answer will "
            "come back to you here, in this thread."
        )
    ]
    blocks.extend(related_buttons(reply.suggestions))
    return blocks


def fallback_text(reply: Reply) -> str:
    """Plain text for notifications and clients that cannot show blocks."""
    return truncate(escape(reply.text), FALLBACK_LIMIT)


STATUS_LABELS = {
    "received": "⏳ being answered",
    "answering": "⏳ being answered",
    "replied": "💬 replied",
    "answered-by-bot": "✅ answered by HuriBot",
    "open": "📨 with the Secretariat",
    "assigned": "📨 a moderator is on it",
    "answered": "✅ answered by the Secretariat",
    "dismissed": "— closed",
}


def home_view(recent: Sequence[tuple[str, str]]) -> dict[str, Any]:
    """The App Home tab: what the bot does, examples, and the member's recent questions."""
    blocks: list[Block] = [
        {"type": "header", "text": {"type": "plain_text", "text": "HuriBot"}},
        section(
            "I answer questions on *human rights, leaving no one behind and gender* in UN "
            "country work, from the Secretariat's consolidated replies and guidance, always "
            "with sources. When I don't know, I pass your question to the Secretariat and "
            "their answer comes back to you in the same thread.\n\n"
            "Mention me in a channel, write to me here, or use `/huribot <question>`."
        ),
        section("*Try asking*\n" + "\n".join(f"• {e}" for e in EXAMPLES)),
        {"type": "divider"},
    ]
    if recent:
        lines = [
            f"• {escape(truncate(text, 150))} — {STATUS_LABELS.get(status, status)}"
            for text, status in recent
        ]
        blocks.append(section("*Your recent questions*\n" + "\n".join(lines)))
    else:
        blocks.append(section("*Your recent questions*\nNone yet: ask me anything."))
    return {"type": "home", "blocks": blocks}
