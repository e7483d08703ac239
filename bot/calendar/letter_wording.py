"""The sentences of the yearly letter to a Resident Coordinator, in English, French and Spanish.

Why apart from `bot.calendar.wording` (the digests' words): the letter is formal
correspondence with its own phrasing, and translators can review it here without reading the
code in `bot.calendar.overview` that fills it in.
"""

from __future__ import annotations

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


def say(key: str, language: str, **values: object) -> str:
    """One of the letter's phrases in the language (English when it has none), filled in."""
    texts = PHRASES[key]
    return texts.get(language, texts["en"]).format(**values)
