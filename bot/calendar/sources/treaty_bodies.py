"""Treaty-body reviews from OHCHR's pages: a session's page (tbinternet.ohchr.org "Session
details", or an ohchr.org session page) and a calendar table of sessions.

Why: committees publish who they review, and when, on these pages first; reading them saves
retyping each State into the CSV. A dialogue date is used when the page gives one; otherwise
the row carries the session's dates and says that the day is not recorded.
"""

from __future__ import annotations

import re
from datetime import date

from bot.calendar.sources._common import (
    Imported,
    Span,
    clean,
    country_fields,
    decode,
    published_status,
    read_dates,
    record,
    refuse,
    settle,
    split_names,
)
from bot.calendar.sources._html import Page, Table, read_page

COMMITTEES = ("CEDAW", "CRC", "CESCR", "CCPR", "CAT", "CERD", "CRPD", "CMW", "CED")
_NAMES = (
    ("CEDAW", r"Elimination of (All Forms of )?Discrimination against Women"),
    ("CERD", r"Elimination of (All Forms of )?Racial Discrimination"),
    ("CESCR", r"Economic, Social and Cultural Rights"),
    ("CRPD", r"Rights of Persons with Disabilities"),
    ("CRC", r"Rights of the Child"),
    ("CMW", r"Migrant Workers"),
    ("CED", r"Enforced Disappearances?"),
    ("CAT", r"(Committee|Convention) against Torture"),
    ("CCPR", r"Human Rights Committee|Civil and Political Rights"),
)
_ACRONYM = re.compile(r"\b(" + "|".join(COMMITTEES) + r")\b")
_SESSION = re.compile(
    r"\b(?:(?P<a>\d{1,3})(?:st|nd|rd|th)?\s+[Ss]ession|[Ss]ession\s+(?:No\.?\s*)?(?P<b>\d{1,3}))\b"
)
_COUNTRY_HEADER = re.compile(r"^(countr|state|states? part)", re.I)
_DIALOGUE_HEADER = re.compile(r"dialogue|date|review|consideration", re.I)
_NOT_FOUND = "this does not look like an OHCHR treaty-body session page"
_TB_ID = "ctl00_PlaceHolderMain_tdTreatyName"
_NO_DAY = "Session window; the day of the State's own dialogue is not recorded on the page."
_DAY = "Dialogue date(s) as published on the session page."


def committee(text: str) -> str | None:
    """The committee's acronym from "CEDAW - Convention on ..." or from its name."""
    found = _ACRONYM.search(text)
    if found:
        return found[1]
    for acronym, name in _NAMES:
        if re.search(name, text, re.I):
            return acronym
    return None


def _session(text: str) -> tuple[str, Span | None] | None:
    found = _SESSION.search(text)
    if not found:
        return None
    rest = text[found.end() : found.end() + 120]
    try:
        span = read_dates(rest.split("\n")[0]) or read_dates(rest)
    except ValueError:
        span = None
    return found["a"] or found["b"], span


def _header(table: Table) -> tuple[int, int, int | None] | None:
    """(header row, country column, dialogue column) of a table of States, or None."""
    for index, row in enumerate(table.grid[:3]):
        country = next((i for i, cell in enumerate(row) if _COUNTRY_HEADER.match(cell)), None)
        if country is None:
            continue
        dialogue = next(
            (i for i, cell in enumerate(row) if i != country and _DIALOGUE_HEADER.search(cell)),
            None,
        )
        return index, country, dialogue
    return None


def read_tb_session(data: bytes | str, *, source_url: str, retrieved: date) -> Imported:
    """One `review` row per State in the session page's table of States parties."""
    page = read_page(decode(data))
    acronym = _page_committee(page)
    number, window = _page_session(page)
    table, top, country_col, dialogue_col = _states_table(page)
    heading_line = (table.before.splitlines() or [""])[-1]  # the heading just above the table
    page_status = published_status(table.caption + "\n" + heading_line) or "confirmed"
    records: list[dict[str, str]] = []
    for offset, row in enumerate(table.grid[top + 1 :], start=top + 2):
        name = row[country_col] if country_col < len(row) else ""
        if not clean(name):
            continue
        said = row[dialogue_col] if dialogue_col is not None and dialogue_col < len(row) else ""
        span = _dialogue(offset, said, window=window, name=name)
        records.append(
            _review(
                acronym,
                number,
                name.split("\n")[0],
                span=span or window,
                status=published_status(" ".join(row)) or page_status,
                retrieved=retrieved,
                source_url=source_url,
                notes=_DAY if span else _NO_DAY,
            )
        )
    if not records:
        raise refuse(f"{_NOT_FOUND}: the table of States parties is empty")
    return Imported(records, first_line=1)


def _page_committee(page: Page) -> str:
    """The acronym of the committee whose session the page is about."""
    heading = page.ids.get(_TB_ID) or page.text
    acronym = committee(heading) or committee(page.text[:3000])
    if acronym is None:
        raise refuse(f"{_NOT_FOUND}: no committee named ({', '.join(COMMITTEES)})")
    return acronym


def _page_session(page: Page) -> tuple[str, Span | None]:
    """The session's number and dates, from the elements labelled as the session first."""
    labelled = [text for name, text in page.ids.items() if "session" in name.casefold()]
    session = next((s for text in labelled if (s := _session(text))), None) or _session(page.text)
    if session is None:
        raise refuse(f"{_NOT_FOUND}: no session number found")
    return session


