"""Many replies in one file: a spreadsheet saved as CSV, or a YAML list.

Editors who keep replies in a spreadsheet can export it as is; every problem names the
physical line of the row (multi-line cells counted) or of the YAML mapping.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import yaml

from knowledge.ingest.errors import IngestError, IngestProblem, Parsed
from knowledge.ingest.fields import BULK_KEYS, FieldChecker, build_reply, unknown_key_message
from knowledge.ingest.files import read_text_file, too_long, too_long_message
from knowledge.ingest.yaml_nodes import compose, node_line, read_mapping
from knowledge.records import ReplyRecord

CSV_REQUIRED = ("id", "question", "answer")
_LIST_SPLITS = {"alt_questions": r"\s*\|\s*|\n", "tags": r"[;,\n]", "sources": r"\s+\|\s+|\n"}
_SOURCE = re.compile(r"(?P<title>.*?)\s*<(?P<url>[^<>\s]+)>")


def _delimiter(text: str) -> str:
    """Comma, or the semicolon or tab that some spreadsheet locales export with."""
    header = text.split("\n", 1)[0]
    return max((",", ";", "\t"), key=header.count)


def _csv_rows(text: str, file: str, problems: list[IngestProblem]) -> list[tuple[int, list[str]]]:
    """Non-blank rows with the physical line each starts on; stops at malformed CSV."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text), strict=True)
    rows: list[tuple[int, list[str]]] = []
    while True:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return rows
        except csv.Error as exc:
            problems.append(IngestProblem(file, start, f"malformed CSV in this row: {exc}"))
            return rows
        if any(cell.strip() for cell in cells):
            rows.append((start, cells))


def _check_header(columns: list[str], file: str, line: int) -> list[IngestProblem]:
    """Missing, unknown and repeated columns; rows cannot be read until these are fixed."""
    problems = [
        IngestProblem(file, line, f"missing column '{name}'")
        for name in CSV_REQUIRED
        if name not in columns
    ]
    for index, name in enumerate(columns):
        if name and name not in BULK_KEYS:
            message = unknown_key_message(name, BULK_KEYS, "column")
            problems.append(IngestProblem(file, line, message))
        elif name and name in columns[:index]:
            problems.append(IngestProblem(file, line, f"column '{name}' appears twice"))
    return problems


def _source_items(cell: str) -> list[dict[str, str]] | str:
    """ "Title <https://url>" items as mappings, or the first item that cannot be read."""
    items: list[dict[str, str]] = []
    parts: list[str] = [str(p).strip() for p in re.split(_LIST_SPLITS["sources"], cell)]
    for part in filter(None, parts):
        match = _SOURCE.fullmatch(part)
        if match:
            items.append({"title": match["title"] or match["url"], "url": match["url"]})
        elif re.fullmatch(r"https?://\S+", part):
            items.append({"title": part, "url": part})
        else:
            return part
    return items


def _row_values(
    columns: list[str], cells: list[str], checker: FieldChecker
) -> dict[str, object] | None:
    """The row as plain values for FieldChecker; None when a cell is unusable."""
    values: dict[str, object] = {}
    usable = True
    for name, cell in zip(columns, cells, strict=True):
        if too_long(cell):
            checker.problem(name, too_long_message(name or "a cell", cell))
            usable = False
        elif not name:
            if cell.strip():
                checker.problem(name, f"value '{cell.strip()[:40]}' in a column without a header")
                usable = False
        elif name == "sources":
            items = _source_items(cell)
            if isinstance(items, str):
                checker.problem(name, f"sources: cannot read '{items}'; write Title <https://...>")
                usable = False
            values[name] = items or None
        elif name in _LIST_SPLITS:
            values[name] = [p for p in re.split(_LIST_SPLITS[name], cell) if p.strip()] or None
        else:
            values[name] = cell
    return values if usable else None


def parse_replies_csv(text: str, *, file: str) -> Parsed[ReplyRecord]:
    """Replies from CSV text with a header row; or every problem, by physical line."""
    problems: list[IngestProblem] = []
    rows = _csv_rows(text, file, problems)
    if not rows:
        problems.append(IngestProblem(file, 1, "no header row; expected id,question,answer"))
        return Parsed.failed(*problems)
    header_line, header = rows[0]
    columns = [re.sub(r"[\s-]+", "_", name.strip().lower()) for name in header]
    problems.extend(_check_header(columns, file, header_line))
    if problems:
        return Parsed.failed(*problems)
    records: list[ReplyRecord] = []
    seen: dict[str, int] = {}
    for line, cells in rows[1:]:
        if len(cells) != len(columns):
            message = f"row has {len(cells)} cells but the header has {len(columns)}"
            problems.append(IngestProblem(file, line, message))
            continue
        checker = FieldChecker({}, file, line)
        values = _row_values(columns, cells, checker)
        if values is not None:
            checker.values = values
            _check_unique(values.get("id"), line, seen, checker)
            record = build_reply(checker, known_keys=BULK_KEYS, origin=f"{file}:{line}")
            if record is not None:
                records.append(record)
        problems.extend(checker.problems)
    if not records and not problems:
        problems.append(IngestProblem(file, header_line, "no replies below the header row"))
    return Parsed.of(records, problems)


def _check_unique(slug: object, line: int, seen: dict[str, int], checker: FieldChecker) -> None:
    """Record a problem when an id was already used higher up in the same file."""
    if not isinstance(slug, str) or not slug.strip():
        return
    slug = slug.strip()
    if slug in seen:
        checker.problem("id", f"id '{slug}' is already used on line {seen[slug]}")
    else:
        seen[slug] = line


def parse_replies_yaml(text: str, *, file: str) -> Parsed[ReplyRecord]:
    """Replies from a YAML list of mappings; or every problem, at the mapping's line."""
    root = compose(text, file)
    if isinstance(root, IngestProblem):
        return Parsed.failed(root)
    if root is None:
        return Parsed.failed(IngestProblem(file, 1, "file is empty; expected a list of replies"))
    if not isinstance(root, yaml.SequenceNode):
        message = "expected a list of replies, each starting with '- id: ...'"
        return Parsed.failed(IngestProblem(file, node_line(root), message))
    problems: list[IngestProblem] = []
    records: list[ReplyRecord] = []
    seen: dict[str, int] = {}
    for item in root.value:
        line = node_line(item)
        if not isinstance(item, yaml.MappingNode):
            problems.append(IngestProblem(file, line, "each reply must be a set of 'key: value'"))
            continue
        mapping, mapping_problems = read_mapping(item, file)
        problems.extend(mapping_problems)
        if mapping is None:
            continue
        checker = FieldChecker(mapping.values, file, line)
        _check_unique(mapping.values.get("id"), line, seen, checker)
        record = build_reply(checker, known_keys=BULK_KEYS, origin=f"{file}:{line}")
        if record is not None:
            records.append(record)
        problems.extend(checker.problems)
    if not records and not problems:
        problems.append(IngestProblem(file, 1, "the list of replies is empty"))
    return Parsed.of(records, problems)


def read_bulk_file(path: Path, *, name: str | None = None) -> tuple[ReplyRecord, ...]:
    """Read a .csv, .yaml or .yml file of replies; raises IngestError listing every problem."""
    file = name or path.name
    text = read_text_file(path, file)
    if isinstance(text, IngestProblem):
        raise IngestError([text])
    if path.suffix.lower() == ".csv":
        return parse_replies_csv(text, file=file).unwrap()
    return parse_replies_yaml(text, file=file).unwrap()
