"""Special procedures' country visits from OHCHR's visits tables ("Country and other visits by
Special Procedures", "Country visits of Special Procedures of the Human Rights Council since
1998"): country, mandate, the visit's dates or its status (requested, accepted, pending).

Why: a visit requested or accepted is what a country team prepares for, long before dates are
set. Such a visit becomes a row with unknown dates, marked as expected; a date is never guessed.
"""

from __future__ import annotations

import hashlib
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
    slug,
)
from bot.calendar.sources._html import Page, Table, read_page

_COLUMNS = (
    ("country", re.compile(r"^(countr|state)", re.I)),
    ("mandate", re.compile(r"mandate|special procedure|rapporteur|expert|working group", re.I)),
    ("dates", re.compile(r"date|period|when", re.I)),
    ("status", re.compile(r"status|visit", re.I)),
)
_EXPECTED = re.compile(
    r"\b(request(ed)?|pending|accepted|agreed in principle|reminder|invit(ed|ation)|"
    r"dates? to be (agreed|set|confirmed)|forthcoming|scheduled)\b",
    re.I,
)
_DECLINED = re.compile(r"\b(declined|refused|withdrawn)\b", re.I)
_NOT_FOUND = "this does not look like an OHCHR special procedures country-visits table"
EXPECTED_NOTE = "expected, date not yet published"


_TITLES = (
    (re.compile(r"^special-rapporteur-(on-|for-)?(the-)?"), "sr-"),
    (re.compile(r"^independent-expert-(on-|for-)?(the-)?"), "ie-"),
    (re.compile(r"^working-group-(on-|for-)?(the-)?"), "wg-"),
)


def mandate_key(mandate: str) -> str:
    """A short, stable id part for a mandate: "sr-minority-issues-1a2b3c" (the hash keeps two
    mandates with the same opening words apart)."""
    text = slug(mandate, 120)
    for pattern, short in _TITLES:
        text = pattern.sub(short, text)
    digest = hashlib.sha1(clean(mandate).casefold().encode()).hexdigest()[:6]
    return f"{text[:40].strip('-')}-{digest}"


def _columns(table: Table) -> tuple[int, dict[str, int]] | None:
    for index, row in enumerate(table.grid[:3]):
        columns: dict[str, int] = {}
        for col, cell in enumerate(row):
            for key, pattern in _COLUMNS:
                if key not in columns and pattern.search(cell):
                    columns[key] = col
                    break
        if {"country", "mandate"} <= set(columns) and ({"dates", "status"} & set(columns)):
            return index, columns
    return None


def read_sp_visits(data: bytes | str, *, source_url: str, retrieved: date) -> Imported:
    """One `visit` row per visit in the table: dated as published, or unknown and tentative
    when the visit is only requested, pending or accepted. A declined request gives no row, and
    a mandate's repeated requests (reminders) to one country give one row."""
    table, top, columns = _visits_table(read_page(decode(data)))
    records: list[dict[str, str]] = []
    seen: set[str] = set()
    for offset, row in enumerate(table.grid[top + 1 :], start=top + 2):
        cell = {key: clean(row[col]) if col < len(row) else "" for key, col in columns.items()}
        if not cell["country"] or not cell["mandate"]:
            continue
        visit = _row_visit(offset, cell, source_url=source_url, retrieved=retrieved)
        if visit is None or visit["event_id"] in seen:
            continue
        seen.add(visit["event_id"])
        records.append(visit)
    if not records:
        raise refuse(f"{_NOT_FOUND}: the table lists no visit")
    return Imported(records, first_line=1)


def _visits_table(page: Page) -> tuple[Table, int, dict[str, int]]:
    """The page's first table of visits, its header row and its columns by key."""
    found = next(((t, c) for t in page.tables if (c := _columns(t))), None)
    if found is None:
        raise refuse(f"{_NOT_FOUND}: no table with country, mandate and visit dates found")
    table, (top, columns) = found
    return table, top, columns


def _row_visit(
    offset: int, cell: dict[str, str], *, source_url: str, retrieved: date
) -> dict[str, str] | None:
    """The visit one table row (number `offset`) publishes; None for a declined request."""
    said = " ".join(filter(None, (cell.get("dates", ""), cell.get("status", ""))))
    try:
        span = read_dates(cell.get("dates", "")) or read_dates(cell.get("status", ""))
    except ValueError as exc:
        raise refuse(f"row {offset}: visit dates {said!r}: {exc}") from exc
    if span is None and _DECLINED.search(said):
        return None
    if span is None and not _EXPECTED.search(said):
        raise refuse(
            f"row {offset}: no visit dates and no status such as requested, "
            f"accepted or pending in {said!r}"
        )
    iso3, name, key = country_fields(cell["country"])
    event_id = f"sp-{mandate_key(cell['mandate'])}-{key}-visit-" + (
        span.start.isoformat() if span else "expected"
    )
    return _visit(
        event_id,
        cell["mandate"],
        iso3,
        name,
        span=span,
        said=said,
        source_url=source_url,
        retrieved=retrieved,
    )


def _visit(
    event_id: str,
    mandate: str,
    iso3: str,
    name: str,
    *,
    span: Span | None,
    said: str,
    source_url: str,
    retrieved: date,
) -> dict[str, str]:
    if span is None:
        word = _EXPECTED.search(said)
        status_word = word[0].casefold() if word else "requested"
        dates = {"start_date": "unknown", "end_date": "unknown", "date_precision": "unknown"}
        status, notes = "tentative", f"{EXPECTED_NOTE} (status published: {status_word})"
    else:
        dates = span.fields()
        status = settle(published_status(said) or "confirmed", span, retrieved)
        notes = "Visit dates as published in the country-visits table."
    return record(
        event_id=event_id,
        mechanism="SP",
        body=mandate,
        country_iso3=iso3,
        country_name=name,
        event_type="visit",
        status=status,
        source_url=source_url,
        source_retrieved=retrieved.isoformat(),
        notes=notes,
        **dates,
    )
