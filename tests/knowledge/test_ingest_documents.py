"""Guidance documents from Markdown, text, Word and PDF files."""

from __future__ import annotations

import hashlib
import re
import zipfile
from pathlib import Path

import docx
import pytest
from fpdf import FPDF

from knowledge.ingest.blocks import Heading, Text
from knowledge.ingest.documents import parse_document, read_document_file
from knowledge.ingest.errors import IngestError, IngestProblem
from knowledge.ingest.limits import IngestLimits, SizeLimit
from knowledge.ingest.markdown import markdown_blocks
from knowledge.ingest.plaintext import heading_level
from knowledge.records import DocumentRecord
from tests.files import problems_from, write

LONG_SENTENCE = (
    "Country teams work with national partners to follow up on the recommendations "
    "of the human rights mechanisms in their programmes."
)


def body(count: int) -> str:
    return " ".join(f"Step {i}: {LONG_SENTENCE}" for i in range(count))


GUIDE_MD = f"""\
---
id: follow-up-guide
title: Follow-up guide
source_url: https://www.ohchr.org/follow-up
language: fr
---
# Guide to *follow-up*

{body(3)} See the [UPR page](https://www.ohchr.org/upr) and **act** on it.

## Treaty bodies

{body(4)}

- Share the **concluding observations**.
- Plan joint follow-up with `partners`.

## Universal Periodic Review

{body(5)}
"""


def problems_of(path: Path) -> tuple[IngestProblem, ...]:
    return problems_from(read_document_file, path)


def all_text(document: DocumentRecord) -> str:
    return "\n".join(passage.text for passage in document.passages)


def make_docx(path: Path) -> Path:
    document = docx.Document()
    document.add_heading("National Follow-up Mechanisms", level=0)
    document.add_heading("Why they matter", level=1)
    document.add_paragraph(body(3))
    document.add_heading("Setting one up", level=2)
    document.add_paragraph("Start with three steps:")
    document.add_paragraph("Map the recommendations.", style="List Bullet")
    document.add_paragraph("Name a lead ministry.", style="List Number")
    document.add_paragraph(body(2))
    document.add_heading("Examples", level=1)
    table = document.add_table(rows=3, cols=2)
    for row, (country, body_name) in enumerate(
        [("Country", "Mechanism"), ("Paraguay", "SIMORE"), ("Portugal", "National commission")]
    ):
        table.cell(row, 0).text = country
        table.cell(row, 1).text = body_name
    document.add_paragraph(body(3))
    document.save(str(path))
    return path


class _GuidePdf(FPDF):
    """A PDF with a running header and page-number footer, as real reports have."""

    def header(self) -> None:
        self.set_font("Helvetica", "I", 8)
        self.cell(0, 6, "UNCT guidance series", new_x="LMARGIN", new_y="NEXT")

    def footer(self) -> None:
        self.set_y(-15)
        self.set_font("Helvetica", "I", 8)
        self.cell(0, 10, f"Page {self.page_no()}", align="C")


def make_pdf(path: Path, *, with_text: bool = True) -> Path:
    pdf = _GuidePdf() if with_text else FPDF()
    pdf.add_page()

    def write_block(text: str, size: int = 11, style: str = "", height: float = 6) -> None:
        pdf.set_font("Helvetica", style, size)
        pdf.multi_cell(0, height, text, new_x="LMARGIN", new_y="NEXT")

    if with_text:
        write_block("Guidance Note on Follow-up", 16, "B", 10)
        write_block("1 Introduction", 13, "B", 8)
        write_block(body(5))
        pdf.ln(3)
        write_block("2 Mechanisms", 13, "B", 8)
        write_block("2.1 Treaty Bodies", 12, "B", 8)
        write_block("The committees review reports and the imple-")
        write_block("mentation of their concluding observations by States parties.")
        write_block(body(4))
        pdf.add_page()
        write_block("2.2 Universal Periodic Review", 12, "B", 8)
        write_block(body(6))
        pdf.add_page()
        write_block("3 Conclusions", 13, "B", 8)
        write_block(body(4))
    path.write_bytes(bytes(pdf.output()))
    return path


# --- Markdown and text ------------------------------------------------------------------


