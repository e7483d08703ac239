"""Replies in bulk from CSV and YAML files."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from knowledge.ingest.bulk import parse_replies_csv, parse_replies_yaml, read_bulk_file
from knowledge.ingest.errors import IngestError, IngestProblem
from knowledge.records import ReplyStatus, SourceLink
from tests.files import write

CSV_HEADER = "id,question,answer,alt_questions,tags,language,status,last_reviewed,review_by,sources"

GOOD_CSV = "\n".join(
    [
        CSV_HEADER,
        "upr-basics,What is the UPR?,"
        '"The **Universal Periodic Review** is a peer review.\n\nIt happens every 4½ years.",'
        "What does UPR mean? | How does the UPR work?,upr; mechanisms,en,published,"
        "2025-03-01,2026-03-01,"
        '"OHCHR UPR <https://www.ohchr.org/en/hr-bodies/upr> | UPR Info <https://www.upr-info.org>"',
        'lnob,Qu\'est-ce que LNOB ?,Ne laisser personne de côté.,,"lnob, equality",fr,draft,,,',
        "",
    ]
)

GOOD_YAML = """\
- id: upr-basics
  question: What is the UPR?
  answer: |
    The **Universal Periodic Review** is a peer review.

    It happens every 4½ years.
  alt_questions:
    - What does UPR mean?
  tags: [upr, mechanisms]
  last_reviewed: 2025-03-01
  sources:
    - title: OHCHR UPR
      url: https://www.ohchr.org/en/hr-bodies/upr

- id: lnob
  question: Qu'est-ce que LNOB ?
  answer: Ne laisser personne de côté.
  language: fr
  status: retired
