"""Charts drawn on the server as inline SVG (templates/_charts.html): no script, no
library, nothing fetched from elsewhere, a few kilobytes each.

Across, positions are percentages of the chart's width; down, pixels. A chart so fills a
phone's width as it fills a laptop's with its text at the page's own size (a scaled
`viewBox` would shrink the labels on a phone), a text placed a few pixels off a percentage
taking them in its `dx`. Each chart has a title and a description (its accessible name and
summary), the page gives its numbers in a table too, and its lines differ by dash and
marker as well as colour.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

PLOT_TOP = 24
"""Pixels above the top gridline: room for the tallest column's value."""
PLOT_HEIGHT = 150
AXIS_HEIGHT = 26
"""Pixels under the plot for the weeks' labels."""
COLUMN_SHARE = 0.7
"""The part of its slot a column fills (the rest spaces it from its neighbours)."""
WIDE_LABELS = 8
NARROW_LABELS = 6
"""The most labels under a chart on a laptop, and on a phone (the others are hidden)."""
DENSE = 13
"""Columns beyond which their values are left to the table on a phone."""
ROW_HEIGHT = 46
ROW_BAR_TOP = 22
ROW_BAR_HEIGHT = 16
ROW_BAR_MOST = 82.0
"""The width (percent) of the longest row's bar: its value is written after it."""
ROW_LABEL_CHARS = 44
"""A row's label is cut to this length in the chart (the table has it whole)."""
GRIDLINES = 4

Write = Callable[[float], str]
"""A value on an axis as the page's language writes it."""


@dataclass(frozen=True, slots=True)
class Datum:
    """One value of a chart, and its words."""

    label: str
    """Short, under the axis or beside a bar: "12 May", "French"."""
    name: str
    """Whole, in the bar's tooltip: "Week of 12 May 2025"."""
    value: float | None
    """None when there is nothing to measure (a share of no questions)."""
    text: str
    """The value as the page writes it: "25", "63 %", "14 h"."""


@dataclass(frozen=True, slots=True)
class Gridline:
    y: float
    text: str


@dataclass(frozen=True, slots=True)
class Tick:
    """A label under the axis; `narrow`: also shown on a phone."""

    x: float
    text: str
    narrow: bool


@dataclass(frozen=True, slots=True)
class Column:
    x: float
    width: float
    y: float
    height: float
    centre: float
    datum: Datum

    @property
    def value_y(self) -> float:
        """Where its value is written, just above it."""
        return self.y - 6


@dataclass(frozen=True, slots=True)
class Marker:
    x: float
    y: float
    datum: Datum


@dataclass(frozen=True, slots=True)
class Segment:
    x1: float
    y1: float
    x2: float
    y2: float


@dataclass(frozen=True, slots=True)
class Line:
    """One series of a line chart; its `index` picks its colour, dash and marker."""

    name: str
    index: int
    segments: tuple[Segment, ...]
    markers: tuple[Marker, ...]


@dataclass(frozen=True, slots=True)
class Row:
    """A horizontal bar with its label above it and its value after it."""

    y: float
    width: float
    label: str
    datum: Datum
    bar_height: float = ROW_BAR_HEIGHT

    @property
    def label_y(self) -> float:
        return self.y + ROW_BAR_TOP - 6

    @property
    def bar_y(self) -> float:
        return self.y + ROW_BAR_TOP

    @property
    def value_y(self) -> float:
        return self.y + ROW_BAR_TOP + ROW_BAR_HEIGHT - 3


@dataclass(frozen=True, slots=True)
class Chart:
    """Everything the template draws, already placed."""

    title: str
    description: str
    kind: Literal["columns", "lines", "rows"]
    height: float
    gridlines: tuple[Gridline, ...] = ()
    ticks: tuple[Tick, ...] = ()
    columns: tuple[Column, ...] = ()
    lines: tuple[Line, ...] = ()
    rows: tuple[Row, ...] = ()
    dense: bool = False

    @property
    def axis_y(self) -> float:
        """The baseline of the labels under the plot."""
        return PLOT_TOP + PLOT_HEIGHT + AXIS_HEIGHT - 6


def nice_top(highest: float, *, whole: bool = False, steps: int = GRIDLINES) -> float:
    """The top of an axis with `steps` evenly spaced gridlines, each a round number (1, 2
    or 5 times a power of ten; `whole`: at least 1, for counts), the lowest at or above
    `highest`."""
    if highest <= 0:
        return float(steps)
    raw = highest / steps
    power = 10.0 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    return float(max(step, 1) * steps if whole else step * steps)


