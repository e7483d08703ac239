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
_WORD_RE = re.compile(_WORD)


_COMBINING_MARKS = re.compile(
    r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+"
)
TERM_CACHE_SIZE = 400_000


def fold(text: str) -> str:
    """Unicode-normalise, lower-case and strip accents, so 'Périodique' matches 'periodique'."""
    lowered = text.casefold()
    if lowered.isascii():
        return lowered
    return _COMBINING_MARKS.sub("", unicodedata.normalize("NFKD", lowered))


def tokenize(text: str) -> list[str]:
    """Folded tokens, UN document symbols kept whole."""
    folded = fold(text)
    return (_TOKEN_RE if "/" in folded else _WORD_RE).findall(folded)


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
    """Turns text into index terms for one language.

    Each distinct token is analysed once and remembered (words follow Zipf's law, so a small
    cache covers nearly every token), which keeps indexing a million passages fast.
    """

    def __init__(self, *, language: str = "en", keep_whole: frozenset[str] = frozenset()) -> None:
        self.language = language if language in SUPPORTED_LANGUAGES else "en"
        self._stops = stop_words(self.language)
        self._stemmer = _stemmer(self.language)
        self._keep_whole = keep_whole
        self._cache: dict[str, str] = {}

    def terms(self, text: str) -> list[str]:
        """Index terms of `text`: tokens minus stop words, stemmed unless a symbol or kept word."""
        tokens = tokenize(text)
        self._ensure_known(tokens)
        return [term for term in map(self._cache.__getitem__, tokens) if term]

    def surfaces(self, text: str) -> dict[str, str]:
        """Each index term of `text` with the (folded) word it came from, for typo matching."""
        tokens = tokenize(text)
        self._ensure_known(tokens)
        pairs: dict[str, str] = {}
        for token in tokens:
            term = self._cache[token]
            if term and term not in pairs:
                pairs[term] = token
        return pairs

    def _ensure_known(self, tokens: list[str]) -> None:
        unseen = set(tokens).difference(self._cache)
        if unseen:
            self._learn(list(unseen))

    def _learn(self, tokens: list[str]) -> None:
        if len(self._cache) + len(tokens) > TERM_CACHE_SIZE:
            self._cache.clear()
        stems: list[str] = self._stemmer.stemWords(tokens)
        for token, stem in zip(tokens, stems, strict=True):
            self._cache[token] = self._term(token, stem)

    def _term(self, token: str, stem: str) -> str:
        """The term a token becomes; empty for tokens that are not indexed."""
        if len(token) < 2 or token in self._stops:
            return ""
        if "/" in token or token in self._keep_whole or token.isdigit():
            return token
        return stem
