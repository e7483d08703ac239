"""YAML front matter at the top of Markdown and text files, with line numbers.

python-frontmatter decides what a front matter block is; the YAML inside is read with
`yaml_nodes` so that every key keeps its line for problem messages.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import yaml
from frontmatter.default_handlers import YAMLHandler

from knowledge.ingest.errors import IngestProblem
from knowledge.ingest.yaml_nodes import compose, read_mapping

_HANDLER = YAMLHandler()


@dataclass(frozen=True, slots=True)
class FrontMatter:
    """Front matter values (empty when there is none) and the body that follows."""

    values: dict[str, object]
    key_lines: dict[str, int]
    body: str
    body_line: int
    """1-based line of the file where the body starts."""
    present: bool = field(default=False)

    def line_of(self, key: str) -> int:
        """Line of a key in the file, or 1 when the key is absent."""
        return self.key_lines.get(key, 1)


def _next_line(text: str, position: int) -> int:
    """Where the line after the one containing `position` starts."""
    end = text.find("\n", position)
    return len(text) if end == -1 else end + 1


def split_front_matter(text: str, file: str) -> FrontMatter | list[IngestProblem]:
    """Split text into front matter and body, or the problems that prevent it."""
    if not bool(_HANDLER.detect(text)):
        return FrontMatter({}, {}, text, 1)
    boundaries = list(_HANDLER.FM_BOUNDARY.finditer(text))
    if len(boundaries) < 2:
        return [IngestProblem(file, 1, "front matter opened with '---' is never closed")]
    opening, closing = boundaries[0], boundaries[1]
    yaml_start = _next_line(text, opening.start())
    yaml_text = text[yaml_start : closing.start()]
    offset = text[:yaml_start].count("\n")
    body_start = _next_line(text, closing.start())
    body = text[body_start:]
    body_line = text[:body_start].count("\n") + 1
    node = compose(yaml_text, file, offset)
    if isinstance(node, IngestProblem):
        return [node]
    values: dict[str, object] = {}
    key_lines: dict[str, int] = {}
    if node is not None:
        if not isinstance(node, yaml.MappingNode):
            line = node.start_mark.line + 1 + offset
            return [IngestProblem(file, line, "front matter must be 'key: value' lines")]
        mapping, problems = read_mapping(node, file, offset)
        if mapping is None:
            return problems
        values, key_lines = mapping.values, mapping.key_lines
    return FrontMatter(values, key_lines, body, body_line, present=True)
