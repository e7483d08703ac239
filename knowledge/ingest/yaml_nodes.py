"""YAML reading that keeps line numbers, so problems can point at the offending line.

Dates are left as text (the timestamp resolver is removed) so that a bad date such as
2024-13-45 becomes a clear problem instead of an exception inside PyYAML.
"""

from __future__ import annotations

from dataclasses import dataclass

import yaml

from knowledge.ingest.errors import IngestProblem

_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"


class _TextDatesLoader(yaml.SafeLoader):
    """SafeLoader that never turns scalars into dates."""


_TextDatesLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _TIMESTAMP_TAG]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass(frozen=True, slots=True)
class YamlMapping:
    """A YAML mapping's values with the line of the mapping and of each key (1-based)."""

    values: dict[str, object]
    line: int
    key_lines: dict[str, int]


def node_line(node: yaml.Node, line_offset: int = 0) -> int:
    """1-based line where a node starts, shifted by the lines that precede the YAML text."""
    return node.start_mark.line + 1 + line_offset


def too_deep(file: str) -> IngestProblem:
    """Lists or mappings nested so deep that reading them would exhaust Python's stack: no
    reply or document needs more than a few levels."""
    return IngestProblem(file, None, "malformed YAML: nested too deeply (a few levels at most)")


def compose(text: str, file: str, line_offset: int = 0) -> yaml.Node | IngestProblem | None:
    """The node tree of a single YAML document, None when empty, or the syntax problem."""
    try:
        return yaml.compose(text, Loader=_TextDatesLoader)
    except yaml.MarkedYAMLError as exc:
        return syntax_problem(exc, file, line_offset)
    except yaml.YAMLError as exc:
        return IngestProblem(file, None, f"malformed YAML: {exc}")
    except RecursionError:
        return too_deep(file)


def syntax_problem(exc: yaml.MarkedYAMLError, file: str, line_offset: int = 0) -> IngestProblem:
    """A concise problem from a PyYAML error, at the line PyYAML blames."""
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 + line_offset if mark is not None else None
    what = exc.problem or exc.context or "syntax error"
    return IngestProblem(file, line, f"malformed YAML: {what}")


def construct(node: yaml.Node, file: str, line_offset: int = 0) -> object | IngestProblem:
    """The Python value of a node (text, numbers, lists, mappings), or a problem."""
    loader = _TextDatesLoader("")
    try:
        value: object = loader.construct_document(node)
        return value
    except yaml.MarkedYAMLError as exc:
        return syntax_problem(exc, file, line_offset)
    except RecursionError:
        return too_deep(file)
    except (yaml.YAMLError, ValueError, TypeError) as exc:
        return IngestProblem(file, node_line(node, line_offset), f"malformed YAML: {exc}")
    finally:
        loader.dispose()


def read_mapping(
    node: yaml.MappingNode, file: str, line_offset: int = 0
) -> tuple[YamlMapping | None, list[IngestProblem]]:
    """A mapping with text keys, reporting duplicate or non-text keys with their lines."""
    problems: list[IngestProblem] = []
    values: dict[str, object] = {}
    key_lines: dict[str, int] = {}
    for key_node, value_node in node.value:
        line = node_line(key_node, line_offset)
        if not isinstance(key_node, yaml.ScalarNode):
            problems.append(IngestProblem(file, line, "a key must be plain text"))
            continue
        key = str(key_node.value).strip()
        if key in values:
            problems.append(IngestProblem(file, line, f"key '{key}' repeats line {key_lines[key]}"))
            continue
        value = construct(value_node, file, line_offset)
        if isinstance(value, IngestProblem):
            problems.append(value)
            continue
        values[key] = value
        key_lines[key] = line
    if problems:
        return None, problems
    return YamlMapping(values, node_line(node, line_offset), key_lines), []
