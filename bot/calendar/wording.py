"""The words of digests and reminders in the languages country teams read: English, French
and Spanish. Dates come localised from Babel, country names from the UN's own M49 table."""

from __future__ import annotations

from bot.calendar.countries import country_name

LANGUAGES = ("en", "fr", "es")

PHRASES: dict[str, dict[str, str]] = {
    "digest_title": {
        "en": "Human rights mechanisms: what is coming up for {countries}",
        "fr": "Mécanismes des droits de l'homme : prochaines échéances pour {countries}",
        "es": "Mecanismos de derechos humanos: próximas fechas para {countries}",
    },
    "reminder_title": {
        "en": "Reminder: {what} in {days} days",
        "fr": "Rappel : {what} dans {days} jours",
        "es": "Recordatorio: {what} dentro de {days} días",
    },
    "reminder_title_one": {  # the singular, chosen by each language's plural rule (Babel)
        "en": "Reminder: {what} in {days} day",
        "fr": "Rappel : {what} dans {days} jour",
        "es": "Recordatorio: {what} dentro de {days} día",
    },
    "nothing_upcoming": {
        "en": "Nothing is scheduled for the next 12 months.",
        "fr": "Rien n'est prévu dans les 12 prochains mois.",
        "es": "No hay nada previsto en los próximos 12 meses.",
    },
    "calendar_stale": {
        "en": "The calendar was last updated on {updated} and holds nothing after {reaches}, "
        "so this does not mean nothing is scheduled.",
        "fr": "Le calendrier a été mis à jour pour la dernière fois le {updated} et ne contient "
        "rien après {reaches} : cela ne veut pas dire que rien n'est prévu.",
        "es": "El calendario se actualizó por última vez el {updated} y no contiene nada después "
        "de {reaches}, así que esto no significa que no haya nada previsto.",
    },
    "import_asked": {
        "en": "The Secretariat has been asked to import the latest dates.",
        "fr": "Le Secrétariat a été invité à importer les dernières dates.",
        "es": "Se ha pedido a la Secretaría que importe las fechas más recientes.",
    },
    "calendar_empty": {
        "en": "No calendar has been imported yet, so nothing can be said about what is scheduled.",
        "fr": "Aucun calendrier n'a encore été importé : rien ne peut être dit de ce qui est "
        "prévu.",
        "es": "Aún no se ha importado ningún calendario: no se puede decir qué está previsto.",
    },
    "late": {
        "en": "Sent late: HuriBot was unavailable at the scheduled time.",
        "fr": "Envoyé en retard : HuriBot était indisponible à l'heure prévue.",
        "es": "Enviado con retraso: HuriBot no estaba disponible a la hora prevista.",
    },
    "what_to_do": {
        "en": "What the UNCT can do",
        "fr": "Ce que l'équipe de pays peut faire",
        "es": "Qué puede hacer el equipo de país",
    },
    "related": {
        "en": "Related answers",
        "fr": "Réponses liées",
        "es": "Respuestas relacionadas",
    },
    "source": {"en": "Source", "fr": "Source", "es": "Fuente"},
    "more_not_shown": {  # a template: the count is filled in where the digest is cut
        "en": "{{count}} more engagements do not fit in this message: run `calendar` with the "
        "country, or subscribe to its calendar feed.",
        "fr": "{{count}} autres échéances ne tiennent pas dans ce message : lancez `calendar` "
        "avec le pays, ou abonnez-vous à son calendrier.",
        "es": "{{count}} compromisos más no caben en este mensaje: use `calendar` con el país, o "
        "suscríbase a su calendario.",
    },
    "new": {"en": "NEW", "fr": "NOUVEAU", "es": "NUEVO"},
    "moved": {"en": "MOVED", "fr": "DÉPLACÉ", "es": "CAMBIO DE FECHA"},
    "cancelled": {"en": "CANCELLED", "fr": "ANNULÉ", "es": "CANCELADO"},
    "postponed": {"en": "POSTPONED", "fr": "REPORTÉ", "es": "APLAZADO"},
    "was": {"en": "was {dates}", "fr": "auparavant {dates}", "es": "antes {dates}"},
    "for": {"en": "for {who}", "fr": "pour {who}", "es": "para {who}"},
    "unpublished": {
        "en": "date not yet published",
        "fr": "date pas encore publiée",
        "es": "fecha aún no publicada",
    },
}

MECHANISM_NAMES: dict[str, dict[str, str]] = {
    "UPR": {
        "en": "Universal Periodic Review",
        "fr": "Examen périodique universel",
        "es": "Examen Periódico Universal",
    },
    "TB": {"en": "Treaty bodies", "fr": "Organes conventionnels", "es": "Órganos de tratados"},
    "SP": {
        "en": "Special procedures",
        "fr": "Procédures spéciales",
        "es": "Procedimientos especiales",
    },
    "HRC": {
        "en": "Human Rights Council",
        "fr": "Conseil des droits de l'homme",
        "es": "Consejo de Derechos Humanos",
    },
}

EVENT_KINDS: dict[str, dict[str, str]] = {
    "review": {"en": "review", "fr": "examen", "es": "examen"},
    "submission_deadline": {
        "en": "submission deadline",
        "fr": "date limite de contribution",
        "es": "plazo de presentación",
    },
    "list_of_issues": {
        "en": "list of issues",
        "fr": "liste de points à traiter",
        "es": "lista de cuestiones",
    },
    "outcome_adoption": {
        "en": "outcome adoption",
        "fr": "adoption du document final",
        "es": "aprobación del resultado",
    },
    "visit": {"en": "country visit", "fr": "visite de pays", "es": "visita al país"},
    "midterm_report": {
        "en": "mid-term report",
        "fr": "rapport à mi-parcours",
        "es": "informe de mitad de período",
    },
    "session": {"en": "session", "fr": "session", "es": "período de sesiones"},
}


def phrase(key: str, language: str, **values: object) -> str:
    """A phrase in the language (English when it has no translation), filled in."""
    texts = PHRASES[key]
    return texts.get(language, texts["en"]).format(**values)


def named(table: dict[str, dict[str, str]], key: str, language: str) -> str:
    """A mechanism or event kind by name, falling back to English, then to the key."""
    texts = table.get(key)
    if texts is None:
        return key.replace("_", " ")
    return texts.get(language, texts["en"])


def local_country_name(code: str, language: str) -> str:
    """The country's name as the UN writes it in the language (in English otherwise)."""
    return country_name(code, language)
