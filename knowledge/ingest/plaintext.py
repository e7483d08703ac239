"""Plain text lines (from .txt files or PDF extraction) turned into headings and blocks.

Plain text carries no markup, so structure is guessed: numbered headings ("2.1 Follow-up"),
short ALL-CAPS or Title-Case lines standing alone, bullets, and (for wrapped PDF lines)
paragraph ends from a short last line. Guesses stay conservative: a wrong heading hurts
passages more than a missed one.
"""

from __future__ import annotations

import re

from knowledge.ingest.blocks import Block, Heading, Text, TextKind

_NUMBERED = re.compile(r"((?:\d{1,2}\.){0,4}\d{1,2}|[IVXL]{1,5})\.?\s+(\S.*)")
_BULLET = re.compile(r"[•●▪◦‣∙·\-–—*]\s+(.*)")
_NUMBERED_PARAGRAPH = re.compile(r"(?:\d{1,3}[.)]|\(\w{1,4}\))\s+\S.*")
_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_PARAGRAPH_END = re.compile(r"[.!?:;…][\"'”’»)\]]*$")
_PAGE_NUMBER = re.compile(
    r"(?:page|p\.|página|pág\.)?\s*\d{1,4}(?:\s*(?:of|/|de|sur)\s*\d{1,4})?|[-–]\s*\d{1,4}\s*[-–]",
    re.IGNORECASE,
)
_MAX_HEADING_WORDS = 12
_MAX_HEADING_CHARS = 90


def _title_like(text: str) -> bool:
    """ALL CAPS, or Title Case counting only words of four letters or more."""
    words = _WORD.findall(text)
    letters = "".join(words)
    if len(letters) < 3 or not text[:1].isupper():
        return False
    if letters.isupper():
        return True
    long_words = [word for word in words if len(word) >= 4]
    capitalised = [word for word in long_words if word[0].isupper()]
    return bool(long_words) and len(capitalised) / len(long_words) >= 0.75


def is_page_number(line: str) -> bool:
    """Whether a line is only a page number ("12", "Page 3 of 10", "- 4 -")."""
    return _PAGE_NUMBER.fullmatch(line.strip()) is not None


def heading_level(line: str) -> int | None:
    """The level of a line that reads as a heading, else None."""
    text = line.strip()
    if (
        not text
        or len(text) > _MAX_HEADING_CHARS
        or len(text.split()) > _MAX_HEADING_WORDS
        or text[-1] in ".,;:"
        or not _WORD.search(text)
        or is_page_number(text)
    ):
        return None
    numbered = _NUMBERED.fullmatch(text)
    if numbered and numbered.group(2)[0].isupper():
        number = numbered.group(1)
        return 1 if number.isalpha() else number.count(".") + 1
    if numbered or not _title_like(text):
        return None
    return 1 if "".join(_WORD.findall(text)).isupper() else 2


def join_lines(lines: list[str]) -> str:
    """Lines of one paragraph joined, with line-end hyphens of split words removed."""
    text = ""
    for raw in lines:
        line = raw.replace("\u00ad", "").strip()
        if not line:
            continue
        if len(text) > 1 and text.endswith("-") and text[-2].isalpha() and line[0].islower():
            text = text[:-1] + line
        else:
            text = f"{text} {line}" if text else line
    return text


class _Assembler:
    """Collects lines into paragraphs, list items and headings."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.lines: list[str] = []
        self.kind: TextKind = "paragraph"

    def flush(self) -> None:
        if self.lines:
            self.blocks.append(Text(join_lines(self.lines), self.kind))
        self.lines, self.kind = [], "paragraph"

    def start(self, kind: TextKind, line: str) -> None:
        self.flush()
        self.kind, self.lines = kind, [line]

    def heading(self, level: int, title: str) -> None:
        self.flush()
        if not self.blocks and not _NUMBERED.fullmatch(title):
            level = 0  # an unnumbered heading before any text is the document's title
        self.blocks.append(Heading(level, title))


def lines_to_blocks(lines: list[str], *, wrap_width: float | None = None) -> list[Block]:
    """Blocks from text lines; blank lines always end a paragraph.

    `wrap_width` (typical full line length) is given for wrapped text such as PDF
    output: a line ending a sentence and clearly shorter than it then ends a paragraph.
    """
    out = _Assembler()
    at_boundary = True
    for index, raw in enumerate(lines):
        line = raw.strip()
        if not line:
            out.flush()
            at_boundary = True
            continue
        following = next((n.strip() for n in lines[index + 1 :] if n.strip()), "")
        level = heading_level(line) if at_boundary else None
        if level is not None and not following[:1].islower():
            out.heading(level, line)
            at_boundary = True
            continue
        if bullet := _BULLET.fullmatch(line):
            out.start("list_item", bullet.group(1))
        elif _NUMBERED_PARAGRAPH.fullmatch(line) or (at_boundary and out.lines):
            out.start("paragraph", line)
        else:
            out.lines.append(line)
        at_boundary = wrap_width is not None and (
            _PARAGRAPH_END.search(line) is not None and len(line) < 0.85 * wrap_width
        )
    out.flush()
    return [block for block in out.blocks if not isinstance(block, Text) or block.text]


def plain_text_blocks(text: str) -> list[Block]:
    """Blocks of a .txt file, whose paragraphs are separated by blank lines."""
    return lines_to_blocks(text.split("\n"))
