"""The yearly letter to a Resident Coordinator: languages, formats, links, undated engagements,
stakeholders' deadlines and the batch of one letter per country."""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import docx
import pytest
from docx.opc.constants import RELATIONSHIP_TYPE
from pypdf import PdfReader
from typer.testing import CliRunner

from adapters.cli.calendar import sample_calendar_text
from adapters.cli.main import app
from bot.calendar.actions import STAKEHOLDERS_ACTION
from bot.calendar.dates import describe_dates
from bot.calendar.freshness import calendar_freshness
from bot.calendar.letter_render import letter_docx, letter_html, letter_markdown, render_letter
from bot.calendar.overview import build_letter, countries_in_year, source_label
from bot.calendar.rows import parse_calendar_csv
from bot.calendar.store import events_for, store_calendar
from bot.db.engine import Database
from bot.db.models import CalendarEvent

PREPARED = date(2026, 12, 1)
REVIEW, RETRIEVED = date(2025, 5, 1), date(2026, 12, 1)
EXPECTED = {  # the country, the mechanism, (part of) the review's day, the "data as of" line
    "en": ("Kenya", "Universal Periodic Review", "1 May 2025", "Data as of"),
    "fr": ("Kenya", "Examen périodique universel", "1 mai 2025", "Données à jour au"),
    "es": ("Kenya", "Examen Periódico Universal", "mayo", "Datos al"),
}


async def _events(database: Database, country: str | None) -> Sequence[CalendarEvent]:
    async with database.transaction() as session:
        await store_calendar(session, parse_calendar_csv(sample_calendar_text()))
    async with database.sessions() as session:
        return await events_for(session, country)


def _pdf_text_and_links(data: bytes) -> tuple[str, list[str]]:
    reader = PdfReader(io.BytesIO(data))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)  # no wraps
    links = [
        annotation.get_object()["/A"]["/URI"]
        for page in reader.pages
        for annotation in page.get("/Annots", [])
        if annotation.get_object().get("/Subtype") == "/Link"
    ]
    return text, links


@pytest.mark.parametrize("language", ["en", "fr", "es"])
async def test_the_kenya_letter_in_each_language_and_format(
    database: Database, language: str
) -> None:
    events = await _events(database, "KEN")
    letter = build_letter(events, country="KEN", year=2025, language=language, as_of=PREPARED)
    name, mechanism, day, as_of = EXPECTED[language]
    assert day in describe_dates(REVIEW, REVIEW, "day", language)
    day = describe_dates(REVIEW, REVIEW, "day", language)
    as_of = f"{as_of} {describe_dates(RETRIEVED, RETRIEVED, 'day', language)}"
    sources = {e.source_url for e in events if e.start_date and e.start_date.year == 2025}

    markdown = letter_markdown(letter)
    assert markdown.startswith(f"# {name}")
    assert f"## {mechanism}" in markdown and day in markdown and as_of in markdown
    assert "[UN Geneva](https://www.ungeneva.org/" in markdown

    page = letter_html(letter)
    assert f'<html lang="{language}">' in page and f"<h2>{mechanism}</h2>" in page
    assert "<table>" in page and day in page and as_of in page
    assert all(f'<a href="{url}">' in page for url in sources)

    document = docx.Document(io.BytesIO(letter_docx(letter)))
    texts = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    assert name in texts and mechanism in texts and as_of in texts and day in cells
    links = {
        rel.target_ref
        for rel in document.part.rels.values()
        if rel.reltype == RELATIONSHIP_TYPE.HYPERLINK and rel.is_external
    }
    assert links == sources

    text, pdf_links = _pdf_text_and_links(render_letter(letter, "pdf"))
    assert name in text and mechanism in text and day in text and as_of in text
    assert "—" in text  # a Unicode font, not Latin-1 Helvetica
    assert set(pdf_links) == sources


