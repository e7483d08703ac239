"""Text analysis shared by indexing and querying: normalise, tokenise, drop stop words, stem.

UN document symbols (A/HRC/60/8, CEDAW/C/75/1) are kept as single tokens, and so are
acronyms, because colleagues search by them and stemming would blur them.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from importlib import resources

import Stemmer

SUPPORTED_LANGUAGES = ("en", "fr", "es")
_STEMMER_NAMES = {"en": "english", "fr": "french", "es": "spanish"}

_SYMBOL = r"[a-z]{1,10}(?:/[a-z0-9.\-]+)+(?<![.\-])"
_WORD = r"[^\W_]+"
_TOKEN_RE = re.compile(f"{_SYMBOL}|{_WORD}")


def fold(text: str) -> str:
    """Unicode-normalise, lower-case and strip accents, so 'Périodique' matches 'periodique'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def tokenize(text: str) -> list[str]:
    """Folded tokens, UN document symbols kept whole."""
    return _TOKEN_RE.findall(fold(text))


@cache
def stop_words(language: str) -> frozenset[str]:
    """Folded stop words of a language, from the packaged word lists."""
    if language not in SUPPORTED_LANGUAGES:
        return frozenset()
    listing = resources.files("knowledge.data").joinpath(f"stopwords_{language}.txt")
    words = (line.strip() for line in listing.read_text(encoding="utf-8").splitlines())
    return frozenset(fold(word) for word in words if word and not word.startswith("#"))


@cache
def _stemmer(language: str) -> Stemmer.Stemmer:
    return Stemmer.Stemmer(_STEMMER_NAMES.get(language, "english"))


class Analyzer:
    """Turns text into index terms for one language."""

    def __init__(self, *, language: str = "en", keep_whole: frozenset[str] = frozenset()) -> None:
        self.language = language if language in SUPPORTED_LANGUAGES else "en"
        self._stops = stop_words(self.language)
        self._stemmer = _stemmer(self.language)
        self._keep_whole = keep_whole

    def terms(self, text: str) -> list[str]:
        """Index terms of `text`: tokens minus stop words, stemmed unless a symbol or kept word."""
        tokens = [t for t in tokenize(text) if len(t) > 1 and t not in self._stops]
        stems: list[str] = self._stemmer.stemWords(tokens)
        return [
            token if "/" in token or token in self._keep_whole or token.isdigit() else stem
            for token, stem in zip(tokens, stems, strict=True)
        ]
