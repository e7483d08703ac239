"""Guessing the language of short chat messages, and honouring the user's locale."""

from __future__ import annotations

import pytest

from knowledge.language import DEFAULT_LANGUAGE, detect_language

ENGLISH = [
    "how do we put upr recs into the cca?",
    "what is hrba exactly",
    "deadline for un inputs to the upr compilation?",
    "can the unct report to cedaw stay confidential",
    "who should we invite to the national consultation?",
    "is there a template for the treaty body submission",
    "how does the special rapporteur visit work",
    "any guidance on disability inclusion in the cooperation framework?",
    "where can I find the latest concluding observations for our country",
]
FRENCH = [
    "comment l'équipe de pays contribue à l'examen périodique universel ?",
    "quel est le rôle du conseiller aux droits de l'homme",
    "c'est quoi le mécanisme national de suivi ?",
    "est-ce que le rapport de l'UNCT peut rester confidentiel",
    "qui prépare la visite du rapporteur spécial ?",
    "les recommandations de l'EPU dans le bilan commun de pays",
    "où trouver les observations finales du comité",
    "comment intégrer les droits humains dans le plan-cadre",
    "y a-t-il un modèle pour la contribution au CEDAW",
]
SPANISH = [
    "¿cómo contribuye el equipo de país al EPU?",
    "qué es el enfoque basado en derechos humanos",
    "¿quién prepara la visita del relator especial?",
    "necesito ayuda con el informe para el comité de los derechos del niño",
    "cuáles son los cinco factores de no dejar a nadie atrás",
    "dónde encuentro las observaciones finales del comité",
    "el mecanismo nacional de seguimiento, para qué sirve",
    "hay una plantilla para la contribución del equipo de país",
    "¿cuándo es la fecha límite para el informe?",
]


@pytest.mark.parametrize("text", ENGLISH)
def test_english_messages(text: str) -> None:
    assert detect_language(text) == "en"


@pytest.mark.parametrize("text", FRENCH)
def test_french_messages(text: str) -> None:
    assert detect_language(text) == "fr"


@pytest.mark.parametrize("text", SPANISH)
def test_spanish_messages(text: str) -> None:
    assert detect_language(text) == "es"


@pytest.mark.parametrize(
    ("hint", "expected"),
    [("fr-CA", "fr"), ("es_ES", "es"), ("en-GB", "en"), ("FR", "fr"), ("es", "es")],
)
def test_a_supported_locale_hint_wins_over_the_text(hint: str, expected: str) -> None:
    assert detect_language("how does the UPR work?", hint=hint) == expected
    assert detect_language("comment fonctionne l'EPU ?", hint=hint) == expected


@pytest.mark.parametrize("hint", ["de-DE", "pt_BR", "ar", "", None])
def test_an_unsupported_or_missing_hint_is_ignored(hint: str | None) -> None:
    assert detect_language("comment fonctionne l'EPU ?", hint=hint) == "fr"
    assert detect_language("¿cómo funciona el EPU?", hint=hint) == "es"
    assert detect_language("how does the UPR work?", hint=hint) == "en"


@pytest.mark.parametrize("text", ["", "   ", "?!", "UPR", "A/HRC/60/8"])
def test_text_without_any_signal_is_english(text: str) -> None:
    assert DEFAULT_LANGUAGE == "en"
    assert detect_language(text) == "en"


@pytest.mark.parametrize(
    "text",
    [
        "nhri accreditation process",
        "gender discrimination data",
        "urgent appeal vs allegation letter",
        "indigenous peoples consultation",
    ],
)
def test_short_english_messages_with_tion_words_are_english(text: str) -> None:
    assert detect_language(text) == "en"