async def test_a_letter_names_its_addressee_and_contact(database: Database) -> None:
    events = await _events(database, "KEN")
    letter = build_letter(
        events,
        country="KEN",
        year=2025,
        as_of=PREPARED,
        unct="UNCT Kenya",
        rc="Ms. Jane Doe",
        contact="Secretariat, huritalk@example.org",
    )
    markdown = letter_markdown(letter)
    assert "To: Ms. Jane Doe, Resident Coordinator, UNCT Kenya" in markdown
    assert "Dear Ms. Jane Doe," in markdown
    assert "Contact: Secretariat, huritalk@example.org" in markdown
    assert "prepared on 1 December 2026" in markdown
    assert letter.file_name("pdf") == "KEN-2025-en.pdf"


async def test_engagements_without_a_published_date_have_their_own_section(
    database: Database,
) -> None:
    events = await _events(database, "ECU")
    letter = build_letter(events, country="ECU", year=2025, language="es", as_of=PREPARED)
    assert [name for name, _ in letter.sections] == [
        "Órganos de tratados",
        "Procedimientos especiales",
    ]
    assert letter.undated_title == "Previsto, fecha aún no publicada"
    [undated] = letter.undated
    assert undated.dates.startswith("fecha aún no publicada")
    assert "(cancelado)" in letter.sections[1][1][0].dates
    page = letter_html(letter)
    assert "<h2>Previsto, fecha aún no publicada</h2>" in page
    text, _ = _pdf_text_and_links(render_letter(letter, "pdf"))
    assert "Ecuador" in text and "Previsto, fecha" in text and "ñ" in text


async def test_a_stakeholders_deadline_is_support_not_the_teams_own_task(
    database: Database,
) -> None:
    events = await _events(database, "KEN")
    letter = build_letter(events, country="KEN", year=2024, as_of=PREPARED)
    rows = {row.body: row for _, rows in letter.sections for row in rows}
    stakeholders = rows["UPR: submission deadline (session 49)"]
    assert stakeholders.action == STAKEHOLDERS_ACTION["en"]
    assert "Prepare the UN country team's input" not in stakeholders.action
    assert stakeholders.deadline == "stakeholders (CSO/NHRI): the UNCT supports their submission"
    state = rows["CESCR: submission deadline (session 79)"]
    assert state.deadline == "State party"


def test_links_show_the_site_not_the_address() -> None:
    assert source_label("https://docstore.ohchr.org/SelfServices/x?enc=1") == "OHCHR"
    assert source_label("https://www.ungeneva.org/en/news") == "UN Geneva"
    assert source_label("https://www.dfat.gov.au/a/b") == "dfat.gov.au"


def test_the_batch_writes_one_letter_per_country(tmp_path: Path) -> None:
    rows = parse_calendar_csv(sample_calendar_text())
    events = [CalendarEvent(**dataclasses.asdict(row), sequence=0) for row in rows]
    expected = countries_in_year(events, 2025)
    assert "KEN" in expected and len(expected) > 50
    url = f"sqlite:///{tmp_path / 'batch.db'}"
    runner = CliRunner()
    env = {"HURIBOT_DATABASE_URL": url}
    assert runner.invoke(app, ["calendar", "import", "--sample"], env=env).exit_code == 0
    folder = tmp_path / "letters"
    result = runner.invoke(
        app,
        [
            *("calendar", "overview", "--all", "--year", "2025", "--format", "docx"),
            *("--language", "fr", "--output-dir", str(folder)),
        ],
        env=env,
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in folder.iterdir()) == [f"{c}-2025-fr.docx" for c in expected]
    refused = runner.invoke(app, ["calendar", "overview", "--all", "--year", "2025"], env=env)
    assert refused.exit_code == 2


async def test_a_letter_for_a_year_the_calendar_does_not_reach_says_so(database: Database) -> None:
    events = await _events(database, "KEN")
    async with database.sessions() as session:
        freshness = await calendar_freshness(session)
    letter = build_letter(events, country="KEN", year=2027, as_of=PREPARED, freshness=freshness)
    markdown = letter_markdown(letter)
    assert "holds nothing after March 2026, so this does not mean nothing is scheduled" in markdown
    assert "No engagement" not in markdown
    assert "Data as of 1 December 2026" in markdown