def test_markdown_with_front_matter(tmp_path: Path) -> None:
    document = read_document_file(write(tmp_path, "guide.md", GUIDE_MD))

    assert document.slug == "follow-up-guide"
    assert document.title == "Follow-up guide"
    assert document.source == "https://www.ohchr.org/follow-up"
    assert document.language == "fr"
    assert document.origin == "guide.md"
    paths = [passage.heading_path for passage in document.passages]
    assert ("Guide to follow-up", "Treaty bodies") in paths
    assert ("Guide to follow-up", "Universal Periodic Review") in paths
    assert [p.position for p in document.passages] == list(range(len(document.passages)))


def test_markdown_markup_is_stripped(tmp_path: Path) -> None:
    text = all_text(read_document_file(write(tmp_path, "guide.md", GUIDE_MD)))

    assert "See the UPR page and act on it." in text
    assert "- Share the concluding observations.\n- Plan joint follow-up with partners." in text
    for markup in ("**", "](", "`", "# ", "---"):
        assert markup not in text


def test_markdown_structure_and_markup() -> None:
    text = (
        "Guide\n=====\n\n"
        "Intro with a [ref link][1], an ![image](x.png), `code`, ~~old~~ and snake_case_name.\n"
        "<!-- editor note -->\n\n"
        "Part one\n--------\n\n"
        "> A quoted\n> paragraph.\n\n"
        "1. First step\n   continued here\n2. Second step\n\n"
        "| Body | Cycle |\n|------|-------|\n| UPR | 4.5 years |\n\n"
        "```\nraw *text*\n```\n\n"
        "***\n\n"
        "### Deep _heading_ ###\n\n"
        "[1]: https://example.org\n"
    )

    assert markdown_blocks(text) == [
        Heading(1, "Guide"),
        Text("Intro with a ref link, an image, code, old and snake_case_name."),
        Heading(2, "Part one"),
        Text("A quoted paragraph."),
        Text("First step continued here", "list_item"),
        Text("Second step", "list_item"),
        Text("Body | Cycle", "table_row"),
        Text("UPR | 4.5 years", "table_row"),
        Text("raw *text*"),
        Heading(3, "Deep heading"),
    ]


@pytest.mark.parametrize(
    ("line", "level"),
    [
        ("2.1 Follow-up", 2),
        ("2. Treaty bodies", 1),
        ("3 Conclusions", 1),
        ("IV. Recommendations", 1),
        ("INTRODUCTION", 1),
        ("Leaving No One Behind", 2),
        ("Follow-up to recommendations", None),
        ("The Committee recommends action.", None),
        ("12. the committee recalls", None),
        ("Page 3 of 10", None),
        ("2024", None),
        ("", None),
    ],
)
def test_plain_text_heading_guesses(line: str, level: int | None) -> None:
    assert heading_level(line) == level


def test_markdown_without_front_matter_takes_title_from_first_heading(tmp_path: Path) -> None:
    text = f"# Leaving No One Behind\n\n{body(5)}\n"
    document = read_document_file(write(tmp_path, "LNOB Operational Guide.md", text))

    assert document.title == "Leaving No One Behind"
    assert document.slug == "lnob-operational-guide"
    assert document.source == "LNOB Operational Guide.md"
    assert document.language == "en"
    assert document.passages[0].heading_path == ("Leaving No One Behind",)


def test_document_without_heading_takes_title_from_file_stem(tmp_path: Path) -> None:
    document = read_document_file(write(tmp_path, "notes-2025.txt", f"{body(5)}\n"))

    assert document.title == "notes-2025"
    assert document.slug == "notes-2025"
    assert document.passages[0].heading_path == ()


def test_text_file_with_numbered_headings_and_front_matter(tmp_path: Path) -> None:
    text = (
        "---\ntitle: Follow-up note\n---\n"
        "1. Introduction\n"
        f"{body(3)}\n\n"
        "2. Treaty bodies\n\n"
        f"{body(3)}\n\n"
        "2.1 Reporting cycle\n"
        f"{body(4)}\n"
    )
    document = read_document_file(write(tmp_path, "note.txt", text))

    assert document.title == "Follow-up note"
    assert [p.heading_path for p in document.passages] == [
        ("1. Introduction",),
        ("2. Treaty bodies",),
        ("2. Treaty bodies", "2.1 Reporting cycle"),
    ]


