"""Splitting a document into passages that follow its own structure.

Passages are what search returns and the bot quotes, so each should be a readable unit:
roughly MIN_WORDS to MAX_WORDS words, never cut mid-sentence, and labelled with the
headings it sits under. Short paragraphs under one heading are merged; long ones are split
at sentence ends; a tiny section is merged into a neighbour under the same parent rather
than left alone. The result depends only on the input (deterministic).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from knowledge.ingest.blocks import Block, Heading, TextKind
from knowledge.ingest.sentences import split_sentences
from knowledge.records import PassageRecord

MIN_WORDS = 60
MAX_WORDS = 250

Path = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Unit:
    """A piece of text that is never split further, with the headings it sits under."""

    path: Path
    text: str
    kind: TextKind


def _words(text: str) -> int:
    """Words as a reader counts them; the unit of every size limit here."""
    return len(text.split())


def _common_prefix(paths: Iterable[Path]) -> Path:
    """The headings shared by all paths: the heading path of a merged passage."""
    paths = list(paths)
    prefix = paths[0]
    for path in paths[1:]:
        size = 0
        while size < min(len(prefix), len(path)) and prefix[size] == path[size]:
            size += 1
        prefix = prefix[:size]
    return prefix


def _pack_sentences(sentences: list[str], max_words: int) -> list[str]:
    """Consecutive sentences grouped into pieces of similar size, none over max_words."""
    total = sum(_words(s) for s in sentences)
    target = total / max(1, math.ceil(total / max_words))
    pieces: list[list[str]] = []
    size = 0
    for sentence in sentences:
        count = _words(sentence)
        if pieces and pieces[-1] and (size + count > max_words or size + count / 2 > target):
            pieces.append([])
            size = 0
        if not pieces:
            pieces.append([])
        pieces[-1].append(sentence)
        size += count
    return [" ".join(piece) for piece in pieces]


def _split_long(text: str, max_words: int) -> list[str]:
    """A paragraph over max_words cut at sentence ends.

    A single "sentence" longer than max_words (a text without full stops, such as a
    table dump) is, as a last resort, cut into equal runs of words.
    """
    sentences: list[str] = []
    for sentence in split_sentences(text):
        words = sentence.split()
        runs = math.ceil(len(words) / max_words)
        step = math.ceil(len(words) / runs)
        sentences.extend(" ".join(words[i : i + step]) for i in range(0, len(words), step))
    return _pack_sentences(sentences, max_words)


def _units(blocks: Iterable[Block], max_words: int) -> Iterator[_Unit]:
    """Text blocks as units under their heading path, long paragraphs already split."""
    stack: list[Heading] = []
    for block in blocks:
        if isinstance(block, Heading):
            title = " ".join(block.title.split())
            if title:
                while stack and stack[-1].level >= block.level:
                    stack.pop()
                stack.append(Heading(block.level, title))
            continue
        text = " ".join(block.text.split())
        if not text:
            continue
        path = tuple(heading.title for heading in stack)
        if _words(text) <= max_words:
            yield _Unit(path, text, block.kind)
            continue
        for index, piece in enumerate(_split_long(text, max_words)):
            yield _Unit(path, piece, block.kind if index == 0 else "paragraph")


def _render(units: list[_Unit]) -> tuple[Path, str]:
    """The heading path shared by the units, and their text with inner headings as lines."""
    path = _common_prefix(unit.path for unit in units)
    parts: list[str] = []
    current = path
    previous_kind: TextKind | None = None
    for unit in units:
        if unit.path != current:
            shared = max(len(_common_prefix([current, unit.path])), len(path))
            parts.extend("\n\n" + title for title in unit.path[shared:])
            current, previous_kind = unit.path, None
        text = f"- {unit.text}" if unit.kind == "list_item" else unit.text
        lines = previous_kind in ("list_item", "table_row") and unit.kind == previous_kind
        parts.append(("\n" if lines else "\n\n") + text)
        previous_kind = unit.kind
    return path, "".join(parts).strip()


def _size(units: list[_Unit]) -> int:
    """Words of the rendered passage, inner heading lines included."""
    return _words(_render(units)[1])


def _pack_section(units: list[_Unit], min_words: int, max_words: int) -> list[list[_Unit]]:
    """Units of one section packed in order into drafts of at most max_words words."""
    drafts: list[list[_Unit]] = []
    for unit in units:
        if drafts and _size([*drafts[-1], unit]) <= max_words:
            drafts[-1].append(unit)
        else:
            drafts.append([unit])
    # Rebalance a tiny last draft by taking whole units from the one before it.
    while len(drafts) >= 2 and len(drafts[-2]) > 1 and _size(drafts[-1]) < min_words:
        moved = [drafts[-2][-1], *drafts[-1]]
        if _size(drafts[-2][:-1]) < min_words or _size(moved) > max_words:
            break
        drafts[-2].pop()
        drafts[-1] = moved
    return drafts


def _fits_forward(tiny: _Unit, following: _Unit) -> bool:
    """Whether the text after a tiny draft lies under the same parent heading."""
    parent = tiny.path[:-1]
    return following.path[: len(parent)] == parent


def _fits_backward(tiny: _Unit, preceding: _Unit) -> bool:
    """Whether a tiny draft is a sibling of the text before it, or inside its section.

    Stricter than forward merging, so that a short last section does not blur the
    heading path of a full passage from an unrelated branch of the document.
    """
    siblings = bool(tiny.path) and tiny.path[:-1] == preceding.path[:-1]
    return siblings or tiny.path[: len(preceding.path)] == preceding.path


def chunk_blocks(
    blocks: Iterable[Block], *, min_words: int = MIN_WORDS, max_words: int = MAX_WORDS
) -> tuple[PassageRecord, ...]:
    """Passages of a document given as headings and text blocks, positions 0, 1, 2, ..."""
    sections: list[list[_Unit]] = []
    for unit in _units(blocks, max_words):
        if sections and sections[-1][-1].path == unit.path:
            sections[-1].append(unit)
        else:
            sections.append([unit])
    drafts = [d for section in sections for d in _pack_section(section, min_words, max_words)]

    merged: list[list[_Unit]] = []
    pending: list[_Unit] | None = None

    def flush(tiny: list[_Unit]) -> None:
        last = merged[-1] if merged else None
        if last and _fits_backward(tiny[0], last[-1]) and _size([*last, *tiny]) <= max_words:
            last.extend(tiny)
        else:
            merged.append(tiny)

    for packed in drafts:
        draft = packed
        if pending is not None:
            if _fits_forward(pending[-1], draft[0]) and _size([*pending, *draft]) <= max_words:
                draft = [*pending, *draft]
            else:
                flush(pending)
            pending = None
        if _size(draft) < min_words:
            pending = draft
        else:
            merged.append(draft)
    if pending is not None:
        flush(pending)

    passages: list[PassageRecord] = []
    for position, units in enumerate(merged):
        path, text = _render(units)
        passages.append(PassageRecord(position=position, heading_path=path, text=text))
    return tuple(passages)
