"""The yearly letter the Secretariat sends each Resident Coordinator (RC): "a comprehensive
overview of all upcoming reviews by treaty bodies, the UPR and forthcoming visits of Special
Procedures mandate holders" for the country, in English, French or Spanish.

`build_letter` gathers what the letter says (one table per mechanism, the engagements whose
date is not yet published, the contact, the date of the data); the renderers here write it as
Markdown, HTML or Word, and `bot.calendar.letter_pdf` as PDF. Dates are never more precise
than published; every row links to its source.
"""

from __future__ import annotations

import html
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlparse

from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

from bot.calendar import letter_pdf
from bot.calendar.actions import action_for
from bot.calendar.countries import country_name
from bot.calendar.dates import describe_dates
from bot.calendar.freshness import Freshness
from bot.calendar.titles import SESSION_WORD, acting_body, for_stakeholders, who_submits
from bot.calendar.wording import EVENT_KINDS, MECHANISM_NAMES, named
from bot.db.models import CalendarEvent

DEFAULT_CONTACT = "HuriTALK Secretariat"
FORMATS = ("md", "html", "docx", "pdf")

PHRASES: dict[str, dict[str, str]] = {
    "title": {
        "en": "{country}: engagements with the human rights mechanisms in {year}",
        "fr": "{country} : échéances avec les mécanismes des droits de l'homme en {year}",
        "es": "{country}: compromisos con los mecanismos de derechos humanos en {year}",
    },
    "to": {
        "en": "To: {rc}Resident Coordinator, {unct}",
        "fr": "À : {rc}Coordonnateur résident, {unct}",
        "es": "A: {rc}Coordinador Residente, {unct}",
    },
    "team": {
        "en": "UN country team, {country}",
        "fr": "équipe de pays des Nations Unies, {country}",
        "es": "equipo de las Naciones Unidas en el país, {country}",
    },
    "dear": {"en": "Dear {who},", "fr": "Madame, Monsieur,", "es": "Estimado/a {who}:"},
    "dear_rc": {"en": "Resident Coordinator", "fr": "", "es": "Coordinador/a Residente"},
    "opening": {
        "en": "As every year, the Secretariat shares with you a comprehensive overview of all "
        "upcoming reviews by treaty bodies, the Universal Periodic Review and forthcoming visits "
        "of Special Procedures mandate holders for {country} in {year}. For each engagement, "
        "the tables give the dates as published, what the UN country team can do, the deadline "
        "and who submits, and the source.",
        "fr": "Comme chaque année, le Secrétariat vous adresse un aperçu complet des examens à "
        "venir par les organes conventionnels et l'Examen périodique universel, et des visites "
        "prévues des titulaires de mandat au titre des procédures spéciales, en {year} "
        "({country}). Pour chaque échéance, les tableaux indiquent les dates telles que "
        "publiées, ce que l'équipe de pays peut faire, la date limite et qui soumet, et la "
        "source.",
        "es": "Como cada año, la Secretaría le envía un panorama completo de los próximos "
        "exámenes de los órganos de tratados y del Examen Periódico Universal, y de las visitas "
        "previstas de titulares de mandatos de los procedimientos especiales, para {country} en "
        "{year}. Para cada compromiso, los cuadros indican las fechas tal como se publicaron, lo "
        "que puede hacer el equipo de país, el plazo y quién presenta, y la fuente.",
    },
    "columns": {
        "en": "Body|Dates (as published)|What the UNCT can do|Deadline / who submits|Source",
        "fr": "Organe|Dates (telles que publiées)|Ce que l'équipe de pays peut faire|"
        "Date limite / qui soumet|Source",
        "es": "Órgano|Fechas (según lo publicado)|Qué puede hacer el equipo de país|"
        "Plazo / quién presenta|Fuente",
    },
    "undated": {
        "en": "Expected, date not yet published",
        "fr": "Prévu, date pas encore publiée",
        "es": "Previsto, fecha aún no publicada",
    },
    "nothing": {
        "en": "No engagement with a published date in {year} is recorded yet.",
        "fr": "Aucune échéance avec une date publiée en {year} n'est encore enregistrée.",
        "es": "Aún no se ha registrado ningún compromiso con fecha publicada en {year}.",
    },
    "supports": {
        "en": "{who}: the UNCT supports their submission",
        "fr": "{who} : l'équipe de pays appuie leur contribution",
        "es": "{who}: el equipo de país apoya su contribución",
    },
    "closing": {
        "en": "The Secretariat remains at your disposal for any question.",
        "fr": "Le Secrétariat reste à votre disposition pour toute question.",
        "es": "La Secretaría queda a su disposición para cualquier consulta.",
    },
    "contact": {
        "en": "Contact: {contact}",
        "fr": "Contact : {contact}",
        "es": "Contacto: {contact}",
    },
    "as_of": {
        "en": "Data as of {data}; prepared on {prepared}.",
        "fr": "Données à jour au {data} ; préparé le {prepared}.",
        "es": "Datos al {data}; preparado el {prepared}.",
    },
    "not_recorded": {"en": "not recorded", "fr": "non indiquée", "es": "no indicada"},
    "tentative": {"en": "provisional", "fr": "provisoire", "es": "provisional"},
    "cancelled": {"en": "cancelled", "fr": "annulé", "es": "cancelado"},
    "postponed": {"en": "postponed", "fr": "reporté", "es": "aplazado"},
}
"""The letter's own sentences; `{…}` are filled in."""
SOURCE_NAMES = {
    "ohchr.org": "OHCHR",
    "ungeneva.org": "UN Geneva",
    "unognewsroom.org": "UN Geneva",
    "un.org": "United Nations",
    "upr-info.org": "UPR Info",
}
"""Short link texts for the sites the calendar cites most (others show their domain)."""


