"""Small talk gets a friendly word; real questions, even polite ones, go to the search."""

from __future__ import annotations

import pytest

from bench.evalset import load_questions
from bot.chat.smalltalk import REPLIES, SmallTalk, classify, small_talk_reply


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
        ("coucou", SmallTalk.GREETING),
        ("comment ça va ?", SmallTalk.GREETING),
        ("¿Qué tal?", SmallTalk.GREETING),
        ("how are you?", SmallTalk.GREETING),
        ("merci pour votre aide", SmallTalk.THANKS),
        ("gracias por tu ayuda", SmallTalk.THANKS),
        ("thanks for the help", SmallTalk.THANKS),
        ("much appreciated", SmallTalk.THANKS),
        ("qui êtes-vous ?", SmallTalk.IDENTITY),
        ("¿Qué puedes hacer?", SmallTalk.IDENTITY),
        ("nos vemos", SmallTalk.FAREWELL),
        ("bonne journée", SmallTalk.FAREWELL),
        ("bye for now", SmallTalk.FAREWELL),
        ("entendido", SmallTalk.ACKNOWLEDGEMENT),
        ("très bien", SmallTalk.ACKNOWLEDGEMENT),
    ],
)
def test_small_talk_is_recognised(text: str, kind: SmallTalk) -> None:
    assert classify(text) is kind


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("hi there, thanks!", SmallTalk.THANKS),
        ("Hello! Who are you?", SmallTalk.IDENTITY),
        ("ok, thanks, bye", SmallTalk.THANKS),
        ("great thanks and have a nice day", SmallTalk.THANKS),
        ("merci et bonne journée", SmallTalk.THANKS),
        ("Bonjour, merci beaucoup !", SmallTalk.THANKS),
        ("hola, ¿qué tal?", SmallTalk.GREETING),
        ("¡Gracias! ¡Hasta luego!", SmallTalk.THANKS),
        ("ok perfect - bye", SmallTalk.FAREWELL),
    ],
)
def test_small_talk_in_combination_is_recognised(text: str, kind: SmallTalk) -> None:
    assert classify(text) is kind


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("merci beaucoup", "fr", "Avec plaisir"),
        ("muchas gracias", "es", "De nada"),
        ("thanks", "en", "You're welcome"),
    ],
)
def test_small_talk_is_answered_in_the_members_language(
    text: str, language: str, expected: str
) -> None:
    kind = classify(text)
    assert kind is not None
    assert small_talk_reply(kind, language).startswith(expected)


def test_an_unsupported_language_gets_the_english_reply() -> None:
    assert small_talk_reply(SmallTalk.GREETING, "de") == REPLIES[SmallTalk.GREETING]["en"]


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
        "hi there, what is the UPR?",
        "thanks! and the deadline for the UPR submission?",
        "merci ! et pour l'EPU ?",
        "ok - what is a nmirf",
        "how are you supposed to do a gender analysis?",
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


def test_every_kind_has_a_reply_in_every_language() -> None:
    assert set(REPLIES) == set(SmallTalk)
    for replies in REPLIES.values():
        assert set(replies) == {"en", "fr", "es"}
        assert all(reply.strip() for reply in replies.values())


def test_the_evaluation_set_agrees_with_the_classifier() -> None:
    questions = load_questions()
    small_talk = [q.question for q in questions if q.smalltalk]
    answerable = [q.question for q in questions if q.answerable]
    assert small_talk
    assert [text for text in small_talk if classify(text) is None] == []
    assert [text for text in answerable if classify(text) is not None] == []
