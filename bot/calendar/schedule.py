"""When calendar messages are due: cron cadences and reminder times, in the subscriber's
local time, converted to UTC for storage.

Cron expressions are evaluated on local wall-clock time, so "the 1st at 09:00" stays 09:00
for the country team when daylight-saving time starts or ends.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_CADENCE = "0 9 1 * *"
"""Monthly, on the 1st at 09:00."""
DEFAULT_LEAD_DAYS = (90, 30, 7)
DEFAULT_REMINDER_TIME = "09:00"
MAX_LEAD_DAYS = 366


class ScheduleError(ValueError):
    """A cadence, time zone, time of day or lead time that cannot be used, with the fix."""


@dataclass(frozen=True, slots=True)
class Schedule:
    """How often a subscription hears from the bot, checked when it is made."""

    cadence: str = DEFAULT_CADENCE
    timezone: str = "UTC"
    reminder_time: str = DEFAULT_REMINDER_TIME
    lead_days: tuple[int, ...] = DEFAULT_LEAD_DAYS

    def __post_init__(self) -> None:
        from croniter import croniter  # noqa: PLC0415  (the settings import this module)

        if not croniter.is_valid(self.cadence) or len(self.cadence.split()) != 5:
            raise ScheduleError(
                f"'{self.cadence}' is not a cadence: use five cron fields, "
                "e.g. '0 9 1 * *' for the 1st of each month at 09:00."
            )
        zone(self.timezone)
        parse_time_of_day(self.reminder_time)
        if any(not 0 < lead <= MAX_LEAD_DAYS for lead in self.lead_days):
            raise ScheduleError(f"Reminder lead times must be between 1 and {MAX_LEAD_DAYS} days.")


LONGEST_ZONE_NAME = 64
"""IANA names are at most 30-odd characters; anything much longer is not one (and a very long
one makes the zone lookup fail with an operating-system error, not a clear message)."""


def zone(name: str) -> ZoneInfo:
    """The IANA time zone, or a ScheduleError naming an example."""
    shown = name if len(name) <= LONGEST_ZONE_NAME else f"{name[:LONGEST_ZONE_NAME]}…"
    problem = ScheduleError(
        f"'{shown}' is not a time zone: use an IANA name such as Africa/Nairobi."
    )
    if len(name) > LONGEST_ZONE_NAME:
        raise problem
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:
        raise problem from exc


def parse_time_of_day(text: str) -> time:
    """`HH:MM` as a time, or a ScheduleError."""
    try:
        return time.fromisoformat(text)
    except ValueError as exc:
        raise ScheduleError(f"'{text}' is not a time of day: use HH:MM, e.g. 09:00.") from exc


def parse_lead_days(text: str) -> tuple[int, ...]:
    """`90,30,7` as lead times, largest first."""
    try:
        leads = {int(part) for part in text.split(",") if part.strip()}
    except ValueError as exc:
        raise ScheduleError(f"'{text}' is not a list of days: use e.g. 90,30,7.") from exc
    return tuple(sorted(leads, reverse=True))


def local_to_utc(wall: datetime, timezone: str) -> datetime:
    """A local wall-clock time as UTC. In the hour repeated when clocks go back the first
    occurrence is taken; a time skipped when clocks go forward lands just after the jump."""
    return wall.replace(tzinfo=zone(timezone)).astimezone(UTC)


def next_run(cadence: str, timezone: str, *, after: datetime) -> datetime:
    """The first time strictly after `after` (UTC) that the cadence names, in UTC."""
    local_zone = zone(timezone)
    wall = after.astimezone(local_zone).replace(tzinfo=None)
    from croniter import croniter  # noqa: PLC0415  (a fiftieth of a second, for the calendar)

    runs = croniter(cadence, wall)
    while True:
        candidate = local_to_utc(runs.get_next(datetime), timezone)
        if candidate > after:
            return candidate


def reminder_due(event_date: date, lead_days: int, schedule: Schedule) -> datetime:
    """When the reminder `lead_days` before an event is due (UTC)."""
    wall = datetime.combine(
        event_date - timedelta(days=lead_days), parse_time_of_day(schedule.reminder_time)
    )
    return local_to_utc(wall, schedule.timezone)


def local_date(moment: datetime, timezone: str) -> date:
    """The subscriber's calendar date at a moment."""
    return moment.astimezone(zone(timezone)).date()


WEEKDAYS = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")


def describe_cadence(cadence: str) -> str:
    """A cadence as people say it ("monthly on the 1st at 09:00"); unusual ones as cron."""
    minute, hour, day, month, weekday = cadence.split()
    if not (minute.isdigit() and hour.isdigit()) or month != "*":
        return f"`{cadence}`"
    at = f"at {int(hour):02d}:{int(minute):02d}"
    if day == "*" and weekday == "*":
        return f"daily {at}"
    if day == "*" and weekday.isdigit() and int(weekday) <= 7:
        return f"weekly on {WEEKDAYS[int(weekday) % 7]} {at}"
    if weekday == "*" and day.isdigit():
        return f"monthly on the {_ordinal(int(day))} {at}"
    return f"`{cadence}`"


def _ordinal(number: int) -> str:
    suffix = (
        "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    )
    return f"{number}{suffix}"
