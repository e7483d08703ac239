"""An answer that quotes part of a passage, in another language than the asker's, as each
platform shows it: the notice above the answer and a way to the whole passage."""

from __future__ import annotations

import dataclasses
import json

from rich.console import Console
from slack_sdk.models.blocks import Block

from adapters.console.adapter import render
from adapters.slack.blocks import RELATED_ACTION, answer_blocks
from adapters.teams.cards import (
    ACTION_KEY,
    CARD_BYTES,
    CONTINUED_TEXT,
    RELATED,
    answer_cards,
    shorten,
)
from adapters.wording import WHOLE_PASSAGE_LABEL
from bot.messages import Reply, ReplyKind, SourceRef, Suggestion
from tests.fakes.adaptive_cards import schema_errors

REPLY = Reply(
    kind=ReplyKind.ANSWER,
    text="…",
    answer_md="… The UNCT submission is due six months before the session. …",
    sources=(SourceRef(title="Engaging with the UPR", location="https://e.org/upr", section="X"),),
    confidence=0.82,
    item_id="guide-upr#3",
    question_id=7,
    notice="Todavía no hay respuesta en español; esta está en inglés.",
    whole_item_id="guide-upr#3",
)


def test_slack_shows_the_notice_and_a_button_to_the_whole_passage() -> None:
    blocks = answer_blocks(REPLY)
    for block in blocks:
        parsed = Block.parse(block)
        assert parsed is not None
        parsed.validate_json()
    assert "Todavía no hay respuesta" in blocks[0]["elements"][0]["text"]
    buttons = [e for b in blocks if b["type"] == "actions" for e in b["elements"]]
    whole = [b for b in buttons if b["text"]["text"] == WHOLE_PASSAGE_LABEL]
    assert len(whole) == 1
    assert (
        whole[0]["action_id"].startswith(f"{RELATED_ACTION}_")
        and whole[0]["value"] == "guide-upr#3"
    )


def test_teams_shows_the_notice_and_an_action_to_the_whole_passage() -> None:
    [card] = answer_cards(REPLY)
    assert schema_errors(card) == []
    assert "Todavía no hay respuesta" in card["body"][0]["text"]
    rows = [e["actions"] for e in card["body"] if e["type"] == "ActionSet"]
    whole = [a for row in rows for a in row if a["title"] == WHOLE_PASSAGE_LABEL]
    assert [a["title"] for a in card["actions"]] == [
        "👍 Helpful",
        "👎 Not helpful",
        "Ask the Secretariat",
    ]
    assert len(whole) == 1 and whole[0]["data"]["reply_id"] == "guide-upr#3"
    assert whole[0]["data"][ACTION_KEY] == RELATED


def test_the_console_names_the_notice_and_the_whole_document() -> None:
    console = Console(record=True, width=120)
    console.print(render(REPLY))
    shown = console.export_text()
    assert "Todavía no hay respuesta" in shown
    assert "huribot kb show guide-upr" in shown


def test_teams_keeps_the_rating_buttons_in_their_own_row_and_titles_whole_words() -> None:
    title = "How can the UN Country Team use UPR and treaty-body recommendations in the CCA today?"
    reply = dataclasses.replace(REPLY, suggestions=(Suggestion(id="r1", title=title),))
    [card] = answer_cards(reply)
    assert schema_errors(card) == []
    rows = [e["actions"] for e in card["body"] if e["type"] == "ActionSet"]
    related = [a["title"] for row in rows for a in row if a["data"].get("reply_id") == "r1"]
    assert related == [shorten(title, 80)]
    assert related[0].endswith("…") and len(related[0]) <= 80
    kept = related[0][:-1]
    assert title.startswith(kept) and title[len(kept)] == " ", "cut between words"
    assert len(card["actions"]) == 3


def test_slack_shows_a_long_answer_whole_in_several_sections() -> None:
    paragraphs = [f"Paragraph {n}: " + "the UNCT prepares its submission. " * 20 for n in range(12)]
    long = dataclasses.replace(REPLY, answer_md="\n\n".join(paragraphs), whole_item_id=None)
    blocks = answer_blocks(long)
    texts = [b["text"]["text"] for b in blocks if b["type"] == "section"]
    assert len(texts) >= 3
    assert all(len(t) <= 3000 for t in texts)
    assert "…" not in "".join(texts)
    shown = " ".join(" ".join(texts).split())
    assert all(" ".join(p.split()) in shown for p in paragraphs)
    for block in blocks:
        parsed = Block.parse(block)
        assert parsed is not None
        parsed.validate_json()


def test_teams_continues_an_answer_too_long_for_one_card_in_further_cards() -> None:
    paragraphs = [f"Paragraph {n}: " + "the UNCT prepares its submission. " * 40 for n in range(40)]
    long = dataclasses.replace(REPLY, answer_md="\n\n".join(paragraphs))
    first, *middle, last = answer_cards(long)
    for card in (first, *middle, last):
        assert schema_errors(card) == []
        assert len(json.dumps(card).encode()) <= CARD_BYTES
    texts = [b["text"] for card in (first, *middle) for b in card["body"]]
    assert texts[0].startswith("🌐") and texts[-1] == CONTINUED_TEXT  # the notice leads
    shown = " ".join(b["text"] for c in (first, *middle, last) for b in c["body"] if "text" in b)
    assert all(" ".join(p.split()) in " ".join(shown.split()) for p in paragraphs)  # not cut
    assert "actions" not in first and len(last["actions"]) == 3  # buttons close the answer
    assert any(b.get("type") == "ActionSet" for b in last["body"])  # the whole-passage button
