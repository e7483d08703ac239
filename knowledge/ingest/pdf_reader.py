"""PDF guidance documents: extracted text lines turned into headings and paragraphs.

PDFs keep no paragraph structure, only positioned lines; running headers, footers and
page numbers are removed first so they do not end up inside passages.
"""

from __future__ import annotations

import io
import re
from collections import Counter

from pypdf import PdfReader

from knowledge.ingest.blocks import Block
from knowledge.ingest.plaintext import is_page_number, lines_to_blocks

_SENTENCE_END = re.compile(r"[.!?:][\"'”’»)\]]*\s*$")
_EDGE_LINES = 2
"""How many lines at the top and bottom of a page may be running headers or footers."""


def _edge_key(line: str) -> str:
    """A line with digits blurred, so "Page 3" and "Page 4" count as the same footer."""
    return re.sub(r"\d+", "#", line.strip().lower())


def _drop_running_lines(pages: list[list[str]]) -> list[list[str]]:
    """Pages without page numbers and without lines repeated at the edge of most pages."""
    pages = [[line for line in page if not is_page_number(line)] for page in pages]
    edges = [_edge_indexes(page) for page in pages]
    counts: Counter[str] = Counter()
    for page, indexes in zip(pages, edges, strict=True):
        counts.update({_edge_key(page[i]) for i in indexes})
    running = {key for key, count in counts.items() if count >= max(3, len(pages) / 2)}
    return [
        [line for i, line in enumerate(page) if i not in indexes or _edge_key(line) not in running]
        for page, indexes in zip(pages, edges, strict=True)
    ]


def _edge_indexes(page: list[str]) -> set[int]:
    """Positions of the first and last non-blank lines of a page."""
    filled = [i for i, line in enumerate(page) if line.strip()]
    return set(filled[:_EDGE_LINES] + filled[-_EDGE_LINES:])


def _wrap_width(lines: list[str]) -> float:
    """Typical length of a full line: the 80th percentile of line lengths."""
    lengths = sorted(len(line.strip()) for line in lines if line.strip())
    return float(lengths[int(0.8 * (len(lengths) - 1))]) if lengths else 0.0


def pdf_blocks(data: bytes) -> list[Block]:
    """Blocks of a PDF's text; raises on a file pypdf cannot read or decrypt."""
    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted and not reader.decrypt(""):
        raise ValueError("the PDF is password-protected")
    pages = [(page.extract_text() or "").split("\n") for page in reader.pages]
    lines: list[str] = []
    for page in _drop_running_lines(pages):
        if lines and _SENTENCE_END.search(lines[-1]):
            lines.append("")  # a page ending a sentence most likely ends the paragraph too
        lines.extend(page)
    return lines_to_blocks(lines, wrap_width=_wrap_width(lines))
