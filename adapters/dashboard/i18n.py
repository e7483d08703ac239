"""The dashboard's interface in English, French and Spanish: gettext catalogues
(`locale/<language>/LC_MESSAGES/dashboard.po`, English being the source), the language a
browser asks for, and dates, ages, numbers and country names in that language.

The catalogues are compiled in memory by Babel when first used, so the repository holds no
binary .mo file that could drift from its .po.
"""

from __future__ import annotations

import gettext
from collections.abc import Callable
from datetime import date, datetime, timedelta
from functools import lru_cache
from io import BytesIO
from pathlib import Path

import pycountry
from babel import Locale
from babel.dates import format_date, format_datetime, format_timedelta
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import Translations

from bot.calendar.countries import country_name
from knowledge.ingest.limits import MEGABYTE

LANGUAGES = ("en", "fr", "es")
LANGUAGE_NAMES = {"en": "English", "fr": "Français", "es": "Español"}
"""Each language named in itself, as a language switcher shows them."""
DEFAULT = "en"
DOMAIN = "dashboard"
LOCALE_DIR = Path(__file__).with_name("locale")

Gettext = Callable[..., str]
"""`_("Group %(id)s", id=5)`: the message in the page's language, values filled in."""


@lru_cache(maxsize=len(LANGUAGES))
def translations(language: str) -> gettext.NullTranslations:
    """The compiled catalogue of a language (English: the messages as written)."""
    if language == DEFAULT:
        return gettext.NullTranslations()
    path = LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    with path.open("rb") as source:
        catalog = read_po(source, locale=language, domain=DOMAIN)
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


def gettext_for(language: str) -> Gettext:
    """The `_` of pages in `language`."""
    catalogue = translations(language)

    def translate(message: str, **values: object) -> str:
        text = catalogue.gettext(message)
        return text % values if values else text

    return translate


def ngettext_for(language: str) -> Gettext:
    """The `ngettext` of pages in `language`: `ngettext("%(num)s asker", "%(num)s askers", n)`."""
    catalogue = translations(language)

    def translate(singular: str, plural: str, count: int, **values: object) -> str:
        return catalogue.ngettext(singular, plural, count) % {"num": count, **values}

    return translate


def preferred_language(accept_language: str | None, chosen: str | None = None) -> str:
    """The language a moderator chose (their cookie), else the first of their browser's
    `Accept-Language` that the dashboard speaks, else English."""
    if chosen in LANGUAGES:
        return str(chosen)
    ranked: list[tuple[float, int, str]] = []
    for position, item in enumerate((accept_language or "").split(",")):
        tag, _, parameters = item.strip().partition(";")
        weight = 1.0
        if parameters.strip().startswith("q="):
            try:
                weight = float(parameters.strip()[2:])
            except ValueError:
                continue
        ranked.append((-weight, position, tag.strip().lower()))
    for weight, _position, tag in sorted(ranked):
        language = tag.split("-")[0]
        if weight < 0 and language in LANGUAGES:
            return language
    return DEFAULT


class Formats:
    """Dates, ages, numbers and countries as the page's language writes them."""

    def __init__(self, language: str, *, now: datetime) -> None:
        self.language = language
        self._locale = Locale.parse(language)
        self._now = now

    def age(self, since: datetime | None) -> str:
        """How long ago: "3 days", "2 hours" (nothing when unknown)."""
        if since is None:
            return ""
        elapsed = max(self._now - since, timedelta(0))
        return format_timedelta(elapsed, threshold=1.5, locale=self._locale)

    def moment(self, when: datetime | None) -> str:
        """A date and time, medium length, in UTC (moderators are in every time zone)."""
        if when is None:
            return ""
        return format_datetime(when, "medium", tzinfo=None, locale=self._locale) + " UTC"

    def day(self, when: date | None) -> str:
        """A date, whole: "Nov 2, 2026", "2 nov. 2026" (nothing when unknown)."""
        return format_date(when, "medium", locale=self._locale) if when is not None else ""

    def today(self) -> date:
        """The date now, in UTC, as the pages' other times are."""
        return self._now.date()

    def number(self, value: int) -> str:
        """A count with the language's digit grouping."""
        return format_decimal(value, locale=self._locale)

    def megabytes(self, size: int) -> str:
        """A size in bytes as megabytes, to a tenth: "20.4"."""
        return format_decimal(size / MEGABYTE, format="#,##0.0", locale=self._locale)

    def country(self, code: str) -> str:
        """A country's name in the page's language, from its ISO 3166 alpha-3 code."""
        found = pycountry.countries.get(alpha_3=code)
        alpha_2 = getattr(found, "alpha_2", None)
        return str(self._locale.territories.get(alpha_2 or "", country_name(code)))
