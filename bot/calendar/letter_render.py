"""The yearly letter to a Resident Coordinator as Markdown, HTML or Word, and `render_letter`,
which picks a format (PDF is `bot.calendar.letter_pdf`'s).

Why apart from `bot.calendar.overview`: what the letter says is built once, there; each format
here only lays it out, every text escaped for its format and every source a real link.
"""

from __future__ import annotations

import html
import io
from collections.abc import Sequence
from typing import Any

from docx import Document
from docx.document import Document as WordDocument
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor
from docx.table import Table as WordTable

from bot.calendar import letter_pdf
from bot.calendar.overview import Letter, LetterRow, build_letter
from bot.db.models import CalendarEvent

FORMATS = ("md", "html", "docx", "pdf")
STYLE = (
    "body{font-family:Arial,Helvetica,sans-serif;max-width:60rem;margin:2rem auto;color:#222}"
    "table{border-collapse:collapse;width:100%;margin-bottom:1.5rem;font-size:.9rem}"
    "th,td{border:1px solid #999;padding:.35rem;text-align:left;vertical-align:top}"
    "th{background:#e6ecf5}h1{color:#1f4e79}h2{color:#1f4e79;font-size:1.15rem}"
)


def _texts(row: LetterRow) -> tuple[str, str, str, str]:
    """The row's cells before its source link."""
    return (row.body, row.dates, row.action, row.deadline)


def _markdown_cell(text: str) -> str:
    """The text on one line, its pipes escaped."""
    return text.replace("|", "\\|").replace("\n", " ")


def letter_markdown(letter: Letter) -> str:
    """The letter as Markdown: a heading, pipe tables and `[OHCHR](url)` links."""
    lines = [f"# {letter.title}", "", letter.addressee, "", letter.greeting, "", letter.opening, ""]
    if letter.nothing:
        lines += [letter.nothing, ""]
    for heading, rows in letter.tables():
        lines += [f"## {heading}", "", "| " + " | ".join(letter.columns) + " |"]
        lines.append("|" + "---|" * len(letter.columns))
        for row in rows:
            link = f"[{row.source_label}]({row.source_url})" if row.source_url else ""
            lines.append("| " + " | ".join(map(_markdown_cell, _texts(row))) + f" | {link} |")
        lines.append("")
    lines += [letter.closing, "", letter.contact, "", f"_{letter.as_of}_", ""]
    return "\n".join(lines)


def letter_html(letter: Letter) -> str:
    """The letter as a standalone HTML page (`lang` set, every text escaped)."""
    e = html.escape
    parts = [
        f'<!doctype html>\n<html lang="{e(letter.language)}">\n<head><meta charset="utf-8">',
        f"<title>{e(letter.title)}</title><style>{STYLE}</style></head>\n<body>",
        f"<h1>{e(letter.title)}</h1>",
        *(f"<p>{e(text)}</p>" for text in (letter.addressee, letter.greeting, letter.opening)),
    ]
    if letter.nothing:
        parts.append(f"<p>{e(letter.nothing)}</p>")
    for heading, rows in letter.tables():
        parts.append(f"<h2>{e(heading)}</h2>\n<table>")
        parts.append("<tr>" + "".join(f"<th>{e(c)}</th>" for c in letter.columns) + "</tr>")
        parts += [_html_row(row) for row in rows]
        parts.append("</table>")
    parts += [f"<p>{e(letter.closing)}</p>", f"<p>{e(letter.contact)}</p>"]
    parts.append(f"<p><em>{e(letter.as_of)}</em></p>\n</body>\n</html>\n")
    return "\n".join(parts)


def _html_row(row: LetterRow) -> str:
    """One `<tr>`, its last cell the source's link (empty without a source)."""
    e = html.escape
    link = f'<a href="{e(row.source_url)}">{e(row.source_label)}</a>' * bool(row.source_url)
    return "<tr>" + "".join(f"<td>{e(t)}</td>" for t in _texts(row)) + f"<td>{link}</td></tr>"


def _hyperlink(paragraph: Any, url: str, text: str) -> None:
    """A real Word hyperlink: an external relationship and a blue, underlined run."""
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, True))
    run, props = OxmlElement("w:r"), OxmlElement("w:rPr")
    for tag, value in (("w:color", "0563C1"), ("w:u", "single")):
        element = OxmlElement(tag)
        element.set(qn("w:val"), value)
        props.append(element)
    words = OxmlElement("w:t")
    words.text = text
    run.append(props)
    run.append(words)
    link.append(run)
    paragraph._p.append(link)


def letter_docx(letter: Letter) -> bytes:
    """The letter as a Word document, the format letters to RCs are sent in."""
    document = Document()
    document.core_properties.title = letter.title
    document.core_properties.language = letter.language
    document.add_heading(letter.title, 1)
    for text in (letter.addressee, letter.greeting, letter.opening, letter.nothing):
        if text:
            document.add_paragraph(text)
    for heading, rows in letter.tables():
        document.add_heading(heading, 2)
        _docx_table(document, letter.columns, rows)
        document.add_paragraph()
    for text in (letter.closing, letter.contact):
        document.add_paragraph(text)
    note = document.add_paragraph().add_run(letter.as_of)
    note.italic, note.font.color.rgb = True, RGBColor(0x55, 0x55, 0x55)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _docx_table(
    document: WordDocument, columns: tuple[str, ...], rows: Sequence[LetterRow]
) -> None:
    """A gridded table: a bold heading row, then one row per engagement, all in 9 pt."""
    table = document.add_table(rows=1, cols=len(columns))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, columns, strict=True):
        cell.paragraphs[0].add_run(text).bold = True
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, _texts(row), strict=False):
            cell.text = text
        if row.source_url:
            _hyperlink(cells[4].paragraphs[0], row.source_url, row.source_label)
    _small_print(table)


def _small_print(table: WordTable) -> None:
    """Every run of the table in 9 pt."""
    for table_row in table.rows:
        for cell in table_row.cells:
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(9)


def render_letter(letter: Letter, fmt: str) -> bytes:
    """The letter in one of `FORMATS` (md, html, docx, pdf)."""
    if fmt == "md":
        return letter_markdown(letter).encode()
    if fmt == "html":
        return letter_html(letter).encode()
    if fmt == "docx":
        return letter_docx(letter)
    if fmt == "pdf":
        return letter_pdf.letter_pdf(letter)
    raise ValueError(f"unknown letter format {fmt!r}: one of {', '.join(FORMATS)}")


def overview_markdown(events: Sequence[CalendarEvent], **options: Any) -> str:
    """The letter as Markdown, straight from the events (`build_letter`'s options)."""
    return letter_markdown(build_letter(events, **options))


def overview_html(events: Sequence[CalendarEvent], **options: Any) -> str:
    """The letter as HTML, straight from the events (`build_letter`'s options)."""
    return letter_html(build_letter(events, **options))


def overview_docx(events: Sequence[CalendarEvent], **options: Any) -> bytes:
    """The letter as Word, straight from the events (`build_letter`'s options)."""
    return letter_docx(build_letter(events, **options))
