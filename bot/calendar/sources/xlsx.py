"""Calendar rows from an Excel (.xlsx) sheet laid out like the CSV: a header row with the CSV's
column names, one event a row.

Why: people who keep the calendar in Excel can import it without exporting CSV (which mangles
dates and accents). Problems are reported with the sheet's own row numbers.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import openpyxl  # type: ignore[import-untyped]

from bot.calendar.rows import COLUMNS
from bot.calendar.sources._common import Imported, refuse


def _text(value: Any, precision: str = "") -> str:
    """A cell as the CSV would hold it: dates as YYYY-MM-DD (YYYY-MM for month precision)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.strftime("%Y-%m" if precision == "month" else "%Y-%m-%d")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_calendar_xlsx(
    data: bytes,
    *,
    source_url: str = "",
    retrieved: date | None = None,
    sheet: str | None = None,
) -> Imported:
    """The sheet's rows as CSV field mappings, numbered by spreadsheet row.

    Rows above the header whose first cell starts with "#" are comments, as in the CSV. An
    empty source_url or source_retrieved cell takes `source_url` / `retrieved` when given.
    """
    rows = list(_worksheet(data, sheet).iter_rows(min_row=1, values_only=True))
    header_at, header = _header(rows)
    body = rows[header_at:]
    while body and not any(_text(v) for v in body[-1]):
        body.pop()
    precision_at = header.index("date_precision") if "date_precision" in header else None
    records: list[dict[str, str]] = []
    for number, row in enumerate(body, start=header_at + 1):
        if not any(_text(v) for v in row):
            raise refuse(f"row {number}: empty row inside the table (delete it)")
        precision = _text(row[precision_at]) if precision_at is not None else ""
        records.append(_fields(row, header, precision, source_url=source_url, retrieved=retrieved))
    return Imported(records, first_line=header_at + 1)


def _worksheet(data: bytes, sheet: str | None) -> Any:
    """The named sheet of the workbook, or its first."""
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise refuse("row 1: not an Excel .xlsx file")
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except Exception as exc:  # openpyxl, zlib or the XML parser failing on a corrupt file
        raise refuse(f"row 1: not an Excel .xlsx file ({str(exc).strip()[:200]})") from exc
    if sheet is not None and sheet not in book.sheetnames:
        raise refuse(f"row 1: no sheet {sheet!r} (the file has {', '.join(book.sheetnames)})")
    return book[sheet] if sheet is not None else book.worksheets[0]


def _header(rows: Sequence[Sequence[Any]]) -> tuple[int, list[str]]:
    """The header's row number (the first row neither empty nor a comment) and its column
    names, trailing empty cells dropped."""
    header_at = next(
        (
            number
            for number, row in enumerate(rows, start=1)
            if any(_text(v) for v in row) and not _text(row[0]).startswith("#")
        ),
        None,
    )
    if header_at is None:
        raise refuse("row 1: the sheet is empty")
    header = [_text(v) for v in rows[header_at - 1]]
    while header and not header[-1]:
        header.pop()
    unknown = [name for name in header if name and name not in COLUMNS]
    if unknown:
        raise refuse(f"row {header_at}: unknown columns {unknown} (expected {', '.join(COLUMNS)})")
    return header_at, header


def _fields(
    row: Sequence[Any],
    header: Sequence[str],
    precision: str,
    *,
    source_url: str,
    retrieved: date | None,
) -> dict[str, str]:
    """One sheet row as CSV fields, the import's source and date filling empty cells."""
    fields = {
        name: _text(row[i], precision) if i < len(row) else ""
        for i, name in enumerate(header)
        if name
    }
    if source_url and not fields.get("source_url"):
        fields["source_url"] = source_url
    if retrieved and not fields.get("source_retrieved"):
        fields["source_retrieved"] = retrieved.isoformat()
    return fields
