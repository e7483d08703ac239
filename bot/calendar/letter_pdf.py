"""The yearly letter to a Resident Coordinator as PDF, with fpdf2: real tables, clickable
source links, and a Unicode TrueType font so that "—", "’", "é" and "ñ" print.

The font is DejaVu Sans or Liberation Sans, searched for under the usual font folders. When
neither is installed the letter falls back to fpdf2's core Helvetica, which only knows
Latin-1: dashes and curly quotes are then replaced by their plain forms, and any other
character outside Latin-1 by "?".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from fpdf import FPDF
from fpdf.fonts import FontFace

if TYPE_CHECKING:
    from bot.calendar.overview import Letter, LetterRow

FONT_FILES = (
    ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf"),
    ("LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf", "LiberationSans-Italic.ttf"),
)
FONT_FOLDERS = (
    Path("/usr/share/fonts"),
    Path("/usr/local/share/fonts"),
    Path("/Library/Fonts"),
    Path("C:/Windows/Fonts"),
)
PLAIN = str.maketrans({"—": "-", "–": "-", "’": "'", "‘": "'", "“": '"', "”": '"', "…": "..."})
BLUE = (31, 78, 121)
LINK = (5, 99, 193)
COLUMN_WIDTHS = (33, 29, 56, 32, 28)
"""Millimetres of the five columns on A4 with 16 mm margins (178 mm in all)."""


@cache
def find_unicode_font(folders: tuple[Path, ...] = FONT_FOLDERS) -> tuple[Path, Path, Path] | None:
    """Regular, bold and italic files of the first Unicode sans-serif found, or None."""
    for names in FONT_FILES:
        for folder in folders:
            if not folder.is_dir():
                continue
            regular = next(folder.rglob(names[0]), None)
            if regular is not None:
                bold, italic = (regular.with_name(name) for name in names[1:])
                return (
                    regular,
                    bold if bold.exists() else regular,
                    italic if italic.exists() else regular,
                )
    return None


class _LetterPDF(FPDF):
    """A4 pages numbered in the footer."""

    letter_font = "Helvetica"
    plain = True

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(self.letter_font, "", 8)
        self.set_text_color(120, 120, 120)
        self.cell(0, 5, str(self.page_no()), align="C")

    def text_of(self, text: str) -> str:
        """The text as the font can print it (Latin-1 only with the core font)."""
        if not self.plain:
            return text
        return text.translate(PLAIN).encode("latin-1", "replace").decode("latin-1")

    def paragraph(self, text: str, *, size: float = 10.5, style: str = "", gap: float = 2) -> None:
        self.set_font(self.letter_font, style, size)
        self.multi_cell(0, size * 0.5, self.text_of(text), align="L", new_x="LMARGIN", new_y="NEXT")
        self.ln(gap)


def letter_pdf(letter: Letter) -> bytes:
    """The letter as PDF bytes."""
    pdf = _LetterPDF(format="A4")
    pdf.set_margins(16, 16, 16)
    pdf.set_auto_page_break(True, margin=16)
    font = find_unicode_font()
    if font is not None:
        for style, path in zip(("", "B", "I"), font, strict=True):
            pdf.add_font("LetterSans", style, str(path))
        pdf.letter_font, pdf.plain = "LetterSans", False
    pdf.set_title(pdf.text_of(letter.title))
    pdf.set_lang(letter.language)
    pdf.set_creator("HuriBot")
    pdf.add_page()
    pdf.c_margin = 0  # paragraphs flush with the tables' edges
    pdf.set_text_color(*BLUE)
    pdf.paragraph(letter.title, size=15, style="B", gap=4)
    pdf.set_text_color(0, 0, 0)
    pdf.paragraph(letter.addressee, style="B", gap=3)
    for text in (letter.greeting, letter.opening, letter.nothing):
        if text:
            pdf.paragraph(text, gap=3)
    for heading, rows in letter.tables():
        pdf.ln(1)
        pdf.set_text_color(*BLUE)
        pdf.paragraph(heading, size=12, style="B", gap=1.5)
        pdf.set_text_color(0, 0, 0)
        _table(pdf, letter.columns, rows)
        pdf.ln(3)
    pdf.paragraph(letter.closing, gap=2)
    pdf.paragraph(letter.contact, gap=2)
    pdf.set_text_color(90, 90, 90)
    pdf.paragraph(letter.as_of, size=9, style="I")
    return bytes(pdf.output())


def _table(pdf: _LetterPDF, columns: tuple[str, ...], rows: Sequence[LetterRow]) -> None:
    pdf.set_font(pdf.letter_font, "", 8.5)
    link_style = FontFace(color=LINK, emphasis="UNDERLINE")
    with pdf.table(
        col_widths=COLUMN_WIDTHS,
        width=sum(COLUMN_WIDTHS),
        text_align="LEFT",
        v_align="TOP",
        line_height=4,
        padding=1.5,
        headings_style=FontFace(emphasis="BOLD", fill_color=(230, 236, 245)),
    ) as table:
        heading = table.row()
        for column in columns:
            heading.cell(pdf.text_of(column))
        for item in rows:
            row = table.row()
            dates = re.sub(r"(\d) ", "\\1\u00a0", item.dates)  # "8 October" stays whole
            for text in (item.body, dates, item.action, item.deadline):
                row.cell(pdf.text_of(text))
            if item.source_url:
                row.cell(pdf.text_of(item.source_label), link=item.source_url, style=link_style)
            else:
                row.cell("")
