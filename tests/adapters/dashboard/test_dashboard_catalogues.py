"""The interface text in English, French and Spanish: every message the dashboard's code and
templates use is in each catalogue, translated (every plural form), with the same
placeholders; none is left over; the template (.pot) is current. `make catalogues` updates
them after a message changes."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from adapters.dashboard.i18n import DOMAIN, LANGUAGES, LOCALE_DIR, gettext_for, ngettext_for

DASHBOARD = LOCALE_DIR.parent
METHODS = [("**.py", "python"), ("templates/**.html", "jinja2")]
KEYWORDS = {"_": None, "ngettext": (1, 2)}


def used_messages() -> set[str]:
    """The message ids the code and templates use (a plural's singular form)."""
    found = extract_from_dir(str(DASHBOARD), method_map=METHODS, keywords=KEYWORDS)
    return {message if isinstance(message, str) else message[0] for _, _, message, *_ in found}


def catalogue(path: Path) -> Catalog:
    with path.open("rb") as source:
        return read_po(source)


def test_the_template_holds_every_message_in_use() -> None:
    used = used_messages()
    assert len(used) > 80
    template = catalogue(LOCALE_DIR / f"{DOMAIN}.pot")
    assert {m.id if isinstance(m.id, str) else m.id[0] for m in template if m.id} == used


@pytest.mark.parametrize("language", [code for code in LANGUAGES if code != "en"])
def test_each_catalogue_translates_every_message_with_its_placeholders(language: str) -> None:
    translated = catalogue(LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po")
    ids = {m.id if isinstance(m.id, str) else m.id[0]: m for m in translated if m.id}
    assert set(ids) == used_messages(), "run `make catalogues`, then translate"
    untranslated = [
        key
        for key, message in ids.items()
        if message.fuzzy
        or not message.string
        or (not isinstance(message.string, str) and not all(message.string))
    ]
    assert untranslated == []
    problems = [(message.id, errors) for message, errors in translated.check()]
    assert problems == []  # python-format placeholders match the English


def test_pages_speak_the_language_asked_for() -> None:
    assert gettext_for("fr")("Sign in") == "Connexion"
    assert gettext_for("es")("Group %(id)s", id=5) == "Grupo 5"
    assert gettext_for("en")("Group %(id)s", id=5) == "Group 5"
    asker = ngettext_for("fr")
    assert asker("%(num)s asker", "%(num)s askers", 1) == "1 personne a posé la question"
    assert asker("%(num)s asker", "%(num)s askers", 3) == "3 personnes ont posé la question"
