"""Markdown guidance documents reduced to headings and plain-text blocks.

Passages are shown in chat and searched as words, so Markdown markup is removed (links
keep their text, emphasis its words) while the structure (headings, lists) is kept.
"""

from __future__ import annotations

import re

from knowledge.ingest.blocks import Block, Heading, Text, TextKind

_ATX = re.compile(r"^ {0,3}(#{1,6})(?:\s+(.*?))?(?:\s+#+)?\s*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)\s*$")
_BREAK = re.compile(r"^ {0,3}([-*_])(?:\s*\1){2,}\s*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_ITEM = re.compile(r"^(\s*)(?:[-*+]|\d{1,9}[.)])\s+(.*)$")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$")
_REFERENCE = re.compile(r"^ {0,3}\[[^\]]+\]:\s+\S+")
_INLINE = (
    (re.compile(r"<!--.*?-->", re.DOTALL), ""),
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), r"\1"),
    (re.compile(r"\[\^[^\]]+\]"), ""),
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),
    (re.compile(r"\[([^\]]+)\]\[[^\]]*\]"), r"\1"),
    (re.compile(r"<(https?://[^>\s]+)>"), r"\1"),
    (re.compile(r"</?[A-Za-z][^>]*>"), " "),
    (re.compile(r"`+([^`]*)`+"), r"\1"),
    (re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), r"\2"),
    (re.compile(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])"), r"\1"),
    (re.compile(r"(?<!\w)_(?=\S)(.+?)(?<=\S)_(?!\w)"), r"\1"),
    (re.compile(r"~~(.+?)~~"), r"\1"),
    (re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])"), r"\1"),
)


def strip_inline(text: str) -> str:
    """Plain text of inline Markdown: links become their text, emphasis its words."""
    for pattern, replacement in _INLINE:
        text = pattern.sub(replacement, text)
    return " ".join(text.split())


def _table_row(line: str) -> str:
    """A pipe-table row as "cell | cell", without the outer pipes."""
    cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
    return " | ".join(cell for cell in cells if cell)


class _Reader:
    """Accumulates lines into blocks, flushing at blank lines and structure changes."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.lines: list[str] = []
        self.kind: TextKind = "paragraph"
        self.fence: str | None = None

    def flush(self) -> None:
        if self.lines:
            if self.kind == "table_row":
                self.blocks.extend(Text(strip_inline(row), "table_row") for row in self.lines)
            else:
                self.blocks.append(Text(strip_inline(" ".join(self.lines)), self.kind))
        self.lines, self.kind = [], "paragraph"

    def start(self, kind: TextKind, line: str) -> None:
        self.flush()
        self.kind, self.lines = kind, [line]

    def end_fence(self) -> None:
        """Code is kept verbatim: its asterisks and underscores are not emphasis."""
        if self.lines:
            self.blocks.append(Text(" ".join(self.lines)))
        self.lines, self.fence = [], None

    def in_fence(self, line: str) -> bool:
        """Code blocks keep their lines as text; returns whether the line was consumed."""
        if self.fence is not None:
            if line.strip().startswith(self.fence):
                self.end_fence()
            elif line.strip():
                self.lines.append(line.strip())
            return True
        if match := _FENCE.match(line):
            self.flush()
            self.fence = match.group(1)
            return True
        return False

    def heading(self, line: str) -> bool:
        """ATX (# Title) and setext (Title / ====) headings."""
        if match := _ATX.match(line):
            self.flush()
            self.blocks.append(Heading(len(match.group(1)), strip_inline(match.group(2) or "")))
            return True
        setext = _SETEXT.match(line)
        if setext and self.kind == "paragraph" and len(self.lines) == 1:
            title = self.lines.pop()
            self.flush()
            level = 1 if setext.group(1).startswith("=") else 2
            self.blocks.append(Heading(level, strip_inline(title)))
            return True
        return False

    def table(self, line: str) -> bool:
        """Pipe tables become one text block per row; the |---| rule is dropped."""
        if not (line.lstrip().startswith("|") and line.endswith("|")):
            return False
        if self.kind != "table_row":
            self.start("table_row", _table_row(line))
        elif not _TABLE_RULE.match(line):
            self.lines.append(_table_row(line))
        return True

    def feed(self, raw: str) -> None:
        """Take one line of Markdown."""
        line = raw.rstrip()
        if self.in_fence(line):
            return
        if not line.strip() or _REFERENCE.match(line):
            self.flush()
        elif self.heading(line) or self.table(line):
            return
        elif _BREAK.match(line):
            self.flush()
        elif item := _ITEM.match(line):
            self.start("list_item", item.group(2))
        else:
            if self.kind == "table_row":
                self.flush()
            text = line.strip()
            self.lines.append(text.lstrip(">").strip() if text.startswith(">") else text)


def markdown_blocks(text: str) -> list[Block]:
    """Headings and text blocks of a Markdown body (front matter already removed)."""
    reader = _Reader()
    for line in text.split("\n"):
        reader.feed(line)
    if reader.fence is not None:
        reader.end_fence()
    reader.flush()
    return [b for b in reader.blocks if not isinstance(b, Text) or b.text]
