"""Where the charts' marks go: axes topped by round numbers, columns as tall as their
values, lines broken where a week has nothing to measure, labels thinned to what a laptop
and a phone can hold (the latest week always labelled), long row labels cut."""

from __future__ import annotations

import pytest

from adapters.dashboard.charts import (
    PLOT_HEIGHT,
    PLOT_TOP,
    ROW_BAR_MOST,
    ROW_HEIGHT,
    ROW_LABEL_CHARS,
    Datum,
    column_chart,
    line_chart,
    nice_top,
    row_chart,
)

BASELINE = PLOT_TOP + PLOT_HEIGHT


def data(*values: float | None) -> list[Datum]:
    return [
        Datum(label=f"w{i}", name=f"week {i}", value=v, text="—" if v is None else f"{v:g}")
        for i, v in enumerate(values)
    ]


@pytest.mark.parametrize(
    ("highest", "whole", "top"),
    [(0, False, 4), (36, False, 40), (7, True, 8), (13, True, 20), (101, True, 200),
     (1, True, 4), (0.3, False, 0.4), (0.9, False, 2)],
)  # fmt: skip
def test_an_axis_tops_out_at_the_round_number_just_above_the_highest_value(
    highest: float, whole: bool, top: float
) -> None:
    assert nice_top(highest, whole=whole) == pytest.approx(top)


def test_columns_stand_on_the_baseline_as_tall_as_their_values() -> None:
    chart = column_chart("Questions", "summary", data(0, 2, None, 4), write=str, whole=True)
    assert [g.text for g in chart.gridlines] == ["0.0", "1.0", "2.0", "3.0", "4.0"]
    assert chart.gridlines[0].y == BASELINE and chart.gridlines[-1].y == PLOT_TOP
    [zero, two, four] = chart.columns  # the week with nothing to measure has no column
    assert (zero.height, two.height, four.height) == (0, PLOT_HEIGHT / 2, PLOT_HEIGHT)
    assert all(c.y + c.height == BASELINE for c in chart.columns)
    assert (zero.centre, two.centre, four.centre) == (12.5, 37.5, 87.5)  # percent across
    assert zero.x + zero.width < two.x  # space between columns
    assert (chart.title, chart.description, chart.dense) == ("Questions", "summary", False)


def test_a_line_breaks_where_a_week_has_nothing_to_measure() -> None:
    chart = line_chart(
        "Shares", "summary", [("a", data(0.5, None, 0.25, 1)), ("b", data(0, 0, 0, 0))],
        write=str, top=1,
    )  # fmt: skip
    first, second = chart.lines
    assert [m.datum.value for m in first.markers] == [0.5, 0.25, 1]
    [segment] = first.segments  # none into or out of the empty week
    assert (segment.x1, segment.x2) == (62.5, 87.5)
    assert (segment.y1, segment.y2) == (BASELINE - PLOT_HEIGHT / 4, PLOT_TOP)
    assert len(second.segments) == 3 and (first.index, second.index) == (0, 1)


@pytest.mark.parametrize(
    ("weeks", "laptop", "phone"),
    [(4, 4, 4), (12, 6, 6), (26, 7, 4), (52, 8, 4)],
)
def test_week_labels_are_thinned_to_fit_a_laptop_and_a_phone_ending_on_the_latest(
    weeks: int, laptop: int, phone: int
) -> None:
    chart = column_chart("Questions", "summary", data(*range(weeks)), write=str)
    assert len(chart.ticks) == laptop
    assert sum(t.narrow for t in chart.ticks) == phone
    assert chart.ticks[-1].text == f"w{weeks - 1}" and chart.ticks[-1].narrow
    assert chart.dense == (weeks > 13)


def test_rows_are_as_long_as_their_values_under_labels_cut_to_fit_a_phone() -> None:
    long = "Which per diem rate applies on a mission to Mombasa and then on to Kisumu?"
    chart = row_chart(
        "Topics", "summary", [Datum(long, long, 8, "8"), Datum("Visas?", "Visas?", 2, "2")]
    )
    first, second = chart.rows
    assert (first.width, second.width) == (ROW_BAR_MOST, ROW_BAR_MOST / 4)
    assert len(first.label) == ROW_LABEL_CHARS and first.label.endswith("…")
    assert first.datum.name == long and second.label == "Visas?"
    assert (first.y, second.y, chart.height) == (0, ROW_HEIGHT, 2 * ROW_HEIGHT)