"""


def csv_problems(text: str) -> list[str]:
    parsed = parse_replies_csv(text, file="replies.csv")
    assert parsed.items == ()
    return [str(problem) for problem in parsed.problems]


def yaml_problems(text: str) -> list[str]:
    parsed = parse_replies_yaml(text, file="replies.yaml")
    assert parsed.items == ()
    return [str(problem) for problem in parsed.problems]


# --- CSV --------------------------------------------------------------------------------


def test_csv_reads_every_column(tmp_path: Path) -> None:
    first, second = read_bulk_file(write(tmp_path, "replies.csv", GOOD_CSV))

    assert first.slug == "upr-basics"
    assert first.question == "What is the UPR?"
    assert first.answer_md == (
        "The **Universal Periodic Review** is a peer review.\n\nIt happens every 4½ years."
    )
    assert first.alt_questions == ("What does UPR mean?", "How does the UPR work?")
    assert first.tags == ("upr", "mechanisms")
    assert first.language == "en"
    assert first.status is ReplyStatus.PUBLISHED
    assert first.last_reviewed == date(2025, 3, 1)
    assert first.review_by == date(2026, 3, 1)
    assert first.sources == (
        SourceLink("OHCHR UPR", "https://www.ohchr.org/en/hr-bodies/upr"),
        SourceLink("UPR Info", "https://www.upr-info.org"),
    )
    assert first.origin == "replies.csv:2"
    assert second.slug == "lnob"
    assert second.tags == ("lnob", "equality")
    assert second.language == "fr"
    assert second.status is ReplyStatus.DRAFT
    assert second.last_reviewed is None
    assert second.sources == ()
    # The first row's answer spans three physical lines, so the second row is on line 5.
    assert second.origin == "replies.csv:5"


def test_csv_columns_match_in_any_order_and_case() -> None:
    text = "Answer,ID,Question,Alt Questions\nThe answer.,my-id,The question?,Other?\n\n"

    (reply,) = parse_replies_csv(text, file="r.csv").unwrap()

    assert (reply.slug, reply.question, reply.answer_md) == (
        "my-id",
        "The question?",
        "The answer.",
    )
    assert reply.status is ReplyStatus.PUBLISHED
    assert reply.alt_questions == ("Other?",)


def test_csv_with_semicolons_from_a_spreadsheet_locale() -> None:
    text = 'id;question;answer;tags\nx;Q?;"A, with comma";a,b\n'

    (reply,) = parse_replies_csv(text, file="r.csv").unwrap()

    assert reply.answer_md == "A, with comma"
    assert reply.tags == ("a", "b")


def test_csv_bare_source_url_is_its_own_title() -> None:
    text = "id,question,answer,sources\nx,Q?,A.,https://www.ohchr.org\n"

    (reply,) = parse_replies_csv(text, file="r.csv").unwrap()

    assert reply.sources == (SourceLink("https://www.ohchr.org", "https://www.ohchr.org"),)


def test_csv_problems_use_physical_lines_after_multiline_cells() -> None:
    text = (
        "id,question,answer\n"  # line 1
        'a,Q1?,"one\n'  # line 2
        "two\n"  # line 3
        'three"\n'  # line 4
        "b,Q2?,\n"  # line 5: empty answer
        '"c","Q3?","multi\n'  # line 6
        'line",extra\n'  # line 7 (row has 4 cells)
        "d,Q4?,fine\n"  # line 8
    )

    assert csv_problems(text) == [
        "replies.csv:5: answer is empty",
        "replies.csv:6: row has 4 cells but the header has 3",
    ]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("a,,A.,,,,,", "question is empty"),
        (",Q?,A.,,,,,", "id is empty"),
        ("Not A Slug,Q?,A.,,,,,", "id 'Not A Slug' is not valid"),
        ("a,Q?,A.,2025-02-30,,,,", "last_reviewed '2025-02-30' is not a date (YYYY-MM-DD)"),
        ("a,Q?,A.,,,live,,", "status 'live' is not one of draft, published, retired"),
        ("a,Q?,A.,,,,pt,", "language 'pt' is not one of en, fr, es"),
        ("a,Q?,A.,,,,,OHCHR website", "sources: cannot read 'OHCHR website'"),
    ],
)
def test_csv_bad_cell_names_file_and_line(row: str, message: str) -> None:
    header = "id,question,answer,last_reviewed,tags,status,language,sources"
    text = f"{header}\nok,Q?,A.,,,,,\n{row}\n"

    problems = csv_problems(text)

    assert len(problems) == 1
    assert problems[0].startswith("replies.csv:3: ")
    assert message in problems[0]


def test_csv_duplicate_id_names_both_lines() -> None:
    text = "id,question,answer\na,Q1?,A1.\nb,Q2?,A2.\na,Q3?,A3.\n"

    assert csv_problems(text) == ["replies.csv:4: id 'a' is already used on line 2"]


def test_csv_unknown_and_missing_columns_are_reported_on_the_header_line() -> None:
    text = "id,question,tag,answr\na,Q?,x,A.\n"

    assert csv_problems(text) == [
        "replies.csv:1: missing column 'answer'",
        "replies.csv:1: unknown column 'tag' (did you mean 'tags'?)",
        "replies.csv:1: unknown column 'answr' (did you mean 'answer'?)",
    ]


def test_csv_repeated_column_is_a_problem() -> None:
    assert csv_problems("id,question,answer,id\na,Q?,A.,b\n") == [
        "replies.csv:1: column 'id' appears twice"
    ]


def test_csv_value_under_a_column_without_header() -> None:
    assert csv_problems("id,question,answer,\na,Q?,A.,oops\nb,Q?,A.,\n") == [
        "replies.csv:2: value 'oops' in a column without a header"
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            'id,question,answer\na,Q?,A.\nb,"Q?,A.\nc,Q?,A.\n',
            "replies.csv:3: malformed CSV in this row: unexpected end of data",
        ),
        (
            'id,question,answer\na,Q?,A.\nb,"Q?"x,A.\n',
            "replies.csv:3: malformed CSV in this row: ',' expected after '\"'",
        ),
    ],
)
def test_malformed_csv_names_the_row_line(text: str, expected: str) -> None:
    assert csv_problems(text) == [expected]


def test_empty_csv_and_header_only_csv_are_problems() -> None:
    assert csv_problems("") == ["replies.csv:1: no header row; expected id,question,answer"]
    assert csv_problems("id,question,answer\n") == [
        "replies.csv:1: no replies below the header row"
    ]


def test_csv_cell_over_20000_characters_is_a_problem() -> None:
    long_answer = "x" * 20_001

    assert csv_problems(f"id,question,answer\na,Q?,{long_answer}\n") == [
        "replies.csv:2: answer is 20,001 characters long; the limit is 20,000"
    ]


def test_csv_that_is_not_utf8_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "replies.csv"
    path.write_bytes("id,question,answer\na,Q?,A.\nb,Qué?,Réponse.\n".encode("cp1252"))

    with pytest.raises(IngestError) as caught:
        read_bulk_file(path)

    (problem,) = caught.value.problems
    assert (problem.file, problem.line) == ("replies.csv", 3)
    assert problem.message == "text is not UTF-8 (byte 0xe9); save the file as UTF-8"


def test_csv_collects_every_problem_of_every_row() -> None:
    text = "id,question,answer,language\na,,A.,en\nb,Q?,,xx\nc,Q?,A.,en\n"

    assert csv_problems(text) == [
        "replies.csv:2: question is empty",
        "replies.csv:3: answer is empty",
        "replies.csv:3: language 'xx' is not one of en, fr, es",
    ]


# --- YAML -------------------------------------------------------------------------------


def test_yaml_reads_a_list_of_replies(tmp_path: Path) -> None:
    first, second = read_bulk_file(write(tmp_path, "replies.yaml", GOOD_YAML))

    assert first.slug == "upr-basics"
    assert first.answer_md == (
        "The **Universal Periodic Review** is a peer review.\n\nIt happens every 4½ years."
    )
    assert first.alt_questions == ("What does UPR mean?",)
    assert first.tags == ("upr", "mechanisms")
    assert first.last_reviewed == date(2025, 3, 1)
    assert first.sources == (SourceLink("OHCHR UPR", "https://www.ohchr.org/en/hr-bodies/upr"),)
    assert first.origin == "replies.yaml:1"
    assert second.language == "fr"
    assert second.status is ReplyStatus.RETIRED
    assert second.origin == "replies.yaml:15"


def test_yml_extension_is_read_as_yaml(tmp_path: Path) -> None:
    replies = read_bulk_file(write(tmp_path, "replies.yml", GOOD_YAML))

    assert [reply.slug for reply in replies] == ["upr-basics", "lnob"]


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("  answer: A.\n  colour: red\n", "unknown key 'colour'"),
        ("  answer: A.\n  tags: one\n", "tags must be a list of texts, not a single text"),
        ("  answer: A.\n  last_reviewed: 2025-13-01\n", "last_reviewed '2025-13-01' is not a date"),
        ("  answer: A.\n  status: gone\n", "status 'gone' is not one of"),
        ("  answer: A.\n  language: it\n", "language 'it' is not one of en, fr, es"),
        ("  tags: [x]\n", "answer is missing"),
        ("  answer: ''\n", "answer is empty"),
        ("  answer: 12\n", "answer must be text, not a number"),
    ],
)
def test_yaml_bad_entry_names_the_line_of_the_mapping(entry: str, message: str) -> None:
    text = f"- id: ok\n  question: Q?\n  answer: A.\n\n- id: bad\n  question: Q?\n{entry}"

    problems = yaml_problems(text)

    assert len(problems) == 1
    assert problems[0].startswith("replies.yaml:5: ")
    assert message in problems[0]


def test_yaml_duplicate_id_names_both_lines() -> None:
    text = "- id: a\n  question: Q?\n  answer: A.\n- id: a\n  question: Q2?\n  answer: A2.\n"

    assert yaml_problems(text) == ["replies.yaml:4: id 'a' is already used on line 1"]


def test_yaml_missing_id_is_a_problem() -> None:
    assert yaml_problems("- question: Q?\n  answer: A.\n") == ["replies.yaml:1: id is missing"]


def test_yaml_syntax_error_names_its_line() -> None:
    text = "- id: a\n  question: Q?\n  answer: A.\n- id: b\n  question: [Q?\n  answer: A.\n"

    problems = yaml_problems(text)

    assert len(problems) == 1
    assert problems[0].startswith("replies.yaml:5: malformed YAML: ")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "replies.yaml:1: file is empty; expected a list of replies"),
        ("id: a\nquestion: Q?\n", "replies.yaml:1: expected a list of replies, each starting"),
        ("- id: a\n  question: Q?\n  answer: A.\n- just text\n", "replies.yaml:4: each reply"),
        ("[]\n", "replies.yaml:1: the list of replies is empty"),
    ],
)
def test_yaml_wrong_shapes_are_problems(text: str, expected: str) -> None:
    problems = yaml_problems(text)

    assert len(problems) == 1
    assert problems[0].startswith(expected)


def test_bulk_file_errors_list_every_problem_and_return_nothing(tmp_path: Path) -> None:
    path = write(tmp_path, "replies.csv", "id,question,answer\na,,A.\nb,Q?,\n")

    with pytest.raises(IngestError) as caught:
        read_bulk_file(path)

    assert caught.value.problems == (
        IngestProblem("replies.csv", 2, "question is empty"),
        IngestProblem("replies.csv", 3, "answer is empty"),
    )
    assert "replies.csv:2: question is empty" in str(caught.value)
    assert "replies.csv:3: answer is empty" in str(caught.value)


@pytest.mark.parametrize("nested", ["[" * 3000 + "]" * 3000, "- " * 3000 + "x"])
def test_yaml_nested_thousands_deep_is_a_problem_not_a_crash(nested: str) -> None:
    parsed = parse_replies_yaml(nested, file="deep.yaml")
    with pytest.raises(IngestError) as refused:
        parsed.unwrap()
    assert "nested too deeply" in str(refused.value)