def _short(value: float, digits: int) -> float:
    """`value` rounded, and whole when it is (the page writes "174", not "174.0")."""
    rounded = round(value, digits)
    return int(rounded) if rounded.is_integer() else rounded


def _gridlines(top: float, write: Write) -> tuple[Gridline, ...]:
    return tuple(
        Gridline(y=_y(top * i / GRIDLINES, top), text=write(top * i / GRIDLINES))
        for i in range(GRIDLINES + 1)
    )


def _y(value: float, top: float) -> float:
    return _short(PLOT_TOP + PLOT_HEIGHT * (1 - value / top), 1)


def _centre(index: int, count: int) -> float:
    return _short((index + 0.5) * 100 / count, 2)


def _ticks(labels: Sequence[str]) -> tuple[Tick, ...]:
    """Labels under the axis, counted back from the latest so it is always labelled:
    at most WIDE_LABELS of them, and NARROW_LABELS of those also on a phone."""
    count = len(labels)
    wide = math.ceil(count / WIDE_LABELS)
    narrow = wide * math.ceil(math.ceil(count / NARROW_LABELS) / wide)
    return tuple(
        Tick(x=_centre(i, count), text=labels[i], narrow=(count - 1 - i) % narrow == 0)
        for i in range(count)
        if (count - 1 - i) % wide == 0
    )


def column_chart(
    title: str, description: str, data: Sequence[Datum], *, write: Write, whole: bool = False
) -> Chart:
    """Vertical columns, one per datum (a week), with their values above them; `whole`:
    the values are counts (so are the gridlines)."""
    top = nice_top(max((d.value or 0 for d in data), default=0), whole=whole)
    slot = 100 / max(len(data), 1)
    columns = tuple(
        Column(
            x=_short(i * slot + slot * (1 - COLUMN_SHARE) / 2, 2),
            width=_short(slot * COLUMN_SHARE, 2),
            y=_y(datum.value, top),
            height=_short(PLOT_HEIGHT * datum.value / top, 1),
            centre=_centre(i, len(data)),
            datum=datum,
        )
        for i, datum in enumerate(data)
        if datum.value is not None
    )
    return Chart(
        title=title,
        description=description,
        kind="columns",
        height=PLOT_TOP + PLOT_HEIGHT + AXIS_HEIGHT,
        gridlines=_gridlines(top, write),
        ticks=_ticks([d.label for d in data]),
        columns=columns,
        dense=len(data) > DENSE,
    )


def line_chart(
    title: str,
    description: str,
    series: Sequence[tuple[str, Sequence[Datum]]],
    *,
    write: Write,
    top: float | None = None,
) -> Chart:
    """One line per named series over the same weeks; a week without a value breaks the
    line there. `top`: the axis's top (1 for shares), else a round number above the data."""
    highest = max((d.value or 0 for _, data in series for d in data), default=0)
    top = top or nice_top(highest)
    count = max((len(data) for _, data in series), default=1)
    lines = []
    for index, (name, data) in enumerate(series):
        markers = tuple(
            Marker(x=_centre(i, count), y=_y(d.value, top), datum=d)
            for i, d in enumerate(data)
            if d.value is not None
        )
        segments = tuple(
            Segment(_centre(i, count), _y(a.value, top), _centre(i + 1, count), _y(b.value, top))
            for i, (a, b) in enumerate(itertools.pairwise(data))
            if a.value is not None and b.value is not None
        )
        lines.append(Line(name=name, index=index, segments=segments, markers=markers))
    labels = [d.label for d in series[0][1]] if series else []
    return Chart(
        title=title,
        description=description,
        kind="lines",
        height=PLOT_TOP + PLOT_HEIGHT + AXIS_HEIGHT,
        gridlines=_gridlines(top, write),
        ticks=_ticks(labels),
        lines=tuple(lines),
        dense=count > DENSE,
    )


def row_chart(title: str, description: str, data: Sequence[Datum]) -> Chart:
    """Horizontal bars, largest first as given, each under its label and followed by its
    value: long labels (a question, a language) read well on a phone."""
    highest = max((d.value or 0 for d in data), default=0) or 1
    rows = tuple(
        Row(
            y=i * ROW_HEIGHT,
            width=_short(ROW_BAR_MOST * (datum.value or 0) / highest, 2),
            label=_cut(datum.label),
            datum=datum,
        )
        for i, datum in enumerate(data)
    )
    return Chart(
        title=title,
        description=description,
        kind="rows",
        height=max(len(rows), 1) * ROW_HEIGHT,
        rows=rows,
    )


def _cut(text: str) -> str:
    return text if len(text) <= ROW_LABEL_CHARS else text[: ROW_LABEL_CHARS - 1].rstrip() + "…"