def say(key: str, language: str, **values: object) -> str:
    """One of the letter's phrases in the language (English when it has none), filled in."""
    texts = PHRASES[key]
    return texts.get(language, texts["en"]).format(**values)


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
    undated = [event for event in mine if is_undated(event)]
    sections = tuple(
        (named(MECHANISM_NAMES, mechanism, language), rows)
        for mechanism in MECHANISM_NAMES
        if (rows := tuple(_row(e, language) for e in dated if e.mechanism == mechanism))
    )
    name = country_name(country, language)
    retrieved = [e.source_retrieved for e in mine if e.source_retrieved]
    if not retrieved and freshness is not None and freshness.data_as_of is not None:
        retrieved = [freshness.data_as_of]
    prepared = as_of or date.today()
    return Letter(
        country=country,
        year=year,
        language=language,
        title=say("title", language, country=name, year=year),
        addressee=say(
            "to",
            language,
            rc=f"{rc}, " if rc else "",
            unct=unct or say("team", language, country=name),
        ),
        greeting=say("dear", language, who=rc or say("dear_rc", language)),
        opening=say("opening", language, country=name, year=year),
        columns=tuple(say("columns", language).split("|")),
        sections=sections,
        nothing="" if sections else _nothing(freshness, year, language),
        undated_title=say("undated", language),
        undated=tuple(_row(event, language) for event in undated),
        closing=say("closing", language),
        contact=say("contact", language, contact=contact),
        as_of=say(
            "as_of",
            language,
            data=_day(max(retrieved), language) if retrieved else say("not_recorded", language),
            prepared=_day(prepared, language),
        ),
    )


def _nothing(freshness: Freshness | None, year: int, language: str) -> str:
    if freshness is not None and (freshness.reaches is None or freshness.reaches.year < year):
        return freshness.note(language, for_readers=False)
    return say("nothing", language, year=year)


def _day(day: date, language: str) -> str:
    return describe_dates(day, day, "day", language)


def _tables(letter: Letter) -> list[tuple[str, tuple[LetterRow, ...]]]:
    tables = list(letter.sections)
    if letter.undated:
        tables.append((letter.undated_title, letter.undated))
    return tables


