"""The core's replies rendered as Adaptive Cards for Teams: answers, abstentions, plain notes.

Buttons are `Action.Submit`: Teams sends their `data` back as a message activity whose
`value` names the HuriBot action (`ACTION_KEY`), which the app dispatches on.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from microsoft_agents.activity import Activity, ActivityTypes, Attachment

from adapters.wording import WHOLE_PASSAGE_LABEL, confidence_line, feedback_choices, split_text
from bot.answers.answerer import OUTDATED_TEXT
from bot.messages import Reply, ReplyKind, SourceRef, Suggestion
from bot.questions.log import Feedback

Card = dict[str, Any]

CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
CARD_VERSION = "1.4"
ACTION_KEY = "huribot"
FEEDBACK = "feedback"
RELATED = "related"
TEXT_LIMIT = 20000
TEXT_PART_CHARS = 4000
"""The most of an answer one TextBlock holds; longer answers take several, split between
paragraphs."""
CARD_BYTES = 24_000
"""Teams refuses a message over 28 KB (413); the card, the activity around it and Teams' own
additions must fit, so a card stays under this many bytes of JSON."""
ANSWER_BYTES = 16_000
"""The most of an answer's text (as JSON) one card carries, leaving room for the sources,
buttons and notes within CARD_BYTES; the rest follows in further cards."""
CONTINUED_TEXT = "⬇️ Continued in the next message."
TITLE_LIMIT = 80
_HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*$", re.MULTILINE)
ABSTAIN_TEXT = (
    "I don't know the answer to that yet, and I'd rather not guess. **I've passed your "
    "question to the Secretariat's moderators**; their answer will come back to you here."
)


def text_block(text: str, **style: Any) -> Card:
    """A wrapping TextBlock (Teams renders a subset of Markdown in it)."""
    return {"type": "TextBlock", "text": text[:TEXT_LIMIT], "wrap": True, **style}


def note(text: str) -> Card:
    """A small, muted line (sources, confidence, status)."""
    return text_block(text, size="Small", isSubtle=True, spacing="Small")


def submit(title: str, data: dict[str, Any], *, style: str | None = None) -> Card:
    """A button that posts `data` back to the bot."""
    action: Card = {"type": "Action.Submit", "title": shorten(title, TITLE_LIMIT), "data": data}
    if style:
        action["style"] = style
    return action


def shorten(text: str, limit: int) -> str:
    """`text` cut at a word before `limit` characters, marked with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0] if " " in text[: limit - 1] else text[: limit - 1]
    return cut.rstrip(" ,;:–-") + "…"


def adaptive_card(body: list[Card], actions: Sequence[Card] = ()) -> Card:
    """An Adaptive Card of the version every Teams client renders."""
    card: Card = {
        "type": "AdaptiveCard",
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "version": CARD_VERSION,
        "body": body,
    }
    if actions:
        card["actions"] = list(actions)
    return card


def card_activity(card: Card, *, summary: str) -> Activity:
    """A message carrying one card; `summary` is what notifications and old clients show."""
    return Activity(
        type=ActivityTypes.message,
        summary=summary[:300],
        attachments=[Attachment(content_type=CARD_CONTENT_TYPE, content=card)],
    )


def markdown_for_teams(markdown: str) -> str:
    """Curated Markdown as Teams' TextBlock shows it: headings become bold lines."""
    return _HEADING.sub(lambda m: f"**{m.group(1)}**", markdown)


def _source_line(source: SourceRef) -> str:
    link = (
        f"[{source.title}]({source.location})"
        if source.location.startswith("http")
        else source.title
    )
    section = f" › {source.section}" if source.section else ""
    return f"📄 {link}{section}"


def related_actions(suggestions: Sequence[Suggestion]) -> list[Card]:
    """Up to three buttons that show a suggested item when pressed."""
    return [submit(s.title, {ACTION_KEY: RELATED, "reply_id": s.id}) for s in suggestions[:3]]


