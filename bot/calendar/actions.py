"""What a country team can do for each kind of engagement, and where each mechanism's
pages are: the practical part of a digest, in English, French and Spanish."""

from __future__ import annotations

MECHANISM_PAGES = {
    "UPR": "https://www.ohchr.org/en/hr-bodies/upr/upr-main",
    "TB": "https://www.ohchr.org/en/treaty-bodies",
    "SP": "https://www.ohchr.org/en/special-procedures-human-rights-council",
    "HRC": "https://www.ohchr.org/en/hr-bodies/hrc/home",
}

ACTIONS: dict[tuple[str, str], dict[str, str]] = {
    ("UPR", "submission_deadline"): {
        "en": "Prepare the UN country team's input to the UN compilation, or help partners send "
        "their stakeholder reports, before this deadline.",
        "fr": "Préparer la contribution de l'équipe de pays à la compilation des Nations Unies, "
        "ou aider les partenaires à envoyer leurs rapports, avant cette date.",
        "es": "Preparar la contribución del equipo de país a la recopilación de las Naciones "
        "Unidas, o ayudar a los asociados a enviar sus informes, antes de esta fecha.",
    },
    ("UPR", "review"): {
        "en": "Brief the Resident Coordinator, follow the interactive dialogue and share the "
        "recommendations with the country team.",
        "fr": "Informer le Coordonnateur résident, suivre le dialogue interactif et partager les "
        "recommandations avec l'équipe de pays.",
        "es": "Informar al Coordinador Residente, seguir el diálogo interactivo y compartir las "
        "recomendaciones con el equipo de país.",
    },
    ("UPR", "outcome_adoption"): {
        "en": "Plan follow-up: map the accepted recommendations to the Cooperation Framework.",
        "fr": "Planifier le suivi : relier les recommandations acceptées au Plan-cadre de "
        "coopération.",
        "es": "Planificar el seguimiento: vincular las recomendaciones aceptadas al Marco de "
        "Cooperación.",
    },
    ("UPR", "midterm_report"): {
        "en": "Offer support to the State's voluntary mid-term report.",
        "fr": "Proposer un appui au rapport volontaire à mi-parcours de l'État.",
        "es": "Ofrecer apoyo al informe voluntario de mitad de período del Estado.",
    },
    ("TB", "list_of_issues"): {
        "en": "Send the country team's information to the committee for its list of issues.",
        "fr": "Transmettre au comité les informations de l'équipe de pays pour sa liste de "
        "points à traiter.",
        "es": "Enviar al comité la información del equipo de país para su lista de cuestiones.",
    },
    ("TB", "submission_deadline"): {
        "en": "Send the country team's report to the committee before this deadline.",
        "fr": "Envoyer le rapport de l'équipe de pays au comité avant cette date.",
        "es": "Enviar el informe del equipo de país al comité antes de esta fecha.",
    },
    ("TB", "review"): {
        "en": "Brief the committee's country rapporteur; share the concluding observations "
        "with the country team afterwards.",
        "fr": "Informer le rapporteur de pays du comité, puis partager les observations finales "
        "avec l'équipe de pays.",
        "es": "Informar al relator para el país del comité y luego compartir las observaciones "
        "finales con el equipo de país.",
    },
    ("SP", "visit"): {
        "en": "Brief the special rapporteur's team and help arrange meetings with the country "
        "team and civil society.",
        "fr": "Informer l'équipe du rapporteur spécial et aider à organiser les rencontres avec "
        "l'équipe de pays et la société civile.",
        "es": "Informar al equipo del relator especial y ayudar a organizar reuniones con el "
        "equipo de país y la sociedad civil.",
    },
}
DEFAULT_ACTION = {
    "en": "Check with the Human Rights Adviser what the country team can contribute.",
    "fr": "Voir avec le conseiller aux droits de l'homme ce que l'équipe de pays peut apporter.",
    "es": "Consultar con el asesor de derechos humanos qué puede aportar el equipo de país.",
}

RELATED_QUERIES = {
    "UPR": "UNCT contribution to the Universal Periodic Review UPR",
    "TB": "UNCT report to treaty bodies committee review",
    "SP": "special procedures country visit special rapporteur UNCT support",
    "HRC": "Human Rights Council session UNCT",
}
"""How a digest looks up the consolidated replies related to each mechanism."""


STAKEHOLDERS_ACTION = {
    "en": "Tell civil society organisations and the national human rights institution about "
    "this deadline and support their submissions (the UN country team's own input has its own "
    "deadline).",
    "fr": "Informer les organisations de la société civile et l'institution nationale des droits "
    "de l'homme de cette date limite et appuyer leurs contributions (la contribution de "
    "l'équipe de pays a sa propre date limite).",
    "es": "Informar a las organizaciones de la sociedad civil y a la institución nacional de "
    "derechos humanos de este plazo y apoyar sus contribuciones (la contribución del equipo de "
    "país tiene su propio plazo).",
}
"""A deadline for stakeholders is not the country team's own task: it supports others."""


def action_for(
    mechanism: str, event_type: str, language: str, *, stakeholders: bool = False
) -> str:
    """The country team's part in this kind of engagement (for a deadline of civil society or
    the national institution, the support it can give them)."""
    texts = (
        STAKEHOLDERS_ACTION
        if stakeholders
        else ACTIONS.get((mechanism, event_type), DEFAULT_ACTION)
    )
    return texts.get(language, texts["en"])
