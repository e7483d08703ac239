"""The evaluation set is well formed and points at what the shipped sample really holds."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
import yaml

from bench.evalset import EVAL_FILE, REAL_DOCUMENTS, EvalQuestion, corpora, load_questions
from knowledge.ingest.loader import load_paths, sample_knowledge_path
from knowledge.records import IngestBatch, ReplyStatus

TARGETS = ("reply", "phrase", "unanswerable", "smalltalk")


@pytest.fixture(scope="module")
def raw_items() -> list[dict[str, Any]]:
    data = yaml.safe_load(EVAL_FILE.read_text(encoding="utf-8"))
    assert isinstance(data, list)
    return data


@pytest.fixture(scope="module")
def questions() -> list[EvalQuestion]:
    return load_questions()


@pytest.fixture(scope="module")
def sample() -> IngestBatch:
    return load_paths([sample_knowledge_path()])


def test_each_item_has_a_question_a_language_and_exactly_one_target(
    raw_items: list[dict[str, Any]],
) -> None:
    for item in raw_items:
        assert set(item) <= {"question", "language", *TARGETS}, item
        assert isinstance(item.get("question"), str) and item["question"].strip(), item
        assert len([key for key in TARGETS if key in item]) == 1, item
        if "unanswerable" in item:
            assert item["unanswerable"] is True, item
        if "smalltalk" in item:
            assert item["smalltalk"] is True, item
        for key in ("reply", "phrase"):
            if key in item:
                assert isinstance(item[key], str) and item[key].strip(), item


def test_languages_are_english_french_or_spanish(questions: list[EvalQuestion]) -> None:
    assert {q.language for q in questions} <= {"en", "fr", "es"}


def test_questions_are_not_repeated(questions: list[EvalQuestion]) -> None:
    counts = Counter(" ".join(q.question.casefold().split()) for q in questions)
    assert [text for text, n in counts.items() if n > 1] == []


def test_the_set_is_big_and_balanced_enough(questions: list[EvalQuestion]) -> None:
    assert len(questions) >= 120
    assert sum(q.unanswerable for q in questions) >= 25
    foreign = sum(q.language in {"fr", "es"} for q in questions) / len(questions)
    assert 0.20 <= foreign <= 0.35
    assert sum(q.reply is not None for q in questions) >= 60
    assert sum(q.phrase is not None for q in questions) >= 20


def test_every_reply_is_a_published_reply_of_the_sample(
    questions: list[EvalQuestion], sample: IngestBatch
) -> None:
    published = {r.slug for r in sample.replies if r.status is ReplyStatus.PUBLISHED}
    assert {r.slug for r in sample.replies} - published, "the sample also holds unpublished ones"
    wrong = sorted({q.reply for q in questions if q.reply is not None} - published)
    assert wrong == []


def test_every_phrase_is_in_exactly_one_guidance_passage(
    questions: list[EvalQuestion], sample: IngestBatch
) -> None:
    passages = [p.text.casefold() for d in sample.documents for p in d.passages]
    assert passages
    counts = {
        q.phrase: sum(q.phrase.casefold() in text for text in passages)
        for q in questions
        if q.phrase is not None
    }
    assert {phrase: n for phrase, n in counts.items() if n != 1} == {}


def test_every_phrase_is_three_to_eight_words(questions: list[EvalQuestion]) -> None:
    lengths = {q.phrase: len(q.phrase.split()) for q in questions if q.phrase is not None}
    assert {phrase: n for phrase, n in lengths.items() if not 3 <= n <= 8} == {}


@pytest.fixture(scope="module")
def real_corpus() -> tuple[list[EvalQuestion], IngestBatch]:
    real = corpora()[1]
    if not real.extra_documents:
        pytest.skip(f"the real documents are not beside the project ({REAL_DOCUMENTS})")
    return load_questions(real.questions_file), load_paths(real.knowledge_paths())


def test_the_real_documents_set_is_big_and_balanced_enough(
    real_corpus: tuple[list[EvalQuestion], IngestBatch],
) -> None:
    questions, _ = real_corpus
    assert len(questions) >= 80
    assert sum(q.unanswerable for q in questions) >= 20
    foreign = [q for q in questions if q.language in {"fr", "es"}]
    assert len(foreign) / len(questions) >= 0.25
    assert all(q.answerable or q.unanswerable for q in questions)


def test_every_real_documents_phrase_is_in_exactly_one_passage(
    real_corpus: tuple[list[EvalQuestion], IngestBatch],
) -> None:
    questions, batch = real_corpus
    passages = [" ".join(p.text.casefold().split()) for d in batch.documents for p in d.passages]
    counts = {
        q.phrase: sum(" ".join(q.phrase.casefold().split()) in text for text in passages)
        for q in questions
        if q.phrase is not None
    }
    assert counts
    assert {phrase: n for phrase, n in counts.items() if n != 1} == {}
