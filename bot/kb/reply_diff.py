"""What changed between two versions of a reply, field by field, line by line: the answer's
Markdown compared as lines, lists (alternative questions, tags, sources) one item a line."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

FIELD_ORDER = (
    "question",
    "alt_questions",
    "answer_md",
    "tags",
    "sources",
    "language",
    "status",
    "owner",
    "last_reviewed",
    "review_by",
)
LineKind = Literal["same", "added", "removed"]


@dataclass(frozen=True, slots=True)
class DiffLine:
    """One line of a field: kept, added or removed."""

    kind: LineKind
    text: str


@dataclass(frozen=True, slots=True)
class FieldDiff:
    """A field that changed, as lines."""

    name: str
    lines: tuple[DiffLine, ...]


def field_lines(name: str, value: Any) -> list[str]:
    """A field's value as the lines it is compared in."""
    if value is None or value == "":
        return []
    if name == "sources":
        return [f"{source['title']} <{source['url']}>" for source in value]
    if isinstance(value, list):
        return [str(item) for item in value]
    return str(value).splitlines()


def diff_versions(old: Mapping[str, Any] | None, new: Mapping[str, Any]) -> list[FieldDiff]:
    """The fields that differ from `old` to `new` (every field of `new` when there is no
    `old`: a first version), in the order a reply shows them."""
    changed = []
    for name in FIELD_ORDER:
        before = field_lines(name, old.get(name)) if old is not None else []
        after = field_lines(name, new.get(name))
        if before != after:
            changed.append(FieldDiff(name, tuple(_lines(before, after))))
    return changed


def _lines(before: list[str], after: list[str]) -> list[DiffLine]:
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    lines: list[DiffLine] = []
    for tag, a_start, a_end, b_start, b_end in matcher.get_opcodes():
        if tag == "equal":
            lines.extend(DiffLine("same", text) for text in before[a_start:a_end])
            continue
        lines.extend(DiffLine("removed", text) for text in before[a_start:a_end])
        lines.extend(DiffLine("added", text) for text in after[b_start:b_end])
    return lines
