"""Guessing whether a short chat message is English, French or Spanish.

Chat questions are too short for statistical detectors to be reliable, but function words and
a few letters (ñ, ¿, ç, œ) settle most of them; with no signal we assume English, the language
of most guidance.
"""

from __future__ import annotations

import re
from functools import lru_cache

from knowledge.analysis import SUPPORTED_LANGUAGES, stop_words, tokenize

DEFAULT_LANGUAGE = "en"
_MARKERS = {
    "es": re.compile(r"[ñ¿¡]|ción\b|ciones\b"),
    "fr": re.compile(r"[çœêèàùâîû]|\b[ldjnsc]'|\bqu'"),
}
_FUNCTION_WORDS_ONLY_IN = {
    "en": frozenset(
        {"the", "is", "how", "what", "which", "who", "with", "do", "does", "and", "of"}
    ),
    "fr": frozenset({"le", "les", "est", "des", "du", "pour", "avec", "qui", "comment", "quel"}),
    "es": frozenset({"el", "los", "las", "es", "del", "para", "con", "como", "cual", "quien"}),
}


RECENT_TEXTS = 1024


@lru_cache(maxsize=RECENT_TEXTS)
def detect_language(text: str, *, hint: str | None = None) -> str:
    """'en', 'fr' or 'es': the hint (a user's locale) when given and supported, else a guess.
    Remembered for recent texts: a question is read when it is stored and again when it is
    analysed for search."""
    if hint:
        base = hint.split("-", 1)[0].split("_", 1)[0].lower()
        if base in SUPPORTED_LANGUAGES:
            return base
    tokens = tokenize(text)
    lowered = text.casefold()
    scores: dict[str, float] = {}
    for language in SUPPORTED_LANGUAGES:
        words = stop_words(language)
        distinctive = _FUNCTION_WORDS_ONLY_IN[language]
        score = sum(1.0 for t in tokens if t in words) + sum(
            1.0 for t in tokens if t in distinctive
        )
        marker = _MARKERS.get(language)
        if marker is not None:
            score += 1.5 * len(marker.findall(lowered))
        scores[language] = score
    best = max(SUPPORTED_LANGUAGES, key=lambda lang: (scores[lang], lang == DEFAULT_LANGUAGE))
    return best if scores[best] > scores[DEFAULT_LANGUAGE] else DEFAULT_LANGUAGE
