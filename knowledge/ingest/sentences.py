"""Splitting text into sentences without cutting at abbreviations.

Human-rights texts are full of "e.g.", "No. 24", "para. 12" and "art. 2"; a naive split at
every full stop would cut passages in the middle of a sentence.
"""

from __future__ import annotations

import re

_ABBREVIATION_WORDS = """
    e.g. i.e. cf. viz. vs. al. approx. ibid. op. cit. no. nos. nº. para. paras. art. arts.
    p. pp. vol. ch. chap. sect. sec. fig. ann. add. corr. rev. res. doc. mr. ms. mrs. dr. prof.
    st. jr. sr. inc. ltd. co. jan. feb. mar. apr. jun. jul. aug. sep. sept. oct. nov. dec.
    ex. mme. mlle. env. sra. sras. srs. dra. núm. párr. pág. págs. ej. ud. uds.
"""
_ABBREVIATIONS = frozenset(_ABBREVIATION_WORDS.split())
_END = re.compile(r"[.!?…]+[\"'”’»)\]]*\s+")
_OPENERS = "\"'“‘«(¿¡["


def _starts_sentence(rest: str) -> bool:
    """Whether the text after a full stop looks like the start of a new sentence."""
    stripped = rest.lstrip(_OPENERS)
    return bool(stripped) and stripped[0].isupper()


def _is_abbreviation(before: str) -> bool:
    """Whether the word ending at a full stop is an abbreviation or an initial."""
    word = before.rsplit(None, 1)[-1].lstrip(_OPENERS).lower() if before.strip() else ""
    if word in _ABBREVIATIONS:
        return True
    # Single letters ("J. Smith", "Annex A. ") and dotted acronyms ("U.N.") are not ends.
    return re.fullmatch(r"(?:[^\W\d_]\.)+", word) is not None


def split_sentences(text: str) -> list[str]:
    """Sentences of text in order; joining them with spaces gives back the words of text."""
    sentences: list[str] = []
    start = 0
    for match in _END.finditer(text):
        end = match.end()
        punctuation = match.group().rstrip()
        if not _starts_sentence(text[end:]):
            continue
        if punctuation.startswith(".") and _is_abbreviation(text[start : match.start() + 1]):
            continue
        sentence = text[start:end].strip()
        if sentence:
            sentences.append(sentence)
        start = end
    tail = text[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences
