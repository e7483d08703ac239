"""How many events one calendar import may hold, checked before the file is parsed.

The whole published calendar of every mechanism is a few thousand events; a file of a hundred
thousand is a mistake, and parsing it would hold the command for a minute and a gigabyte of
memory. Counting is cheap (a line or an event marker per event), so the refusal comes first.
"""

from __future__ import annotations

from collections.abc import Sized
from dataclasses import dataclass, field

from bot.calendar.rows import CalendarImportError
from knowledge.ingest.limits import SizeLimit, unzipped_refusal

ICS_EVENT_MARKER = b"BEGIN:VEVENT"


@dataclass(frozen=True, slots=True)
class CalendarLimits:
    """The limits of one calendar import; the settings named are what raise them."""

    file: SizeLimit = field(default_factory=lambda: SizeLimit(20))
    unzipped: SizeLimit = field(default_factory=lambda: SizeLimit(100))
    events: int = 20_000
    events_setting: str | None = None

    def _too_many(self, count: int) -> CalendarImportError:
        raise_it = f" (set {self.events_setting} to raise it)" if self.events_setting else ""
        return CalendarImportError(
            [f"the file holds {count:,} events; the limit is {self.events:,}{raise_it}"]
        )

    def check_before_parsing(self, data: bytes, kind: str) -> None:
        """Refuse an archive that would inflate past the limit, or a CSV or iCalendar file
        with more events than allowed, before it is parsed. `kind` is "csv", "ics", "xlsx",
        "docx" or another format, which is counted after parsing."""
        if kind in ("xlsx", "docx"):
            refusal = unzipped_refusal(data, self.unzipped)
            if refusal is not None:
                raise CalendarImportError([f"cannot read the .{kind} file: {refusal}"])
        if kind == "csv":
            count = data.rstrip(b"\r\n").count(b"\n")  # the lines after the header
        elif kind == "ics":
            count = data.count(ICS_EVENT_MARKER)
        else:
            return
        if count > self.events:
            raise self._too_many(count)

    def check_rows(self, rows: Sized) -> None:
        """Refuse a parsed import with more events than allowed (formats counted only so)."""
        if len(rows) > self.events:
            raise self._too_many(len(rows))
