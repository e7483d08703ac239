"""The yearly per-country overview the Secretariat sends to Resident Coordinators."""

from __future__ import annotations

import html
import io
from collections.abc import Sequence
from dataclasses import dataclass

from docx import Document

from bot.calendar.countries import country_name
from bot.calendar.dates import describe_dates
from bot.calendar.titles import event_title
from bot.db.models import CalendarEvent

MECHANISM_NAMES = {
    "UPR": "Universal Periodic Review",
    "TB": "Treaty bodies",
    "SP": "Special procedures",
    "HRC": "Human Rights Council",
}
UNCT_ACTION = {
    "review": "Brief the delegation's partners, follow the dialogue and note recommendations.",
    "submission_deadline": "Prepare or coordinate the UN country team's submission in time.",
    "list_of_issues": "Share information with the committee before the list of issues is adopted.",
    "outcome_adoption": "Plan follow-up of the recommendations with the government and partners.",
    "visit": "Support the mandate holder's team with the programme and meetings.",
    "midterm_report": "Offer support to the government's voluntary mid-term report.",
}


@dataclass(frozen=True, slots=True)
class OverviewItem:
    """One line of the overview."""

    when: str
    what: str
    action: str
    source: str
    status: str


def overview_items(events: Sequence[CalendarEvent], year: int) -> dict[str, list[OverviewItem]]:
    """The year's events by mechanism (in the order UPR, TB, SP, HRC), earliest first."""
    grouped: dict[str, list[OverviewItem]] = {}
    for mechanism in MECHANISM_NAMES:
        for event in events:
            if event.mechanism != mechanism or event.start_date is None:
                continue
            last = event.end_date or event.start_date
            if not event.start_date.year <= year <= last.year:
                continue
            grouped.setdefault(mechanism, []).append(
                OverviewItem(
                    when=describe_dates(event.start_date, event.end_date, event.date_precision),
                    what=event_title(event),
                    action=UNCT_ACTION.get(event.event_type, ""),
                    source=event.source_url,
                    status=event.status,
                )
            )
    return grouped


def overview_markdown(events: Sequence[CalendarEvent], *, country: str, year: int) -> str:
    """The overview as Markdown."""
    lines = [
        f"# {country_name(country)}: engagements with the human-rights mechanisms in {year}",
        "",
    ]
    grouped = overview_items(events, year)
    if not grouped:
        lines.append(f"No engagement with a published date in {year} is recorded yet.")
    for mechanism, items in grouped.items():
        lines += [f"## {MECHANISM_NAMES[mechanism]}", ""]
        for item in items:
            lines.append(f"- **{item.when}** — {item.what} ({item.status}). {item.action}")
            if item.source:
                lines.append(f"  Source: {item.source}")
        lines.append("")
    return "\n".join(lines)


def overview_html(events: Sequence[CalendarEvent], *, country: str, year: int) -> str:
    """The overview as a standalone HTML page."""
    heading = f"{country_name(country)}: engagements with the human-rights mechanisms in {year}"
    parts = [
        '<!doctype html><html lang="en"><meta charset="utf-8">',
        f"<title>{html.escape(heading)}</title>",
        f"<h1>{html.escape(heading)}</h1>",
    ]
    grouped = overview_items(events, year)
    if not grouped:
        parts.append(f"<p>No engagement with a published date in {year} is recorded yet.</p>")
    for mechanism, items in grouped.items():
        parts.append(f"<h2>{html.escape(MECHANISM_NAMES[mechanism])}</h2><ul>")
        for item in items:
            source = f' <a href="{html.escape(item.source)}">source</a>' if item.source else ""
            parts.append(
                f"<li><strong>{html.escape(item.when)}</strong> — {html.escape(item.what)} "
                f"({html.escape(item.status)}). {html.escape(item.action)}{source}</li>"
            )
        parts.append("</ul>")
    return "".join(parts) + "</html>\n"


def overview_docx(events: Sequence[CalendarEvent], *, country: str, year: int) -> bytes:
    """The overview as a Word document, the format letters to RCs are sent in."""
    document = Document()
    document.add_heading(
        f"{country_name(country)}: engagements with the human-rights mechanisms in {year}", 0
    )
    grouped = overview_items(events, year)
    if not grouped:
        document.add_paragraph(f"No engagement with a published date in {year} is recorded yet.")
    for mechanism, items in grouped.items():
        document.add_heading(MECHANISM_NAMES[mechanism], 1)
        for item in items:
            paragraph = document.add_paragraph(style="List Bullet")
            paragraph.add_run(item.when).bold = True
            paragraph.add_run(f" — {item.what} ({item.status}). {item.action}")
            if item.source:
                paragraph.add_run(f" Source: {item.source}")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
