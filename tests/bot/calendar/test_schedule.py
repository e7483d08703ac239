"""Cadences and reminder times: checked when a subscription is made, said in words, and
evaluated in local wall-clock time."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from bot.calendar.schedule import (
    Schedule,
    ScheduleError,
    describe_cadence,
    next_run,
    parse_lead_days,
    reminder_due,
    zone,
)
from tests.bot.calendar.helpers import utc


@pytest.mark.parametrize(
    ("cadence", "said"),
    [
        ("0 9 1 * *", "monthly on the 1st at 09:00"),
        ("0 9 22 * *", "monthly on the 22nd at 09:00"),
        ("0 9 12 * *", "monthly on the 12th at 09:00"),
        ("30 8 * * 1", "weekly on Monday at 08:30"),
        ("0 7 * * 0", "weekly on Sunday at 07:00"),
        ("0 7 * * *", "daily at 07:00"),
        ("0 9 1,15 * *", "`0 9 1,15 * *`"),
        ("0 9 1 1 *", "`0 9 1 1 *`"),
    ],
)
def test_cadences_are_said_in_words_when_they_are_common(cadence: str, said: str) -> None:
    assert describe_cadence(cadence) == said


@pytest.mark.parametrize(
    ("schedule", "problem"),
    [
        ({"cadence": "monthly"}, "is not a cadence"),
        ({"cadence": "0 9 1 * * 2027"}, "is not a cadence"),
        ({"timezone": "Europe/Geneva"}, "is not a time zone"),
        ({"reminder_time": "9am"}, "is not a time of day"),
        ({"lead_days": (0,)}, "between 1 and 366"),
    ],
)
def test_unusable_schedules_are_refused_with_the_fix(
    schedule: dict[str, Any], problem: str
) -> None:
    with pytest.raises(ScheduleError, match=problem):
        Schedule(**schedule)


def test_lead_days_parse_largest_first_without_repeats() -> None:
    assert parse_lead_days("7, 90,30,7") == (90, 30, 7)
    with pytest.raises(ScheduleError, match="not a list of days"):
        parse_lead_days("ninety")


def test_local_times_survive_the_clock_change_both_ways() -> None:
    # Nairobi has no daylight-saving time; New York moves on 14 March and 7 November 2027.
    assert next_run("0 9 1 * *", "Africa/Nairobi", after=utc(2027, 1, 5)) == utc(2027, 2, 1, 6)
    assert next_run("0 9 * * *", "America/New_York", after=utc(2027, 3, 13, 15)) == utc(
        2027, 3, 14, 13
    )
    assert next_run("0 9 * * *", "America/New_York", after=utc(2027, 11, 6, 15)) == utc(
        2027, 11, 7, 14
    )
    new_york = Schedule(timezone="America/New_York")
    assert reminder_due(date(2027, 4, 13), 30, new_york) == utc(2027, 3, 14, 13)


@pytest.mark.parametrize("name", ["A" * 5000, "Africa/" + "x" * 300, "../../etc/passwd"])
def test_a_hostile_time_zone_gets_the_usual_clear_message(name: str) -> None:
    with pytest.raises(ScheduleError, match="is not a time zone") as refused:
        zone(name)
    assert len(str(refused.value)) < 200