def letter_markdown(letter: Letter) -> str:
    """The letter as Markdown: a heading, pipe tables and `[OHCHR](url)` links."""

    def cell(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    lines = [f"# {letter.title}", "", letter.addressee, "", letter.greeting, "", letter.opening, ""]
    if letter.nothing:
        lines += [letter.nothing, ""]
    for heading, rows in _tables(letter):
        lines += [f"## {heading}", "", "| " + " | ".join(letter.columns) + " |"]
        lines.append("|" + "---|" * len(letter.columns))
        for row in rows:
            link = f"[{row.source_label}]({row.source_url})" if row.source_url else ""
            texts = (row.body, row.dates, row.action, row.deadline)
            lines.append("| " + " | ".join(map(cell, texts)) + f" | {link} |")
        lines.append("")
    lines += [letter.closing, "", letter.contact, "", f"_{letter.as_of}_", ""]
    return "\n".join(lines)


STYLE = (
    "body{font-family:Arial,Helvetica,sans-serif;max-width:60rem;margin:2rem auto;color:#222}"
    "table{border-collapse:collapse;width:100%;margin-bottom:1.5rem;font-size:.9rem}"
    "th,td{border:1px solid #999;padding:.35rem;text-align:left;vertical-align:top}"
    "th{background:#e6ecf5}h1{color:#1f4e79}h2{color:#1f4e79;font-size:1.15rem}"
)


def letter_html(letter: Letter) -> str:
    """The letter as a standalone HTML page (`lang` set, every text escaped)."""
    e = html.escape
    parts = [
        f'<!doctype html>\n<html lang="{e(letter.language)}">\n<head><meta charset="utf-8">',
        f"<title>{e(letter.title)}</title><style>{STYLE}</style></head>\n<body>",
        f"<h1>{e(letter.title)}</h1>",
        *(f"<p>{e(text)}</p>" for text in (letter.addressee, letter.greeting, letter.opening)),
    ]
    if letter.nothing:
        parts.append(f"<p>{e(letter.nothing)}</p>")
    for heading, rows in _tables(letter):
        parts.append(f"<h2>{e(heading)}</h2>\n<table>")
        parts.append("<tr>" + "".join(f"<th>{e(c)}</th>" for c in letter.columns) + "</tr>")
        for row in rows:
            texts = (row.body, row.dates, row.action, row.deadline)
            link = f'<a href="{e(row.source_url)}">{e(row.source_label)}</a>' * bool(row.source_url)
            parts.append(
                "<tr>" + "".join(f"<td>{e(t)}</td>" for t in texts) + f"<td>{link}</td></tr>"
            )
        parts.append("</table>")
    parts += [f"<p>{e(letter.closing)}</p>", f"<p>{e(letter.contact)}</p>"]
    parts.append(f"<p><em>{e(letter.as_of)}</em></p>\n</body>\n</html>\n")
    return "\n".join(parts)


def _hyperlink(paragraph: Any, url: str, text: str) -> None:
    """A real Word hyperlink: an external relationship and a blue, underlined run."""
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, True))
    run, props = OxmlElement("w:r"), OxmlElement("w:rPr")
    for tag, value in (("w:color", "0563C1"), ("w:u", "single")):
        element = OxmlElement(tag)
        element.set(qn("w:val"), value)
        props.append(element)
    words = OxmlElement("w:t")
    words.text = text
    run.append(props)
    run.append(words)
    link.append(run)
    paragraph._p.append(link)


def letter_docx(letter: Letter) -> bytes:
    """The letter as a Word document, the format letters to RCs are sent in."""
    document = Document()
    document.core_properties.title = letter.title
    document.core_properties.language = letter.language
    document.add_heading(letter.title, 1)
    for text in (letter.addressee, letter.greeting, letter.opening, letter.nothing):
        if text:
            document.add_paragraph(text)
    for heading, rows in _tables(letter):
        document.add_heading(heading, 2)
        table = document.add_table(rows=1, cols=len(letter.columns))
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, letter.columns, strict=True):
            cell.paragraphs[0].add_run(text).bold = True
        for row in rows:
            cells = table.add_row().cells
            for cell, text in zip(
                cells, (row.body, row.dates, row.action, row.deadline), strict=False
            ):
                cell.text = text
            if row.source_url:
                _hyperlink(cells[4].paragraphs[0], row.source_url, row.source_label)
        for table_row in table.rows:
            for cell in table_row.cells:
                for paragraph in cell.paragraphs:
                    for run in paragraph.runs:
                        run.font.size = Pt(9)
        document.add_paragraph()
    for text in (letter.closing, letter.contact):
        document.add_paragraph(text)
    note = document.add_paragraph().add_run(letter.as_of)
    note.italic, note.font.color.rgb = True, RGBColor(0x55, 0x55, 0x55)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def render_letter(letter: Letter, fmt: str) -> bytes:
    """The letter in one of `FORMATS` (md, html, docx, pdf)."""
    if fmt == "md":
        return letter_markdown(letter).encode()
    if fmt == "html":
        return letter_html(letter).encode()
    if fmt == "docx":
        return letter_docx(letter)
    if fmt == "pdf":
        return letter_pdf.letter_pdf(letter)
    raise ValueError(f"unknown letter format {fmt!r}: one of {', '.join(FORMATS)}")


def overview_markdown(events: Sequence[CalendarEvent], **options: Any) -> str:
    """The letter as Markdown, straight from the events (`build_letter`'s options)."""
    return letter_markdown(build_letter(events, **options))


def overview_html(events: Sequence[CalendarEvent], **options: Any) -> str:
    """The letter as HTML, straight from the events (`build_letter`'s options)."""
    return letter_html(build_letter(events, **options))


def overview_docx(events: Sequence[CalendarEvent], **options: Any) -> bytes:
    """The letter as Word, straight from the events (`build_letter`'s options)."""
    return letter_docx(build_letter(events, **options))
