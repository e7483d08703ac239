"""Recognising greetings, thanks and chit-chat so they get a friendly word, not a search hit.

A message is small talk when every piece of it is ("hi there, thanks!", "merci et bonne
journée"); one real question in it ("thanks, and how do we prepare a CEDAW report?") makes it
a question. Replies come in the member's language.
"""

from __future__ import annotations

import re
from enum import StrEnum
from functools import lru_cache

from knowledge.analysis import fold


class SmallTalk(StrEnum):
    """Kinds of message that are not questions for the knowledge base."""

    GREETING = "greeting"
    THANKS = "thanks"
    IDENTITY = "identity"
    ACKNOWLEDGEMENT = "acknowledgement"
    FAREWELL = "farewell"
    OFF_TOPIC = "off_topic"


_ADDRESSEE = r"(?: (?:there|all|everyone|huribot|bot|team|a todos|a tous|tout le monde))?"
_PIECES: tuple[tuple[SmallTalk, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(rf"^(?:{pattern}){_ADDRESSEE}$"))
    for kind, pattern in (
        (
            SmallTalk.GREETING,
            r"hi|hello|hey|hiya|howdy|good (?:morning|afternoon|evening|day)"
            r"|how are you(?: doing)?|how is it going|hows it going"
            r"|bonjour|bonsoir|salut|coucou|allo|comment (?:ca va|allez[- ]vous)|ca va"
            r"|hola|buenos dias|buen dia|buenas(?: tardes| noches)?|que tal|como estas"
            r"|como esta usted",
        ),
        (
            SmallTalk.THANKS,
            r"(?:(?:many |great |ok(?:ay)? |perfect )?(?:thanks?(?: you)?|thank u|thx|ty|cheers)"
            r"(?: (?:so much|a lot|very much|again|a million))?"
            r"(?: for (?:the|your) (?:help|answer|reply|quick reply))?)"
            r"|much appreciated|appreciated|(?:merci|mille mercis)"
            r"(?: (?:beaucoup|bien|infiniment|encore|pour (?:ton|votre) aide|pour la reponse))*"
            r"|(?:muchas |mil )?gracias(?: (?:de nuevo|por (?:tu|su) ayuda|por la respuesta))?",
        ),
        (
            SmallTalk.IDENTITY,
            r"(?:who|what) are you|what can you do|what do you do|are you a (?:bot|robot|human)"
            r"|qui es[- ]tu|tu es qui|qui etes[- ]vous|que sais[- ]tu faire"
            r"|que (?:peux[- ]tu|pouvez[- ]vous) faire|quien eres|que eres|quien es usted"
            r"|que puedes hacer",
        ),
        (
            SmallTalk.ACKNOWLEDGEMENT,
            r"ok(?:ay)?|k|cool|great|perfect|nice|got it|understood|noted|sounds good"
            r"|d accord|dac|tres bien|entendu|vale|bien|perfecto|entendido|genial|parfait|super",
        ),
        (
            SmallTalk.FAREWELL,
            r"(?:bye|goodbye|bye bye|see you(?: later| soon)?|have a (?:nice|good|great) "
            r"(?:day|weekend|evening)|au revoir|a bientot|a plus|bonne (?:journee|soiree|semaine)"
            r"|adios|hasta (?:luego|pronto|manana)|nos vemos|chao|ciao|buen fin de semana"
            r"|que tengas un buen dia)(?: for now| and thanks| y gracias| et merci)?",
        ),
    )
)
_PRIORITY = (
    SmallTalk.IDENTITY,
    SmallTalk.THANKS,
    SmallTalk.FAREWELL,
    SmallTalk.GREETING,
    SmallTalk.ACKNOWLEDGEMENT,
)
"""When a message holds several kinds, the one whose reply fits best ('hi, thanks!' thanks)."""
_SEPARATORS = re.compile(r"[\s]*[,.!?;:)(]+[\s]*|\s+(?:and|et|y|&)\s+|\s+-\s+")

MAX_PIECE_WORDS = 12
"""Small talk comes in short pieces; a longer run of words is read as a question."""
OFF_TOPIC_MAX_WORDS = 14
"""Longer messages that mention lunch or wifi are real questions in passing, not chit-chat."""
_OFF_TOPIC = re.compile(
    r"\b(?:lunch|dinner|cafeteria|canteen|coffee machine|wi-?fi|password"
    r"|meeting room|conference room|book a room|parking|printer|joke"
    r"|dejeuner|cantine|mot de passe|salle de reunion|almuerzo|comedor|contrasena"
    r"|sala de reuniones)\b"
)

