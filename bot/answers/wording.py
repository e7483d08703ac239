"""Words of the answer path that depend on the asker's language: what the bot says when the
answer it found is written in another language."""

from __future__ import annotations

from babel import Locale

OTHER_LANGUAGE = {
    "en": "There is no answer in English yet; this one is in {language}.",
    "fr": "Il n'y a pas encore de réponse en français ; celle-ci est en {language}.",
    "es": "Todavía no hay respuesta en español; esta está en {language}.",
}


def language_name(code: str, *, in_language: str) -> str:
    """A language's name as the asker would write it ("anglais" for a French asker)."""
    try:
        return str(Locale.parse(in_language).languages.get(code, code))
    except (ValueError, TypeError):
        return code


def other_language_notice(answer_language: str, asker_language: str) -> str:
    """The sentence telling the asker, in their language, that the answer is in another one;
    empty when the languages agree."""
    if answer_language == asker_language:
        return ""
    template = OTHER_LANGUAGE.get(asker_language, OTHER_LANGUAGE["en"])
    wording = asker_language if asker_language in OTHER_LANGUAGE else "en"
    return template.format(language=language_name(answer_language, in_language=wording))