def test_wrapped_text_lines_are_joined_and_dehyphenated(tmp_path: Path) -> None:
    text = "The committees review the imple-\nmentation of recommendations\nevery year.\n"
    document = read_document_file(write(tmp_path, "wrapped.txt", text))

    assert all_text(document) == (
        "The committees review the implementation of recommendations every year."
    )


@pytest.mark.parametrize(
    ("front", "line", "fragment"),
    [
        ("title: T\nauthor: me\n", 3, "unknown key 'author'"),
        ("id: Not Valid\n", 2, "id 'Not Valid' is not valid"),
        ("title: T\nsource_url: ohchr.org\n", 3, "source_url 'ohchr.org' must start with"),
        ("language: de\n", 2, "language 'de' is not one of en, fr, es"),
        ("title: [a, b]\n", 2, "title must be text, not a list"),
        ("title: [a, b\n", 3, "malformed YAML"),
    ],
)
def test_bad_document_front_matter_names_the_line(
    tmp_path: Path, front: str, line: int, fragment: str
) -> None:
    problems = problems_of(write(tmp_path, "doc.md", f"---\n{front}---\n# T\n\nText here.\n"))

    assert len(problems) == 1
    assert (problems[0].file, problems[0].line) == ("doc.md", line)
    assert fragment in problems[0].message


@pytest.mark.parametrize("text", ["", "   \n\n", "---\ntitle: Only metadata\n---\n", "# Heading\n"])
def test_document_without_text_is_a_problem(tmp_path: Path, text: str) -> None:
    problems = problems_of(write(tmp_path, "empty.md", text))

    assert [str(p) for p in problems] == ["empty.md: the document has no text"]


def test_text_document_that_is_not_utf8_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "note.txt"
    path.write_bytes("Title\n\nLigne deux.\nCôte d'Ivoire.\n".encode("latin-1"))

    (problem,) = problems_of(path)

    assert (problem.file, problem.line) == ("note.txt", 4)
    assert "not UTF-8" in problem.message


# --- Word -------------------------------------------------------------------------------


def test_docx_styles_give_headings_lists_and_tables(tmp_path: Path) -> None:
    document = read_document_file(make_docx(tmp_path / "Follow-up Mechanisms.docx"))

    assert document.title == "National Follow-up Mechanisms"
    assert document.slug == "follow-up-mechanisms"
    assert document.source == "Follow-up Mechanisms.docx"
    paths = [p.heading_path for p in document.passages]
    assert paths[0] == ("National Follow-up Mechanisms", "Why they matter")
    text = all_text(document)
    assert "Start with three steps:\n\n- Map the recommendations.\n- Name a lead ministry." in text
    assert "Country | Mechanism\nParaguay | SIMORE\nPortugal | National commission" in text
    examples = next(p for p in document.passages if "SIMORE" in p.text)
    assert examples.heading_path == ("National Follow-up Mechanisms", "Examples")


def test_corrupt_docx_is_a_problem_not_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "broken.docx"
    path.write_bytes(b"this is not a zip archive")

    assert [str(p) for p in problems_of(path)] == [
        "broken.docx: cannot read .docx file: it is not a valid Word file (not a zip archive)"
    ]


