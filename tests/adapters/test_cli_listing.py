"""Long listings: aligned columns, one line per row, safe to print whatever a file held."""

from __future__ import annotations

import io

from rich.cells import cell_len
from rich.console import Console

from adapters.cli.listing import Column, print_listing

COLUMNS = (Column("id", max_width=12), Column("passages", right=True), Column("title"))


def printed(rows: list[tuple[str, ...]], *, terminal: bool, width: int = 60) -> list[str]:
    file = io.StringIO()
    console = Console(
        file=file, force_terminal=terminal, color_system=None, width=width, highlight=False
    )
    print_listing(console, "Guidance documents", COLUMNS, rows)
    return file.getvalue().splitlines()


def test_rows_line_up_under_their_headings() -> None:
    lines = printed(
        [("cca", "12", "Integrating human rights"), ("upr", "7", "UPR")], terminal=False
    )
    assert lines == [
        "Guidance documents",
        "id   passages  title",
        "cca        12  Integrating human rights",
        "upr         7  UPR",
    ]


def test_a_cell_longer_than_its_column_is_cut_with_an_ellipsis() -> None:
    lines = printed([("a-very-long-document-id", "3", "Title")], terminal=False)
    assert lines[2] == "a-very-long…         3  Title"


def test_a_terminal_crops_long_lines_but_a_pipe_keeps_them_whole() -> None:
    title = "A guidance note whose title is far longer than the terminal is wide " * 2
    in_terminal = printed([("cca", "12", title)], terminal=True, width=40)
    assert cell_len(in_terminal[2]) == 40 and in_terminal[2].endswith("…")
    piped = printed([("cca", "12", title)], terminal=False, width=40)
    assert piped[2].endswith(title.strip())


def test_line_breaks_and_control_characters_in_a_cell_cannot_break_the_listing() -> None:
    hostile = "Title\nsecond line\t\x1b[2Jcleared\x07 [bold]as typed[/bold]"
    lines = printed([("cca", "1", hostile)], terminal=False)
    assert len(lines) == 3
    assert lines[2].endswith("Title second line [2Jcleared [bold]as typed[/bold]")
    assert "\x1b" not in "".join(lines)


def test_wide_characters_are_measured_by_the_cells_they_take() -> None:
    lines = printed([("人权", "1", "x"), ("cca", "22", "y")], terminal=False)
    assert [cell_len(line.split("  x")[0].split("  y")[0]) for line in lines[2:]] == [14, 14]


def test_an_empty_listing_still_names_its_columns() -> None:
    assert printed([], terminal=False) == ["Guidance documents", "id  passages  title"]
