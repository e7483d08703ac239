"""Members' text in a CSV cell, as a spreadsheet shows it, never runs it: the guard of
every CSV the project writes (`huribot queue export`, the dashboard's downloads)."""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(text: str) -> str:
    """Excel and LibreOffice read a cell starting with = + - @ (or a tab or return) as a
    formula, so such text gets a leading apostrophe (the spreadsheets' own "this is text"
    mark)."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text
