"""Consolidated replies from Markdown files with YAML front matter."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from knowledge.ingest.errors import IngestError, IngestProblem
from knowledge.ingest.limits import MEGABYTE
from knowledge.ingest.replies import parse_reply_markdown, read_reply_file
from knowledge.records import ReplyStatus, SourceLink
from tests.files import problems_from, write

FULL_REPLY = """\
---
id: birth-registration
question: How can the UN country team support universal birth registration?
alt_questions:
  - birth registration support
  - "What can we do about unregistered children?"
tags: [civil registration, children, LNOB]
language: en
status: draft
last_reviewed: 2025-01-15
review_by: 2026-01-15
sources:
  - title: OHCHR — Birth registration
    url: https://www.ohchr.org/en/birth-registration
---
Country teams can **support** [civil registration](https://example.org) systems.

- Map who is left out.
- Work with the national statistics office.
"""


def problems_of(path: Path) -> tuple[IngestProblem, ...]:
    return problems_from(read_reply_file, path)


def reply_text(front: str, body: str = "The answer.\n") -> str:
    return f"---\n{front}---\n{body}"


def test_full_reply_is_read_with_every_field(tmp_path: Path) -> None:
    reply = read_reply_file(write(tmp_path, "whatever.md", FULL_REPLY))

    assert reply.slug == "birth-registration"
    assert reply.question == "How can the UN country team support universal birth registration?"
    assert reply.alt_questions == (
        "birth registration support",
        "What can we do about unregistered children?",
    )
    assert reply.tags == ("civil registration", "children", "LNOB")
    assert reply.language == "en"
    assert reply.status is ReplyStatus.DRAFT
    assert reply.last_reviewed == date(2025, 1, 15)
    assert reply.review_by == date(2026, 1, 15)
    assert reply.sources == (
        SourceLink("OHCHR — Birth registration", "https://www.ohchr.org/en/birth-registration"),
    )
    assert reply.answer_md.startswith("Country teams can **support** [civil registration]")
    assert reply.answer_md.endswith("- Work with the national statistics office.")
    assert reply.origin == "whatever.md"


def test_defaults_id_from_file_stem_language_and_status(tmp_path: Path) -> None:
    path = write(tmp_path, "Gender Analysis.md", reply_text("question: What is it?\n"))

    reply = read_reply_file(path)

    assert reply.slug == "gender-analysis"
    assert reply.language == "en"
    assert reply.status is ReplyStatus.PUBLISHED
    assert reply.alt_questions == ()
    assert reply.tags == ()
    assert reply.sources == ()
    assert reply.last_reviewed is None
    assert reply.answer_md == "The answer."


def test_language_and_status_are_case_insensitive(tmp_path: Path) -> None:
    front = "question: ¿Qué es?\nlanguage: ES\nstatus: Retired\n"
    reply = read_reply_file(write(tmp_path, "que-es.md", reply_text(front)))

    assert reply.language == "es"
    assert reply.status is ReplyStatus.RETIRED


def test_name_overrides_the_file_name_in_problems_and_origin(tmp_path: Path) -> None:
    path = write(tmp_path, "a.md", reply_text("question: Q?\n"))

    assert read_reply_file(path, name="replies/a.md").origin == "replies/a.md"


@pytest.mark.parametrize(
    ("front", "line", "fragment"),
    [
        ("question: Q?\ntag: [a]\n", 3, "unknown key 'tag' (did you mean 'tags'?)"),
        ("question: Q?\ntags: gender\n", 3, "tags must be a list of texts, not a single text"),
        ("question: Q?\nalt_questions: [1, 2]\n", 3, "alt_questions must be a list of texts"),
        ("question: 42\n", 2, "question must be text, not a number"),
        ("id: Birth_Reg\nquestion: Q?\n", 2, "id 'Birth_Reg' is not valid"),
        ("question: Q?\nlanguage: de\n", 3, "language 'de' is not one of en, fr, es"),
        ("question: Q?\nstatus: live\n", 3, "status 'live' is not one of draft, published"),
        ("question: Q?\nlast_reviewed: 2025-13-45\n", 3, "last_reviewed '2025-13-45' is not a"),
        ("question: Q?\nreview_by: 15/01/2025\n", 3, "review_by '15/01/2025' is not a date"),
        (
            "question: Q?\nlast_reviewed: 2025-02-01\nreview_by: 2025-01-01\n",
            4,
            "review_by is before last_reviewed",
        ),
        ("question: Q?\nsources: https://x.org\n", 3, "sources must be a list of {title, url}"),
        (
            "question: Q?\nsources:\n  - title: X\n    url: www.x.org\n",
            3,
            "url 'www.x.org' must start with http:// or https://",
        ),
        ("question: Q?\nsources:\n  - title: X\n", 3, "each of sources needs a title and a url"),
        ("question: ''\n", 2, "question is empty"),
        ("question: Q?\nquestion: again\n", 3, "key 'question' repeats line 2"),
    ],
)
def test_bad_front_matter_names_file_and_line_of_the_key(
    tmp_path: Path, front: str, line: int, fragment: str
) -> None:
    problems = problems_of(write(tmp_path, "reply.md", reply_text(front)))

    assert len(problems) == 1
    assert problems[0].file == "reply.md"
    assert problems[0].line == line
    assert fragment in problems[0].message


def test_empty_answer_points_at_the_body(tmp_path: Path) -> None:
    problems = problems_of(write(tmp_path, "reply.md", reply_text("question: Q?\n", "\n  \n")))

    assert [str(p) for p in problems] == ["reply.md:4: answer is empty"]


def test_every_problem_of_a_file_is_reported_in_line_order(tmp_path: Path) -> None:
    front = "id: Bad Id\nquestion: Q?\nlanguage: de\ncolour: red\n"
    problems = problems_of(write(tmp_path, "reply.md", reply_text(front, "")))

    assert [p.line for p in problems] == [2, 4, 5, 7]
    assert "unknown key 'colour'" in problems[2].message
    assert problems[3].message == "answer is empty"


@pytest.mark.parametrize(
    ("front", "line"),
    [
        ("question: Q?\ntags: [a, b\nlanguage: en\n", 4),
        ("question: Q?\n  bad: indent\n", 3),
    ],
)
def test_malformed_yaml_gives_the_line_of_the_syntax_error(
    tmp_path: Path, front: str, line: int
) -> None:
    problems = problems_of(write(tmp_path, "reply.md", reply_text(front)))

    assert len(problems) == 1
    assert problems[0].line == line
    assert problems[0].message.startswith("malformed YAML: ")


def test_front_matter_that_is_not_a_mapping_is_a_problem(tmp_path: Path) -> None:
    problems = problems_of(write(tmp_path, "reply.md", "---\n- question\n---\nAnswer.\n"))

    assert [str(p) for p in problems] == ["reply.md:2: front matter must be 'key: value' lines"]


def test_unclosed_front_matter_is_a_problem(tmp_path: Path) -> None:
    problems = problems_of(write(tmp_path, "reply.md", "---\nquestion: Q?\nAnswer.\n"))

    assert [str(p) for p in problems] == [
        "reply.md:1: front matter opened with '---' is never closed"
    ]


def test_text_without_question_is_not_a_reply() -> None:
    parsed = parse_reply_markdown("---\ntitle: Guide\n---\nText.\n", file="g.md", default_slug="g")

    assert parsed.items == ()
    assert [str(p) for p in parsed.problems] == ["g.md:1: front matter has no 'question' key"]


def test_text_that_is_not_utf8_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "reply.md"
    path.write_bytes("---\nquestion: Qué?\n---\nRéponse.\n".encode("latin-1"))

    problems = problems_of(path)

    assert len(problems) == 1
    assert problems[0].line == 2
    assert "not UTF-8" in problems[0].message


def test_utf8_bom_and_windows_line_ends_are_accepted(tmp_path: Path) -> None:
    path = tmp_path / "reply.md"
    path.write_bytes(b"\xef\xbb\xbf---\r\nquestion: Q?\r\n---\r\nLine one.\r\nLine two.\r\n")

    reply = read_reply_file(path)

    assert reply.question == "Q?"
    assert reply.answer_md == "Line one.\nLine two."


def test_answer_over_20000_characters_is_a_problem(tmp_path: Path) -> None:
    body = "word " * 4_001
    problems = problems_of(write(tmp_path, "long.md", reply_text("question: Q?\n", body)))

    assert len(problems) == 1
    assert problems[0].line == 4
    assert "answer is 20,005 characters long; the limit is 20,000" in problems[0].message


def test_file_over_20_mb_is_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "huge.md"
    with path.open("wb") as handle:
        handle.truncate(20 * MEGABYTE + 1)

    problems = problems_of(path)

    assert [p.file for p in problems] == ["huge.md"]
    assert "the limit is 20 MB" in problems[0].message


def test_problem_and_error_messages() -> None:
    first = IngestProblem("replies.csv", 14, "answer is empty")
    second = IngestProblem("guide.pdf", None, "cannot read .pdf file: broken")

    error = IngestError([first, second])

    assert str(first) == "replies.csv:14: answer is empty"
    assert str(second) == "guide.pdf: cannot read .pdf file: broken"
    assert error.problems == (first, second)
    assert str(error).splitlines() == [
        "2 problems in the knowledge files:",
        "  replies.csv:14: answer is empty",
        "  guide.pdf: cannot read .pdf file: broken",
    ]


def test_content_hash_is_stable_for_unchanged_file_and_changes_with_it(tmp_path: Path) -> None:
    path = write(tmp_path, "reply.md", FULL_REPLY)
    first = read_reply_file(path).content_hash()

    assert read_reply_file(path).content_hash() == first

    write(tmp_path, "reply.md", FULL_REPLY.replace("**support**", "**strengthen**"))
    assert read_reply_file(path).content_hash() != first


def test_an_owner_or_id_longer_than_the_knowledge_base_keeps_is_a_problem() -> None:
    """Found by fuzzing on PostgreSQL: read, then refused by the database (value too long)."""
    text = f"---\nid: {'r' * 121}\nquestion: Q?\nowner: {'o' * 161}\n---\nThe answer.\n"
    parsed = parse_reply_markdown(text, file="reply.md", default_slug=None)
    assert [(p.line, p.message.split(";")[1]) for p in parsed.problems] == [
        (2, " the limit is 120"),
        (4, " the limit is 160"),
    ]
