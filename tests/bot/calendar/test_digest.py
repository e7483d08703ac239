"""What a digest says about each event, and what it remembers for the next one."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from bot.calendar.dates import describe_dates
from bot.calendar.digest_builder import TITLE_CHARS, DigestBuilder, reminder_title
from bot.calendar.titles import who_submits
from bot.db.models import CalendarEvent
from tests.bot.calendar.helpers import event

TODAY = date(2027, 1, 1)


def stored(**changes: object) -> CalendarEvent:
    row = dataclasses.replace(event("upr-50-KEN-unct", date(2027, 3, 15)), **changes)
    return CalendarEvent(**dataclasses.asdict(row), sequence=0)


def markers(events: list[CalendarEvent], previous: dict[str, object] | None) -> list[str]:
    digest, _ = DigestBuilder().digest(
        events, countries=["KEN"], language="en", today=TODAY, previous=previous
    )
    return [f"{item.marker}:{item.when}" for s in digest.sections for item in s.items]


def test_the_first_digest_marks_nothing_and_remembers_what_it_showed() -> None:
    digest, shown = DigestBuilder().digest(
        [stored()], countries=["KEN"], language="en", today=TODAY, previous=None
    )
    assert [i.marker for s in digest.sections for i in s.items] == [""]
    assert shown == {
        "upr-50-KEN-unct": {
            "start": "2027-03-15", "end": None, "precision": "day", "status": "confirmed"
        }
    }  # fmt: skip


def test_new_and_moved_events_are_marked_against_the_last_digest() -> None:
    _, shown = DigestBuilder().digest(
        [stored()], countries=["KEN"], language="en", today=TODAY, previous=None
    )
    later = stored(event_id="upr-50-KEN-review", event_type="review", start_date=date(2027, 5, 3))
    moved = stored(start_date=date(2027, 4, 1))
    assert markers([moved, later], shown) == ["moved:1 April 2027", "new:3 May 2027"]


def test_an_event_moved_beyond_the_horizon_is_still_reported_once() -> None:
    _, shown = DigestBuilder().digest(
        [stored()], countries=["KEN"], language="en", today=TODAY, previous=None
    )
    far = stored(start_date=date(2028, 6, 1))
    assert markers([far], shown) == ["moved:1 June 2028"]
    _, remembered = DigestBuilder().digest(
        [far], countries=["KEN"], language="en", today=TODAY, previous=shown
    )
    assert markers([far], remembered) == []


def test_a_reminder_title_keeps_its_countdown_whatever_the_event_is_called() -> None:
    long_session = "Committee on the Elimination of Discrimination against Women, session " * 3
    for language, ending in (("en", "in 7 days"), ("fr", "dans 7 jours"), ("es", "7 días")):
        reminder = DigestBuilder().reminder(stored(session=long_session), days=7, language=language)
        assert len(reminder.title) <= TITLE_CHARS
        assert reminder.title.endswith(ending), reminder.title
        assert "…" in reminder.title
    short = DigestBuilder().reminder(stored(), days=30, language="en")
    assert "…" not in short.title and short.title.endswith("in 30 days")


@pytest.mark.parametrize(
    ("language", "days", "expected"),
    [
        ("en", 1, "Reminder: X in 1 day"),
        ("en", 7, "Reminder: X in 7 days"),
        ("fr", 1, "Rappel : X dans 1 jour"),
        ("fr", 0, "Rappel : X dans 0 jour"),  # French counts 0 as singular
        ("fr", 7, "Rappel : X dans 7 jours"),
        ("es", 1, "Recordatorio: X dentro de 1 día"),
    ],
)
def test_a_reminder_counts_days_by_each_languages_plural_rule(
    language: str, days: int, expected: str
) -> None:
    assert reminder_title("X", days=days, language=language) == expected


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "11 January 2027"),
        ("fr", "11 janvier 2027"),
        ("es", "11 de enero de 2027"),
    ],
)
def test_dates_follow_each_languages_own_format(language: str, expected: str) -> None:
    assert describe_dates(date(2027, 1, 11), None, "day", language) == expected
    month = describe_dates(date(2027, 1, 1), None, "month", language)
    assert month == {"en": "January 2027", "fr": "janvier 2027", "es": "enero de 2027"}[language]


def test_who_a_deadline_is_for_is_said_in_the_readers_language() -> None:
    assert who_submits("UN entities (UNCT)", "fr") == "entités des Nations Unies (équipe de pays)"
    assert who_submits("stakeholders (CSO/NHRI)", "es") == "partes interesadas (OSC/INDH)"
    assert who_submits("National Assembly", "fr") == "National Assembly"  # unknown: as written
