"""The structure every document reader produces and the chunker consumes.

Readers of .md, .txt, .docx and .pdf differ a lot; reducing them all to headings and
text blocks lets one chunker treat every format the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

TextKind = Literal["paragraph", "list_item", "table_row"]


@dataclass(frozen=True, slots=True)
class Heading:
    """A heading; a lower level is more outer (a document title may use level 0)."""

    level: int
    title: str


@dataclass(frozen=True, slots=True)
class Text:
    """A paragraph, a list item or a table row, as plain text."""

    text: str
    kind: TextKind = "paragraph"


Block = Heading | Text
