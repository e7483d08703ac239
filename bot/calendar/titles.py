"""What an engagement is called, everywhere it is shown (chat, digests, reminders, the .ics
feed, the yearly letter): the country, the body that acts (the committee, the mandate, the
UPR) and the kind of engagement, in the reader's language.

"Kenya — TB review (session 95)" leaves an RC asking which committee; "Kenya — CEDAW: review
(session 95)" does not.
"""

from __future__ import annotations

from bot.calendar.wording import EVENT_KINDS, local_country_name, named, phrase
from bot.db.models import CalendarEvent

MECHANISM_ACRONYMS: dict[str, dict[str, str]] = {
    "UPR": {"en": "UPR", "fr": "EPU", "es": "EPU"},
    "HRC": {
        "en": "Human Rights Council",
        "fr": "Conseil des droits de l'homme",
        "es": "Consejo de Derechos Humanos",
    },
}
"""How each language names the mechanisms whose events carry no body of their own."""
SESSION_WORD = {"en": "session", "fr": "session", "es": "período de sesiones"}
STAKEHOLDERS = ("stakeholder", "cso", "nhri", "civil society")
"""Words of a `deadline_for` that mean the deadline is not the UN country team's own."""


def acting_body(event: CalendarEvent, language: str) -> str:
    """The committee (CEDAW, CRC…) or mandate (the Special Rapporteur on …) that acts; for
    the UPR and the Council, the mechanism's own name in the language."""
    if event.mechanism in {"TB", "SP"} and event.body:
        return event.body
    return named(MECHANISM_ACRONYMS, event.mechanism, language)


def event_title(event: CalendarEvent, language: str = "en") -> str:
    """ "Kenya — CEDAW: review (session 95)", "Kenya — EPU : examen (session 48)"."""
    kind = named(EVENT_KINDS, event.event_type, language)
    if event.event_type == "submission_deadline" and event.deadline_for:
        kind = f"{kind} {phrase('for', language, who=who_submits(event.deadline_for, language))}"
    session = f" ({SESSION_WORD.get(language, 'session')} {event.session})" if event.session else ""
    colon = " :" if language == "fr" else ":"
    country = local_country_name(event.country, language)
    return f"{country} — {acting_body(event, language)}{colon} {kind}{session}"


SUBMITTERS: dict[str, dict[str, str]] = {
    "un entities (unct)": {
        "fr": "entités des Nations Unies (équipe de pays)",
        "es": "entidades de las Naciones Unidas (equipo de país)",
    },
    "unct": {
        "fr": "équipe de pays des Nations Unies",
        "es": "equipo de país de las Naciones Unidas",
    },
    "stakeholders (cso/nhri)": {
        "fr": "parties prenantes (OSC/INDH)",
        "es": "partes interesadas (OSC/INDH)",
    },
    "state party": {"fr": "État partie", "es": "Estado parte"},
}
"""The `deadline_for` values the calendar uses, in French and Spanish (others stay as written)."""


def who_submits(deadline_for: str, language: str) -> str:
    """Who a deadline is for, in the reader's language where the calendar's wording is known."""
    return SUBMITTERS.get(deadline_for.strip().casefold(), {}).get(language, deadline_for)


def for_stakeholders(event: CalendarEvent) -> bool:
    """A deadline for civil society or the national human rights institution, which the UN
    country team supports but does not meet itself."""
    who = event.deadline_for.casefold()
    return event.event_type == "submission_deadline" and any(word in who for word in STAKEHOLDERS)
