"""The yearly letter the Secretariat sends each Resident Coordinator (RC): "a comprehensive
overview of all upcoming reviews by treaty bodies, the UPR and forthcoming visits of Special
Procedures mandate holders" for the country, in English, French or Spanish.

`build_letter` gathers what the letter says (one table per mechanism, the engagements whose
date is not yet published, the contact, the date of the data); `bot.calendar.letter_render`
writes it as Markdown, HTML or Word, and `bot.calendar.letter_pdf` as PDF. Dates are never more
precise than published; every row links to its source.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlparse

from bot.calendar.actions import action_for
from bot.calendar.countries import country_name
from bot.calendar.dates import describe_dates
from bot.calendar.freshness import Freshness
from bot.calendar.letter_wording import say
from bot.calendar.titles import SESSION_WORD, acting_body, for_stakeholders, who_submits
from bot.calendar.wording import EVENT_KINDS, MECHANISM_NAMES, named
from bot.db.models import CalendarEvent

DEFAULT_CONTACT = "HuriTALK Secretariat"

SOURCE_NAMES = {
    "ohchr.org": "OHCHR",
    "ungeneva.org": "UN Geneva",
    "unognewsroom.org": "UN Geneva",
    "un.org": "United Nations",
    "upr-info.org": "UPR Info",
}
"""Short link texts for the sites the calendar cites most (others show their domain)."""


@dataclass(frozen=True, slots=True)
class LetterRow:
    """One engagement: one row of a table."""

    body: str
    dates: str
    action: str
    deadline: str
    source_url: str
    source_label: str


@dataclass(frozen=True, slots=True)
class Letter:
    """Everything the letter says, in its language, ready to render."""

    country: str
    year: int
    language: str
    title: str
    addressee: str
    greeting: str
    opening: str
    columns: tuple[str, ...]
    sections: tuple[tuple[str, tuple[LetterRow, ...]], ...]
    """(mechanism name, rows) in the order UPR, treaty bodies, special procedures, Council."""
    nothing: str
    """Said instead of the tables when no engagement is dated in the year."""
    undated_title: str
    undated: tuple[LetterRow, ...]
    closing: str
    contact: str
    as_of: str

    def file_name(self, extension: str) -> str:
        """`KEN-2025-fr.pdf`."""
        return f"{self.country}-{self.year}-{self.language}.{extension}"

    def tables(self) -> list[tuple[str, tuple[LetterRow, ...]]]:
        """(heading, rows) of every table, in order: the sections, then the undated ones."""
        tables = list(self.sections)
        if self.undated:
            tables.append((self.undated_title, self.undated))
        return tables


def in_year(event: CalendarEvent, year: int) -> bool:
    """Whether the event has a published date touching the year."""
    if event.start_date is None or event.date_precision == "unknown":
        return False
    return event.start_date.year <= year <= (event.end_date or event.start_date).year


def is_undated(event: CalendarEvent) -> bool:
    """Expected but not dated yet (a held, closed or withdrawn event is not expected)."""
    unknown = event.start_date is None or (
        event.status == "tentative" and event.date_precision == "unknown"
    )
    return unknown and event.status not in {"held", "closed", "cancelled", "postponed"}


def countries_in_year(events: Sequence[CalendarEvent], year: int) -> list[str]:
    """The countries with at least one engagement dated in the year, by code."""
    return sorted({event.country for event in events if in_year(event, year)})


def source_label(url: str) -> str:
    """ "OHCHR", "UN Geneva", or the site's domain: the text of a source's link."""
    host = (urlparse(url).hostname or "").removeprefix("www.")
    for domain, name in SOURCE_NAMES.items():
        if host == domain or host.endswith(f".{domain}"):
            return name
    return host or url


def _row(event: CalendarEvent, language: str) -> LetterRow:
    kind = named(EVENT_KINDS, event.event_type, language)
    session = ""  # "(session 49)", "(HRC 60)"; a visit's "session" is only its year
    if event.session and event.mechanism != "SP":
        word = f"{SESSION_WORD.get(language, 'session')} " if event.session.isdigit() else ""
        session = f" ({word}{event.session})"
    colon = " :" if language == "fr" else ":"
    dates = describe_dates(event.start_date, event.end_date, event.date_precision, language)
    if event.status in {"tentative", "cancelled", "postponed"}:
        dates = f"{dates} ({say(event.status, language)})"
    stakeholders = for_stakeholders(event)
    who = who_submits(event.deadline_for, language)
    deadline = say("supports", language, who=who) if stakeholders else who or "—"
    return LetterRow(
        body=f"{acting_body(event, language)}{colon} {kind}{session}",
        dates=dates,
        action=action_for(event.mechanism, event.event_type, language, stakeholders=stakeholders),
        deadline=deadline,
        source_url=event.source_url,
        source_label=source_label(event.source_url) if event.source_url else "",
    )


def build_letter(
    events: Sequence[CalendarEvent],
    *,
    country: str,
    year: int,
    language: str = "en",
    as_of: date | None = None,
    unct: str = "",
    rc: str = "",
    contact: str = DEFAULT_CONTACT,
    freshness: Freshness | None = None,
) -> Letter:
    """The letter for one country's RC, from that country's events (others are ignored).
    When nothing is dated in the year and the calendar (`freshness`) does not reach into it,
    the letter says the calendar is out of date rather than that nothing is planned."""
    mine = [event for event in events if event.country == country]
    dated = [event for event in mine if in_year(event, year) and not is_undated(event)]
    sections = _sections(dated, language)
    name = country_name(country, language)
    return Letter(
        country=country,
        year=year,
        language=language,
        title=say("title", language, country=name, year=year),
        addressee=_addressee(name, language, unct=unct, rc=rc),
        greeting=say("dear", language, who=rc or say("dear_rc", language)),
        opening=say("opening", language, country=name, year=year),
        columns=tuple(say("columns", language).split("|")),
        sections=sections,
        nothing="" if sections else _nothing(freshness, year, language),
        undated_title=say("undated", language),
        undated=tuple(_row(event, language) for event in mine if is_undated(event)),
        closing=say("closing", language),
        contact=say("contact", language, contact=contact),
        as_of=_as_of(mine, freshness, as_of or date.today(), language),
    )


def _sections(
    dated: Sequence[CalendarEvent], language: str
) -> tuple[tuple[str, tuple[LetterRow, ...]], ...]:
    """One (mechanism name, rows) per mechanism with a dated engagement, in `MECHANISM_NAMES`
    order."""
    return tuple(
        (named(MECHANISM_NAMES, mechanism, language), rows)
        for mechanism in MECHANISM_NAMES
        if (rows := tuple(_row(e, language) for e in dated if e.mechanism == mechanism))
    )


def _addressee(country: str, language: str, *, unct: str, rc: str) -> str:
    """ "To: {rc}, Resident Coordinator, {unct}", the team named after the country by default."""
    return say(
        "to",
        language,
        rc=f"{rc}, " if rc else "",
        unct=unct or say("team", language, country=country),
    )


def _as_of(
    events: Sequence[CalendarEvent], freshness: Freshness | None, prepared: date, language: str
) -> str:
    """When the data was read (the newest retrieval among the events, else the calendar's last
    import) and when the letter was prepared."""
    retrieved = [e.source_retrieved for e in events if e.source_retrieved]
    if not retrieved and freshness is not None and freshness.data_as_of is not None:
        retrieved = [freshness.data_as_of]
    data = _day(max(retrieved), language) if retrieved else say("not_recorded", language)
    return say("as_of", language, data=data, prepared=_day(prepared, language))


def _nothing(freshness: Freshness | None, year: int, language: str) -> str:
    if freshness is not None and (freshness.reaches is None or freshness.reaches.year < year):
        return freshness.note(language, for_readers=False)
    return say("nothing", language, year=year)


def _day(day: date, language: str) -> str:
    return describe_dates(day, day, "day", language)
