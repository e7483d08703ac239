"""Small talk gets a friendly word; real questions, even polite ones, go to the search."""

from __future__ import annotations

import pytest

from bench.evalset import load_questions
from bot.smalltalk import REPLIES, SmallTalk, classify


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("hi", SmallTalk.GREETING),
        ("Hello there!", SmallTalk.GREETING),
        ("good morning huribot", SmallTalk.GREETING),
        ("Bonjour !", SmallTalk.GREETING),
        ("salut", SmallTalk.GREETING),
        ("¡Hola!", SmallTalk.GREETING),
        ("buenos días", SmallTalk.GREETING),
        ("Buenas tardes", SmallTalk.GREETING),
        ("thanks", SmallTalk.THANKS),
        ("Thank you so much!", SmallTalk.THANKS),
        ("thx", SmallTalk.THANKS),
        ("Merci beaucoup", SmallTalk.THANKS),
        ("merci beaucoup !", SmallTalk.THANKS),
        ("¡gracias!", SmallTalk.THANKS),
        ("Muchas gracias", SmallTalk.THANKS),
        ("bye", SmallTalk.FAREWELL),
        ("bye, have a nice day", SmallTalk.FAREWELL),
        ("Au revoir, bonne journée", SmallTalk.FAREWELL),
        ("à bientôt", SmallTalk.FAREWELL),
        ("hasta luego", SmallTalk.FAREWELL),
        ("adiós", SmallTalk.FAREWELL),
        ("ok", SmallTalk.ACKNOWLEDGEMENT),
        ("Okay.", SmallTalk.ACKNOWLEDGEMENT),
        ("perfect!", SmallTalk.ACKNOWLEDGEMENT),
        ("d'accord", SmallTalk.ACKNOWLEDGEMENT),
        ("parfait", SmallTalk.ACKNOWLEDGEMENT),
        ("vale", SmallTalk.ACKNOWLEDGEMENT),
        ("who are you?", SmallTalk.IDENTITY),
        ("qui es-tu ?", SmallTalk.IDENTITY),
        ("¿Quién eres?", SmallTalk.IDENTITY),
        ("what can you do?", SmallTalk.IDENTITY),
    ],
)
def test_small_talk_is_recognised(text: str, kind: SmallTalk) -> None:
    assert classify(text) is kind


@pytest.mark.parametrize(
    "text",
    [
        "where can I have lunch?",
        "what is the wifi password",
        "What's the Wi-Fi password in the conference room?",
        "is the meeting room free at 3?",
        "how do I book a meeting room for friday",
        "is the cafeteria open today",
        "what time does the canteen close",
        "où est la cantine ?",
        "c'est quoi le mot de passe du wifi ?",
        "il y a une salle de réunion libre ?",
        "¿a qué hora abre la cafetería?",
        "¿cuál es la contraseña del wifi?",
        "¿dónde está la sala de reuniones?",
    ],
)
def test_office_chat_is_off_topic(text: str) -> None:
    assert classify(text) is SmallTalk.OFF_TOPIC


@pytest.mark.parametrize(
    "text",
    [
        "how does the UPR work?",
        "thanks, and how do we prepare a CEDAW report?",
        "hi, how do we prepare the UNCT submission to the UPR?",
        "ok so what is the LNOB framework?",
        "great, what is hrba?",
        "who drafts the terms of reference for a special rapporteur visit?",
        "who are the rights holders in a human rights-based approach?",
        "what can the RCO do about reprisals against defenders?",
        "merci, et comment préparer le rapport au CEDAW ?",
        "bonjour, quel est le rôle du conseiller aux droits de l'homme ?",
        "gracias, ¿y cómo se prepara el informe al CEDAW?",
        "hola, ¿qué es el mecanismo nacional de seguimiento?",
        "bye the way, what is the nmirf?",
    ],
)
def test_real_questions_are_not_small_talk(text: str) -> None:
    assert classify(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "how do extreme weather events affect the right to adequate housing?",
        "climate change and extreme weather: any human rights guidance for the CCA?",
        "labour rights of restaurant and hotel workers under the UNGPs",
    ],
)
def test_domain_questions_with_office_words_are_not_off_topic(text: str) -> None:
    assert classify(text) is None


def test_every_kind_has_a_reply() -> None:
    assert set(REPLIES) == set(SmallTalk)
    assert all(reply.strip() for reply in REPLIES.values())


def test_the_evaluation_set_agrees_with_the_classifier() -> None:
    questions = load_questions()
    small_talk = [q.question for q in questions if q.smalltalk]
    answerable = [q.question for q in questions if q.answerable]
    assert small_talk
    assert [text for text in small_talk if classify(text) is None] == []
    assert [text for text in answerable if classify(text) is not None] == []
