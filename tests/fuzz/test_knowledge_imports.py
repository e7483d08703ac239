"""`huribot ingest` on any file: Markdown replies and documents, CSV and YAML replies, text,
and real Word and PDF documents with hostile text, then the same files corrupted.

Reading a file either yields records, which the knowledge base stores on SQLite and on
PostgreSQL alike, or fails with the project's IngestError, each problem naming the file (and
its line when there is one); never another exception.
"""

from __future__ import annotations

import io
import itertools
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import docx
import pytest
import pytest_asyncio
import yaml
from fpdf import FPDF
from hypothesis import given
from hypothesis import strategies as st

from adapters.wiring.services import Services, open_services
from bot.settings import load_settings
from knowledge.ingest.errors import IngestError
from knowledge.ingest.loader import load_paths
from tests.fuzz.tally import counted
from tests.fuzz.text import SCRIPTS, hostile_text, long_text

_SERIAL = itertools.count(1)
REPLY_KEYS = ["id", "question", "answer", "alt_questions", "tags", "language", "status"]
MORE_KEYS = ["last_reviewed", "review_by", "sources", "owner", "title", "source_url", "colour"]
values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | long_text(25000),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(hostile_text, inner, max_size=3),
    max_leaves=8,
)
"""Any YAML value, text past the 20,000-character limit included."""
slugs = st.sampled_from(["hrba-overview", "a-new-reply", "UPPER", "x" * 130, ""]) | hostile_text
web_addresses = st.sampled_from(["https://www.ohchr.org/", "ftp://x", ""]).flatmap(
    lambda start: long_text(1100).map(start.__add__)
)
fields = st.fixed_dictionaries(
    {"id": slugs, "question": hostile_text, "answer": long_text(25000)},
    optional={key: values for key in [*REPLY_KEYS[3:], *MORE_KEYS]}
    | {"owner": long_text(300), "title": long_text(700), "source_url": web_addresses},
)


def yaml_text(data: Any) -> str:
    """YAML as an editor writes it (any Unicode kept as typed)."""
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


front_matter_files = st.tuples(fields | values, long_text(3000)).map(
    lambda parts: f"---\n{yaml_text(parts[0])}---\n{parts[1]}"
)
markdown_documents = st.lists(
    st.tuples(st.sampled_from(["# ", "## ", "### ", "- ", "1. ", "> ", ""]), long_text(800)),
    max_size=12,
).map(lambda lines: "\n".join(prefix + text for prefix, text in lines))
yaml_files = st.lists(fields, max_size=4).map(yaml_text) | values.map(yaml_text)
csv_files = st.lists(
    st.lists(hostile_text | long_text(25000), min_size=1, max_size=5), max_size=5
).map(lambda rows: "\n".join(",".join(json.dumps(cell) for cell in row) for row in rows))
csv_files = csv_files.map(lambda rows: "id,question,answer,tags\n" + rows) | hostile_text
deep_yaml = st.integers(1, 5000).map(lambda depth: "- " + "[" * depth + "]" * depth)
TEXT_FILES = {
    ".md": front_matter_files | markdown_documents | long_text(40000),
    ".markdown": markdown_documents,
    ".txt": long_text(40000),
    ".yaml": yaml_files | deep_yaml | hostile_text,
    ".yml": yaml_files,
    ".csv": csv_files,
}


def in_xml(text: str) -> str:
    """What a Word document can hold: XML 1.0 refuses most control characters."""
    return "".join(c for c in text if c in "\t\n\r" or (c >= " " and c not in "\ufffe\uffff"))


def word_document(blocks: list[tuple[str, str]], table: list[list[str]]) -> bytes:
    document = docx.Document()
    for style, text in blocks:
        document.add_paragraph(in_xml(text), style=style)
    if table:
        grid = document.add_table(rows=len(table), cols=max(len(row) for row in table))
        for cells, row in zip(grid.rows, table, strict=False):
            for cell, text in zip(cells.cells, row, strict=False):
                cell.text = in_xml(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def pdf_document(pages: list[list[str]]) -> bytes:
    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    for lines in pages:
        pdf.add_page()
        for line in lines:  # the core fonts hold Latin-1 only
            latin = line.encode("latin-1", "replace").decode("latin-1")
            pdf.multi_cell(0, 6, latin, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


styles = st.sampled_from(["Normal", "Title", "Heading 1", "Heading 2", "List Bullet", "Quote"])
words = st.sampled_from(SCRIPTS) | hostile_text
docx_files = st.builds(
    word_document,
    st.lists(st.tuples(styles, words), max_size=10),
    st.lists(st.lists(words, min_size=1, max_size=3), max_size=3),
)
pdf_files = st.builds(pdf_document, st.lists(st.lists(words, max_size=8), max_size=4))


def corrupted(document: st.SearchStrategy[bytes]) -> st.SearchStrategy[bytes]:
    """A real document cut short, or with a stretch of its bytes overwritten."""

    def damage(data: bytes, at: float, junk: bytes, cut: bool) -> bytes:
        where = int(at * len(data))
        return data[:where] if cut else data[:where] + junk + data[where + len(junk) :]

    return st.builds(
        damage, document, st.floats(0, 1), st.binary(min_size=1, max_size=64), st.booleans()
    )


BINARY_FILES = {
    ".docx": docx_files | corrupted(docx_files) | st.binary(max_size=300),
    ".pdf": pdf_files | corrupted(pdf_files) | st.binary(max_size=300),
}
files = st.one_of(
    *(st.tuples(st.just(suffix), text.map(str.encode)) for suffix, text in TEXT_FILES.items()),
    *(st.tuples(st.just(suffix), data) for suffix, data in BINARY_FILES.items()),
    st.tuples(st.sampled_from([*TEXT_FILES, *BINARY_FILES]), st.binary(max_size=500)),
)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def services(module_database_url: str) -> AsyncIterator[Services]:
    """The knowledge base the files are stored in, on SQLite or PostgreSQL."""
    async with open_services(load_settings({"HURIBOT_DATABASE_URL": module_database_url})) as s:
        yield s


@pytest.mark.asyncio(loop_scope="module")
@given(file=files)
@counted
async def test_any_file_imports_or_fails_with_its_problems_named(
    services: Services, tmp_path_factory: pytest.TempPathFactory, file: tuple[str, bytes]
) -> None:
    suffix, data = file
    path = tmp_path_factory.getbasetemp() / f"fuzzed-{next(_SERIAL)}{suffix}"
    path.write_bytes(data)
    try:
        batch = load_paths([path])
    except IngestError as exc:
        assert exc.problems
        assert all(p.file == path.name and p.message.strip() for p in exc.problems), exc
        return
    finally:
        path.unlink()
    report = await services.knowledge.ingest(batch)
    assert len(report.replies.added) + len(report.replies.updated) + len(
        report.replies.unchanged
    ) == len(batch.replies)


def test_documents_made_for_the_fuzz_are_read_as_real_ones(tmp_path: Path) -> None:
    """The generators make documents the readers take: a Word file with a heading and a PDF
    with a line come back with that text (so the fuzz exercises reading, not only refusal)."""
    (tmp_path / "guide.docx").write_bytes(word_document([("Heading 1", "Scope")], []))
    (tmp_path / "guide-pdf.pdf").write_bytes(pdf_document([["Scope of the guide."]]))
    with pytest.raises(IngestError) as refused:  # a heading alone is no text
        load_paths([tmp_path / "guide.docx"])
    assert "the document has no text" in str(refused.value)
    [document] = load_paths([tmp_path / "guide-pdf.pdf"]).documents
    assert "Scope of the guide." in document.passages[0].text
