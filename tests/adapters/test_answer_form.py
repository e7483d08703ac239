"""The moderators' forms read the same on every platform: which askers' wordings are offered
as alternative questions, and how the ticked indices come back as wordings."""

from __future__ import annotations

from adapters.answer_form import (
    ALT_QUESTIONS,
    MAX_CHOICES,
    STALE_CHOICE,
    chosen_wordings,
    draft_from_form,
    wording_choices,
)
from bot.moderation.resolution import MAX_ANSWER_CHARS, AnswerDraft
from tests.adapters.common import group_view

TITLE = "What is the per diem rate in Nairobi?"


def test_every_other_wording_is_offered_in_the_order_asked() -> None:
    view = group_view(TITLE, "per diem rates for Nairobi missions?", TITLE, "nairobi dsa")
    choices = wording_choices(view, besides=TITLE)
    assert choices.options == ((1, "per diem rates for Nairobi missions?"), (2, "nairobi dsa"))
    assert choices.hidden == 0 and "huribot queue show" not in choices.hint
    assert wording_choices(view).options[0] == (0, TITLE)  # the Link form keeps no question
    assert wording_choices(group_view(TITLE), besides=TITLE).options == ()


def test_past_ten_wordings_the_most_asked_then_the_latest_are_offered() -> None:
    once = [f"one-off wording {n}" for n in range(12)]
    view = group_view(TITLE, *once, "asked twice", "asked twice")
    choices = wording_choices(view, besides=TITLE)
    offered = [wording for _, wording in choices.options]
    assert len(offered) == MAX_CHOICES
    assert offered == [*once[3:], "asked twice"]  # the three oldest one-offs left out
    assert [index for index, _ in choices.options] == sorted(i for i, _ in choices.options)
    assert choices.hidden == 3 and "3 others" in choices.hint


def test_ticked_indices_come_back_as_the_wordings() -> None:
    wordings = [TITLE, "per diem, Nairobi?", "nairobi dsa"]
    assert chosen_wordings("0,2", wordings) == (TITLE, "nairobi dsa")
    assert chosen_wordings(" 1 ", wordings) == ("per diem, Nairobi?",)
    assert chosen_wordings("", wordings) == ()
    assert chosen_wordings("3", wordings) is None
    assert chosen_wordings("per diem", wordings) is None


def test_the_answer_form_keeps_only_the_ticked_wordings() -> None:
    wordings = [TITLE, "per diem, Nairobi?", "nairobi dsa"]
    fields = {"answer": "Ask HR.", "question": "", ALT_QUESTIONS: "2"}
    draft = draft_from_form(fields, wordings=wordings)
    assert isinstance(draft, AnswerDraft) and draft.alt_questions == ("nairobi dsa",)
    unticked = draft_from_form({"answer": "Ask HR."}, wordings=wordings)
    assert isinstance(unticked, AnswerDraft) and unticked.alt_questions == ()
    stale = draft_from_form(fields | {ALT_QUESTIONS: "5"}, wordings=wordings)
    assert stale == {ALT_QUESTIONS: STALE_CHOICE}


def test_an_answer_past_the_limit_is_refused_on_the_form_with_the_limit() -> None:
    errors = draft_from_form({"answer": "x" * (MAX_ANSWER_CHARS + 1)})
    assert isinstance(errors, dict)
    assert "20,001 characters" in errors["answer"] and "20,000" in errors["answer"]
    assert isinstance(draft_from_form({"answer": "x" * MAX_ANSWER_CHARS}), AnswerDraft)