def test_truncated_docx_is_a_problem(tmp_path: Path) -> None:
    good = make_docx(tmp_path / "good.docx").read_bytes()
    path = tmp_path / "cut.docx"
    path.write_bytes(good[: len(good) // 2])

    (problem,) = problems_of(path)

    assert problem.file == "cut.docx"
    assert problem.message.startswith("cannot read .docx file: ")


# --- PDF --------------------------------------------------------------------------------


def test_pdf_headings_paragraphs_and_hyphenation(tmp_path: Path) -> None:
    document = read_document_file(make_pdf(tmp_path / "follow-up-note.pdf"))

    assert document.title == "Guidance Note on Follow-up"
    assert document.slug == "follow-up-note"
    assert document.source == "follow-up-note.pdf"
    paths = [p.heading_path for p in document.passages]
    title = "Guidance Note on Follow-up"
    assert (title, "1 Introduction") in paths
    assert (title, "2 Mechanisms", "2.1 Treaty Bodies") in paths
    assert (title, "2 Mechanisms", "2.2 Universal Periodic Review") in paths
    assert (title, "3 Conclusions") in paths
    text = all_text(document)
    assert "the implementation of their concluding observations by States parties." in text
    assert " ".join(text.split()).count(LONG_SENTENCE) == 5 + 4 + 6 + 4


def test_pdf_running_headers_and_page_numbers_are_removed(tmp_path: Path) -> None:
    text = all_text(read_document_file(make_pdf(tmp_path / "note.pdf")))

    assert "UNCT guidance series" not in text
    assert "Page 2" not in text


def test_pdf_without_text_is_a_problem(tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "scan.pdf", with_text=False)

    assert [str(p) for p in problems_of(path)] == ["scan.pdf: the document has no text"]


@pytest.mark.parametrize("data", [b"not a pdf at all", b"%PDF-1.7\n1 0 obj\n<< /Type"])
def test_corrupt_pdf_is_a_problem_not_a_traceback(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "broken.pdf"
    path.write_bytes(data)

    (problem,) = problems_of(path)

    assert (problem.file, problem.line) == ("broken.pdf", None)
    assert problem.message.startswith("cannot read .pdf file: ")


# --- Hashes and determinism -------------------------------------------------------------


@pytest.mark.parametrize("name", ["guide.md", "guide.docx", "guide.pdf"])
def test_content_hash_follows_the_file_bytes(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    if name.endswith(".md"):
        write(tmp_path, name, GUIDE_MD)
    elif name.endswith(".docx"):
        make_docx(path)
    else:
        make_pdf(path)
    first = read_document_file(path)

    again = read_document_file(path)
    assert first.content_hash == hashlib.sha256(path.read_bytes()).hexdigest()
    assert again == first

    path.write_bytes(path.read_bytes() + b"\n")
    assert read_document_file(path).content_hash != first.content_hash


def test_parse_document_from_bytes_matches_reading_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "guide.md", GUIDE_MD)

    parsed = parse_document(path.read_bytes(), file="guide.md", suffix=".md", stem="guide")

    assert parsed.problems == ()
    assert parsed.items == (read_document_file(path),)


def test_a_docx_that_would_unzip_past_the_limit_is_refused_unread(tmp_path: Path) -> None:
    limits = IngestLimits(unzipped=SizeLimit(1, "HURIBOT_MAX_UNZIPPED_MB"))
    path = make_docx(tmp_path / "bomb.docx")
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/media/padding.bin", b"\0" * (2 * 1024 * 1024))
    assert path.stat().st_size < 200 * 1024  # small on disk, two megabytes inside
    with pytest.raises(IngestError) as refused:
        read_document_file(path, limits=limits)
    assert re.search(
        r"bomb\.docx: .* it unzips to 2\.\d MB; the limit is 1 MB "
        r"\(set HURIBOT_MAX_UNZIPPED_MB to raise it\)",
        str(refused.value),
    )
    assert read_document_file(path).passages  # the same file under the real limit is read


@pytest.mark.parametrize(
    ("front_matter", "problem"),
    [
        ("title: " + "T" * 501, "title is 501 characters; the limit is 500"),
        (
            "source_url: https://x.org/" + "a" * 990,
            "source_url is 1,004 characters; the limit is 1000",
        ),
        ("id: " + "a" * 121, "characters; the limit is 120"),
    ],
    ids=["title", "source_url", "id"],
)
def test_a_value_longer_than_the_knowledge_base_keeps_is_a_problem(
    front_matter: str, problem: str
) -> None:
    """Found by fuzzing on PostgreSQL: these were read, then refused by the database
    (value too long) after the rest of the batch; SQLite kept them whole."""
    raw = f"---\n{front_matter}\n---\n# Guide\n\nSome text.\n".encode()
    parsed = parse_document(raw, file="guide.md", suffix=".md", stem="guide")
    assert [(p.line, problem in p.message) for p in parsed.problems] == [(2, True)]


def test_a_heading_too_long_for_a_title_is_shortened() -> None:
    raw = ("# " + "H" * 600 + "\n\nSome text.\n").encode()
    [document] = parse_document(raw, file="guide.md", suffix=".md", stem="guide").unwrap()
    assert len(document.title) == 500 and document.title.endswith("…")
