"""Recognising greetings, thanks and chit-chat so they get a friendly word, not a search hit."""

from __future__ import annotations

import re
from enum import StrEnum

from knowledge.analysis import fold


class SmallTalk(StrEnum):
    """Kinds of message that are not questions for the knowledge base."""

    GREETING = "greeting"
    THANKS = "thanks"
    IDENTITY = "identity"
    ACKNOWLEDGEMENT = "acknowledgement"
    FAREWELL = "farewell"
    OFF_TOPIC = "off_topic"


_PATTERNS: tuple[tuple[SmallTalk, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(rf"^(?:{pattern})[\s!.?,:;)]*$"))
    for kind, pattern in (
        (
            SmallTalk.GREETING,
            r"(?:hi|hello|hey|hiya|good (?:morning|afternoon|evening)|bonjour|bonsoir|salut"
            r"|hola|buenos dias|buenas(?: tardes| noches)?)"
            r"(?: (?:there|all|everyone|huribot|bot))?",
        ),
        (
            SmallTalk.THANKS,
            r"(?:thanks?(?: you)?(?: (?:so much|a lot|very much))?|thx|ty|cheers|great,? thanks?"
            r"|merci(?: beaucoup)?|gracias|muchas gracias)(?: (?:huribot|bot))?",
        ),
        (
            SmallTalk.IDENTITY,
            r"(?:who|what) are you|what can you do|qui es[- ]tu|que sais[- ]tu faire"
            r"|quien eres|que puedes hacer",
        ),
        (SmallTalk.ACKNOWLEDGEMENT, r"ok(?:ay)?|k|cool|great|perfect|d'accord|vale|bien|parfait"),
        (
            SmallTalk.FAREWELL,
            r"(?:bye|goodbye|see you|au revoir|a bientot|adios|hasta luego|chao|ciao)"
            r"(?:[ ,!.]+(?:have a (?:nice|good) (?:day|weekend|evening)|for now|bonne journee"
            r"|buen dia|and thanks))*",
        ),
    )
)

OFF_TOPIC_MAX_WORDS = 14
"""Longer messages that mention lunch or wifi are real questions in passing, not chit-chat."""
_OFF_TOPIC = re.compile(
    r"\b(?:lunch|dinner|cafeteria|canteen|coffee machine|wi-?fi|password"
    r"|meeting room|conference room|book a room|parking|printer|joke"
    r"|dejeuner|cantine|mot de passe|salle de reunion|almuerzo|comedor|contrasena"
    r"|sala de reuniones)\b"
)

REPLIES: dict[SmallTalk, str] = {
    SmallTalk.GREETING: "Hello! Ask me anything about human rights, leaving no one behind or "
    'gender in the UN\'s country work, e.g. "How does a UNCT contribute to the UPR?"',
    SmallTalk.THANKS: "You're welcome. If an answer was not quite right, say so and I'll pass "
    "it to the Secretariat.",
    SmallTalk.IDENTITY: "I am HuriBot, the assistant of the UN community of practice on human "
    "rights, leaving no one behind and gender. I answer from the Secretariat's consolidated "
    "replies and guidance, always with sources, and pass what I cannot answer to the Secretariat.",
    SmallTalk.ACKNOWLEDGEMENT: "Glad to help. Ask another question whenever you like.",
    SmallTalk.FAREWELL: "Goodbye, and good luck with your work. I'm here whenever you need me.",
    SmallTalk.OFF_TOPIC: "That is outside what I know: I can help with human rights, leaving no "
    "one behind and gender in UN country work. For office matters, your local operations or "
    "admin team is the best place to ask.",
}


def classify(text: str) -> SmallTalk | None:
    """The kind of small talk `text` is, or None when it may be a real question."""
    folded = fold(text).strip().lstrip("¡¿ ")
    for kind, pattern in _PATTERNS:
        if pattern.match(folded):
            return kind
    if len(folded.split()) <= OFF_TOPIC_MAX_WORDS and _OFF_TOPIC.search(folded):
        return SmallTalk.OFF_TOPIC
    return None
