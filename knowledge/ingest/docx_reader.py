"""Word (.docx) guidance documents reduced to headings and text blocks.

Structure comes from paragraph styles (Title, Heading 1..n, list styles) rather than from
fonts, so documents written with Word's built-in styles keep their headings.
"""

from __future__ import annotations

import io
import re
from typing import Any

import docx
from docx.table import Table

from knowledge.ingest.blocks import Block, Heading, Text

_HEADING_STYLE = re.compile(r"(?:heading|titre|título|encabezado|überschrift)\s*(\d)", re.I)


def _style_name(paragraph: Any) -> str:
    """The paragraph style's name, "" when the paragraph has none."""
    style = paragraph.style
    return str(style.name or "") if style is not None else ""


def _heading_level(style_name: str) -> int | None:
    """Title is level 0, "Heading n" (or a localised name) level n."""
    if style_name.strip().lower() == "title":
        return 0
    match = _HEADING_STYLE.fullmatch(style_name.strip())
    return int(match.group(1)) if match else None


def _is_list_item(paragraph: Any, style_name: str) -> bool:
    """List styles, or direct numbering (bullets applied with the toolbar button)."""
    properties = paragraph._p.pPr
    return "list" in style_name.lower() or (properties is not None and properties.numPr is not None)


def _table_rows(table: Any) -> list[Block]:
    """One block per row, cells joined by " | " (merged cells appear once)."""
    rows: list[Block] = []
    for row in table.rows:
        cells: list[str] = []
        for cell in row.cells:
            text = " ".join(str(cell.text).split())
            if text and (not cells or cells[-1] != text):
                cells.append(text)
        if cells:
            rows.append(Text(" | ".join(cells), "table_row"))
    return rows


def docx_blocks(data: bytes) -> list[Block]:
    """Blocks of a .docx file in document order; raises on a file python-docx cannot open.
    The caller checks first what the archive would unzip to (`limits.unzipped_refusal`)."""
    document = docx.Document(io.BytesIO(data))
    blocks: list[Block] = []
    for item in document.iter_inner_content():
        if isinstance(item, Table):
            blocks.extend(_table_rows(item))
            continue
        text = " ".join(str(item.text).split())
        if not text:
            continue
        style_name = _style_name(item)
        level = _heading_level(style_name)
        if level is not None:
            blocks.append(Heading(level, text))
        elif _is_list_item(item, style_name):
            blocks.append(Text(text, "list_item"))
        else:
            blocks.append(Text(text))
    return blocks
