"""Importers for what OHCHR publishes (treaty-body session pages, special procedures' visits,
UPR calendars) and for Excel sheets in the CSV's columns.

Each importer only turns a file's shape into the CSV's field mappings; checking the values and
numbering the problems stays in `bot.calendar.rows.parse_rows`, so every format fails the same
way. No importer computes a date from a rule: a date is read from the file or left unknown.
"""

from __future__ import annotations

from bot.calendar.sources._common import Imported
from bot.calendar.sources.special_procedures import read_sp_visits
from bot.calendar.sources.treaty_bodies import read_tb_master_calendar, read_tb_session
from bot.calendar.sources.upr import read_upr_calendar
from bot.calendar.sources.xlsx import read_calendar_xlsx

__all__ = [
    "Imported",
    "read_calendar_xlsx",
    "read_sp_visits",
    "read_tb_master_calendar",
    "read_tb_session",
    "read_upr_calendar",
]