REPLIES: dict[SmallTalk, dict[str, str]] = {
    SmallTalk.GREETING: {
        "en": "Hello! Ask me anything about human rights, leaving no one behind or gender in "
        'the UN\'s country work, e.g. "How does a UNCT contribute to the UPR?"',
        "fr": "Bonjour ! Posez-moi vos questions sur les droits humains, ne laisser personne de "
        "côté ou le genre dans le travail des équipes de pays, par exemple « Comment l'équipe "
        "de pays contribue-t-elle à l'EPU ? »",
        "es": "¡Hola! Pregúnteme sobre derechos humanos, no dejar a nadie atrás o género en el "
        "trabajo de los equipos de país, por ejemplo «¿Cómo contribuye el equipo de país al "
        "EPU?»",
    },
    SmallTalk.THANKS: {
        "en": "You're welcome. If an answer was not quite right, say so and I'll pass it to "
        "the Secretariat.",
        "fr": "Avec plaisir. Si une réponse ne convenait pas tout à fait, dites-le et je la "
        "transmettrai au Secrétariat.",
        "es": "De nada. Si una respuesta no era del todo correcta, dígalo y la transmitiré a "
        "la Secretaría.",
    },
    SmallTalk.IDENTITY: {
        "en": "I am HuriBot, the assistant of the UN community of practice on human rights, "
        "leaving no one behind and gender. I answer from the Secretariat's consolidated replies "
        "and guidance, always with sources, and pass what I cannot answer to the Secretariat.",
        "fr": "Je suis HuriBot, l'assistant de la communauté de pratique des Nations Unies sur "
        "les droits humains, ne laisser personne de côté et le genre. Je réponds à partir des "
        "réponses consolidées et des guides du Secrétariat, toujours avec mes sources, et je "
        "transmets au Secrétariat ce à quoi je ne sais pas répondre.",
        "es": "Soy HuriBot, el asistente de la comunidad de práctica de las Naciones Unidas "
        "sobre derechos humanos, no dejar a nadie atrás y género. Respondo a partir de las "
        "respuestas consolidadas y guías de la Secretaría, siempre con fuentes, y paso a la "
        "Secretaría lo que no sé responder.",
    },
    SmallTalk.ACKNOWLEDGEMENT: {
        "en": "Glad to help. Ask another question whenever you like.",
        "fr": "Ravi d'avoir pu aider. Posez une autre question quand vous voulez.",
        "es": "Me alegra ayudar. Haga otra pregunta cuando quiera.",
    },
    SmallTalk.FAREWELL: {
        "en": "Goodbye, and good luck with your work. I'm here whenever you need me.",
        "fr": "Au revoir, et bon travail. Je suis là quand vous avez besoin de moi.",
        "es": "Adiós, y mucho éxito en su trabajo. Aquí estoy cuando me necesite.",
    },
    SmallTalk.OFF_TOPIC: {
        "en": "That is outside what I know: I can help with human rights, leaving no one "
        "behind and gender in UN country work. For office matters, your local operations or "
        "admin team is the best place to ask.",
        "fr": "Cela sort de mon domaine : je peux aider sur les droits humains, ne laisser "
        "personne de côté et le genre dans le travail des équipes de pays. Pour les questions "
        "de bureau, adressez-vous à votre équipe des opérations ou de l'administration.",
        "es": "Eso está fuera de lo que sé: puedo ayudar con derechos humanos, no dejar a nadie "
        "atrás y género en el trabajo de los equipos de país. Para asuntos de oficina, consulte "
        "a su equipo local de operaciones o administración.",
    },
}


def classify(text: str) -> SmallTalk | None:
    """The kind of small talk `text` is, or None when it may be a real question."""
    folded = fold(text).replace("'", " ").replace("’", " ").strip().lstrip("¡¿ ")
    kinds: set[SmallTalk] = set()
    for piece in _SEPARATORS.split(folded):
        words = tuple(piece.strip(" ¡¿").split())
        found = _piece_kinds(words) if 0 < len(words) <= MAX_PIECE_WORDS else None
        if words and found is None:
            kinds.clear()
            break
        kinds |= found or set()
    if kinds:
        return next(kind for kind in _PRIORITY if kind in kinds)
    if len(folded.split()) <= OFF_TOPIC_MAX_WORDS and _OFF_TOPIC.search(folded):
        return SmallTalk.OFF_TOPIC
    return None


@lru_cache(maxsize=4096)
def _piece_kinds(words: tuple[str, ...]) -> frozenset[SmallTalk] | None:
    """The kinds a run of words is made of ("ok perfect", "thanks bye"), or None when some
    words are not small talk."""
    if not words:
        return frozenset()
    for end in range(len(words), 0, -1):
        head = " ".join(words[:end])
        kind = next((kind for kind, pattern in _PIECES if pattern.match(head)), None)
        if kind is None:
            continue
        rest = _piece_kinds(words[end:])
        if rest is not None:
            return frozenset({kind, *rest})
    return None


def small_talk_reply(kind: SmallTalk, language: str) -> str:
    """The friendly reply to `kind`, in `language` (English when it is not one we write)."""
    replies = REPLIES[kind]
    return replies.get(language, replies["en"])
