"""Tables and labelled text out of an HTML page, with the standard library's parser.

OHCHR's pages are SharePoint and Drupal output: tables laid out with rowspan, cells with
line breaks between names, and spans whose id says what they hold. This keeps exactly that.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

_VOID = {"br", "img", "input", "meta", "link", "hr", "col", "area", "base", "source", "wbr"}
_BLOCK = {"p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol"}


@dataclass
class _Cell:
    text: list[str] = field(default_factory=list)
    header: bool = False
    rowspan: int = 1
    colspan: int = 1


@dataclass
class _Table:
    rows: list[list[_Cell]] = field(default_factory=list)
    caption: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Table:
    """A table as a grid (rowspan and colspan filled in), its caption, and the text before it."""

    grid: list[list[str]]
    header_cells: list[bool]
    caption: str
    before: str


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.tables: list[tuple[_Table, str]] = []
        self.open_tables: list[_Table] = []
        self.cell: list[_Cell | None] = []
        self.in_caption = False
        self.skip = 0
        self.ids: dict[str, list[str]] = {}
        self.open_ids: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag in {"script", "style"}:
            self.skip += 1
        if tag == "table":
            table = _Table()
            self.tables.append((table, "".join(self.text[-200:])[-400:]))
            self.open_tables.append(table)
            self.cell.append(None)
        elif tag == "tr" and self.open_tables:
            self.open_tables[-1].rows.append([])
        elif tag in {"td", "th"} and self.open_tables:
            table = self.open_tables[-1]
            if not table.rows:
                table.rows.append([])
            cell = _Cell(
                header=tag == "th",
                rowspan=_span(values.get("rowspan")),
                colspan=_span(values.get("colspan")),
            )
            table.rows[-1].append(cell)
            self.cell[-1] = cell
        elif tag == "caption":
            self.in_caption = True
        if tag == "br":
            self._data("\n")
        if values.get("id") and tag not in _VOID:
            self.open_ids.append((tag, values["id"]))
            self.ids.setdefault(values["id"], [])

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style"} and self.skip:
            self.skip -= 1
        if tag in _BLOCK or tag in {"td", "th"}:
            self._data("\n")
        elif tag in {"span", "a", "label", "strong", "b", "em", "time"}:
            self._data(" ")
        if tag in {"td", "th"} and self.cell:
            self.cell[-1] = None
        elif tag == "table" and self.open_tables:
            self.open_tables.pop()
            self.cell.pop()
        elif tag == "caption":
            self.in_caption = False
        for index in range(len(self.open_ids) - 1, -1, -1):
            if self.open_ids[index][0] == tag:
                del self.open_ids[index:]
                break

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self._data(data)

    def _data(self, data: str) -> None:
        self.text.append(data)
        for _, name in self.open_ids:
            self.ids[name].append(data)
        if self.in_caption and self.open_tables:
            self.open_tables[-1].caption.append(data)
        elif self.cell and self.cell[-1] is not None:
            self.cell[-1].text.append(data)


def _span(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 200))
    except ValueError:
        return 1


def _tidy(parts: list[str]) -> str:
    lines = (" ".join(line.replace("\xa0", " ").split()) for line in "".join(parts).splitlines())
    return "\n".join(line for line in lines if line)


def _grid(table: _Table) -> tuple[list[list[str]], list[bool]]:
    """Rows with each rowspan/colspan cell repeated where it stands; whether a row is headers."""
    grid: list[list[str]] = []
    headers: list[bool] = []
    pending: dict[int, tuple[int, str]] = {}
    for cells in table.rows:
        if not cells and not pending:
            continue
        row: list[str] = []
        column = 0
        queue = list(cells)
        while queue or any(col >= column for col in pending):
            if column in pending:
                left, text = pending[column]
                row.append(text)
                if left > 1:
                    pending[column] = (left - 1, text)
                else:
                    del pending[column]
                column += 1
                continue
            if not queue:
                column += 1
                row.append("")
                continue
            cell = queue.pop(0)
            text = _tidy(cell.text)
            for _ in range(cell.colspan):
                row.append(text)
                if cell.rowspan > 1:
                    pending[column] = (cell.rowspan - 1, text)
                column += 1
        while row and not row[-1]:
            row.pop()
        grid.append(row)
        headers.append(bool(cells) and all(cell.header for cell in cells))
    return grid, headers


@dataclass(frozen=True, slots=True)
class Page:
    """A page's text, its tables in document order, and the text of elements with an id."""

    text: str
    tables: list[Table]
    ids: dict[str, str]


def read_page(html: str) -> Page:
    """Parse a page; never fails on malformed HTML (the parser is forgiving)."""
    parser = _Parser()
    parser.feed(html)
    parser.close()
    tables = []
    for table, before in parser.tables:
        grid, headers = _grid(table)
        tables.append(Table(grid, headers, _tidy(table.caption), _tidy([before])))
    ids = {name: _tidy(parts) for name, parts in parser.ids.items()}
    return Page(_tidy(parser.text), tables, ids)