def action_row(actions: Sequence[Card]) -> list[Card]:
    """Buttons in a row of their own inside the card's body: Teams lays a card's own actions
    in one row and drops those that do not fit, so only the rating buttons stay there."""
    return [{"type": "ActionSet", "actions": list(actions)}] if actions else []


def feedback_actions(question_id: int, choices: dict[Feedback, str]) -> list[Card]:
    """Helpful / Not helpful / Ask the Secretariat, tied to the logged question."""
    return [
        submit(
            label, {ACTION_KEY: FEEDBACK, "feedback": feedback.value, "question_id": question_id}
        )
        for feedback, label in choices.items()
    ]


def answer_cards(reply: Reply) -> list[Card]:
    """The answer as cards: usually one (answer, sources, how sure, related items, feedback
    buttons). A reply too long for one Teams message continues in further cards, split
    between paragraphs, rather than being cut; the sources and buttons close the last."""
    groups = _answer_groups(markdown_for_teams(reply.answer_md))
    cards: list[Card] = []
    for number, group in enumerate(groups, start=1):
        body: list[Card] = _answer_head(reply) if number == 1 else []
        body.extend(text_block(part) for part in group)
        if number < len(groups):
            body.append(note(CONTINUED_TEXT))
            cards.append(adaptive_card(body))
    body += _answer_tail(reply)
    actions: list[Card] = []
    if reply.question_id is not None:
        actions = feedback_actions(reply.question_id, feedback_choices(reply))
    cards.append(adaptive_card(body, actions))
    return cards


def _answer_groups(markdown: str) -> list[list[str]]:
    """The answer's paragraphs, TEXT_PART_CHARS at most a TextBlock, grouped into cards of at
    most ANSWER_BYTES of JSON each."""
    groups: list[list[str]] = [[]]
    used = 0
    for part in split_text(markdown, TEXT_PART_CHARS) or [""]:
        size = len(json.dumps(part).encode())
        if groups[-1] and used + size > ANSWER_BYTES:
            groups.append([])
            used = 0
        groups[-1].append(part)
        used += size
    return groups


def _answer_head(reply: Reply) -> list[Card]:
    head: list[Card] = []
    if reply.outdated:
        head.append(text_block(f"⚠️ {OUTDATED_TEXT}", color="Warning", size="Small"))
    if reply.notice:
        head.append(note(f"🌐 {reply.notice}"))
    return head


def _answer_tail(reply: Reply) -> list[Card]:
    tail = [note(_source_line(s)) for s in reply.sources]
    line = confidence_line(reply.confidence, alternatives=reply.tentative)
    if line:
        tail.append(note(line))
    if reply.whole_item_id is not None:
        whole = {ACTION_KEY: RELATED, "reply_id": reply.whole_item_id}
        tail += action_row([submit(WHOLE_PASSAGE_LABEL, whole)])
    if reply.suggestions:
        tail.append(text_block("**Related**", size="Small", spacing="Medium"))
        tail += action_row(related_actions(reply.suggestions))
    return tail


def abstain_card(reply: Reply) -> Card:
    """A plain 'I don't know', the nearest suggestions, and that the Secretariat will answer."""
    body = [text_block(ABSTAIN_TEXT)]
    if reply.suggestions:
        body.append(text_block("**You may have meant**", size="Small", spacing="Medium"))
    return adaptive_card(body, related_actions(reply.suggestions))


def reply_activities(reply: Reply) -> list[Activity]:
    """The messages for any reply of the core: cards for answers (one, unless the answer is
    too long for one) and abstentions, text (Markdown) for the rest."""
    if reply.kind is ReplyKind.ANSWER:
        return [card_activity(card, summary=reply.text) for card in answer_cards(reply)]
    if reply.kind is ReplyKind.ABSTAIN:
        return [card_activity(abstain_card(reply), summary=reply.text)]
    return [text_activity(reply.text)]


def text_activity(text: str) -> Activity:
    """A plain Markdown message."""
    return Activity(type=ActivityTypes.message, text=text[:TEXT_LIMIT], text_format="markdown")