def _states_table(page: Page) -> tuple[Table, int, int, int | None]:
    """The table of States parties, its header row, country column and dialogue column."""
    found = next(((t, h) for t in page.tables if (h := _header(t))), None)
    if found is None:
        raise refuse(f"{_NOT_FOUND}: no table of States parties found")
    table, (top, country_col, dialogue_col) = found
    return table, top, country_col, dialogue_col


def _dialogue(offset: int, said: str, *, window: Span | None, name: str) -> Span | None:
    """The dialogue date a row gives (its year may come from the session `window`), or None
    when the row gives none and the session's dates stand in."""
    try:
        span = read_dates(said, within=window) if clean(said) else None
    except ValueError as exc:
        raise refuse(f"row {offset}: dialogue date {clean(said)!r}: {exc}") from exc
    if clean(said) and span is None:
        raise refuse(f"row {offset}: dialogue date {clean(said)!r} is not a date")
    if span is None and window is None:
        raise refuse(f"{_NOT_FOUND}: no session dates found and no dialogue date for {name!r}")
    return span


def _review(
    acronym: str,
    number: str,
    name: str,
    *,
    span: Span | None,
    status: str,
    retrieved: date,
    source_url: str,
    notes: str,
) -> dict[str, str]:
    iso3, shown, key = country_fields(name)
    dates = (
        span.fields()
        if span
        else {"start_date": "unknown", "end_date": "unknown", "date_precision": "unknown"}
    )
    return record(
        event_id=f"tb-{acronym.lower()}-{number}-{key}-review",
        mechanism="TB",
        body=acronym,
        cycle_or_session=number,
        country_iso3=iso3,
        country_name=shown,
        event_type="review",
        status=settle(status, span, retrieved),
        source_url=source_url,
        source_retrieved=retrieved.isoformat(),
        notes=notes,
        **dates,
    )


_CAL_COMMITTEE = re.compile(r"committee|treaty|body", re.I)
_CAL_SESSION = re.compile(r"session", re.I)
_CAL_DATES = re.compile(r"date", re.I)
_CAL_STATES = re.compile(r"state|countr|review", re.I)
_CAL_STATUS = re.compile(r"status", re.I)
_NOT_CALENDAR = "this does not look like a treaty-body calendar of sessions"


def _calendar_columns(table: Table) -> tuple[int, dict[str, int]] | None:
    for index, row in enumerate(table.grid[:3]):
        columns: dict[str, int] = {}
        for col, cell in enumerate(row):
            for key, pattern in (
                ("committee", _CAL_COMMITTEE),
                ("session", _CAL_SESSION),
                ("dates", _CAL_DATES),
                ("states", _CAL_STATES),
                ("status", _CAL_STATUS),
            ):
                if key not in columns and pattern.search(cell):
                    columns[key] = col
                    break
        if {"committee", "session", "dates", "states"} <= set(columns):
            return index, columns
    return None


def read_tb_master_calendar(data: bytes | str, *, source_url: str, retrieved: date) -> Imported:
    """One `review` row per State listed against a session in a calendar-of-sessions table.

    The calendar gives sessions, not dialogue days, so each row carries the session's dates and
    says so; a session listing no State gives no row (there is no country to file it under).
    """
    table, top, columns = _calendar_table(read_page(decode(data)))
    page_status = published_status(table.caption) or "confirmed"
    records: list[dict[str, str]] = []
    for offset, row in enumerate(table.grid[top + 1 :], start=top + 2):
        cell = {key: (row[col] if col < len(row) else "") for key, col in columns.items()}
        if any(clean(value) for value in cell.values()):
            records += _calendar_reviews(
                offset, cell, page_status=page_status, source_url=source_url, retrieved=retrieved
            )
    if not records:
        raise refuse(f"{_NOT_CALENDAR}: no State is listed against any session")
    return Imported(records, first_line=1)


def _calendar_table(page: Page) -> tuple[Table, int, dict[str, int]]:
    """The page's calendar-of-sessions table, its header row and its columns by key."""
    found = next(((t, c) for t in page.tables if (c := _calendar_columns(t))), None)
    if found is None:
        raise refuse(
            f"{_NOT_CALENDAR}: no table with committee, session, dates and States columns found"
        )
    table, (top, columns) = found
    return table, top, columns


def _calendar_reviews(
    offset: int, cell: dict[str, str], *, page_status: str, source_url: str, retrieved: date
) -> list[dict[str, str]]:
    """The reviews one calendar row (number `offset`) lists, one per State."""
    acronym = committee(cell["committee"])
    if acronym is None:
        raise refuse(
            f"row {offset}: committee {clean(cell['committee'])!r} is not one of "
            f"{', '.join(COMMITTEES)}"
        )
    number = re.search(r"\d{1,3}", cell["session"])
    if number is None:
        raise refuse(f"row {offset}: no session number in {clean(cell['session'])!r}")
    span = _session_dates(offset, cell["dates"])
    status = published_status(cell.get("status", "") + " " + cell["dates"]) or page_status
    return [
        _review(
            acronym,
            number[0],
            name,
            span=span,
            status=status,
            retrieved=retrieved,
            source_url=source_url,
            notes=_NO_DAY,
        )
        for name in split_names(cell["states"])
    ]


def _session_dates(offset: int, text: str) -> Span:
    """A calendar row's session dates, which it must give."""
    try:
        span = read_dates(text)
    except ValueError as exc:
        raise refuse(f"row {offset}: dates {clean(text)!r}: {exc}") from exc
    if span is None:
        raise refuse(f"row {offset}: dates {clean(text)!r} are not dates")
    return span
