"""Country names as the United Nations publishes them, in English, French and Spanish.

`un_countries.csv` lists the 248 countries or areas of the UN Statistics Division's M49
standard, "Standard country or area codes for statistical use"
(https://unstats.un.org/unsd/methodology/m49/overview/), with their ISO 3166 alpha-3 and M49
codes and UNSD's English, French and Spanish names: the 193 Member States, the Holy See and
the State of Palestine, and the other areas. The names are the UNSD downloads of September 2024
as stored, unedited, in github.com/datasets/country-codes (tmp/UNSD-en.csv, UNSD-fr.csv and
UNSD-es.csv at commit 25c1991e); they agree with UNTERM's short names without the article.
Kosovo is not in M49: its code XKX is only an alias. Codes and names outside the table are
resolved by pycountry, so ISO alpha-2 codes and its common names keep working.
"""

from __future__ import annotations

import csv
import difflib
import re
import unicodedata
from functools import cache, lru_cache
from importlib import resources
from typing import NamedTuple

import pycountry

LANGUAGES = ("en", "fr", "es")
_UN_STYLE = re.compile(r"^(?P<name>[^()]+?)\s*\((?P<qualifier>[^()]+ of)\)$")
_QUALIFIED = re.compile(r"^(?P<name>[^()]+?)\s*\([^()]+\)$")

# Names people type that are not the UN's, in the three languages. The UN names without their
# qualifier ("Iran", "Bolivia", "Pays-Bas") need no entry: they are derived from the table.
ALIASES = {
    "XKX": ["kosovo", "xkx"],
    "PSE": ["palestine", "palestina"],
    "VAT": ["vatican", "vatican city", "vaticano", "cite du vatican"],
    "TUR": ["turkey", "turquie", "turquia"],
    "KOR": ["south korea", "coree du sud", "corea del sur"],
    "PRK": ["north korea", "coree du nord", "corea del norte"],
    "RUS": ["russia", "russie", "rusia"],
    "VNM": ["vietnam"],
    "TZA": ["tanzania", "tanzanie"],
    "SYR": ["syria", "syrie", "siria"],
    "LAO": ["laos"],
    "MDA": ["moldova", "moldavie", "moldavia"],
    "COD": ["congo-kinshasa", "drc", "dr congo", "democratic republic of congo", "rdc"],
    "COG": ["congo-brazzaville", "republic of the congo", "republic of congo"],
    "CIV": ["ivory coast", "costa de marfil"],
    "CPV": ["cape verde", "cap-vert"],
    "SWZ": ["swaziland"],
    "CZE": ["czech republic"],
    "MKD": ["macedonia"],
    "MMR": ["burma", "birmanie"],
    "TLS": ["east timor"],
    "BRN": ["brunei"],
    "GBR": ["uk", "united kingdom", "great britain", "britain", "royaume-uni", "reino unido"],
    "USA": ["united states", "us", "etats-unis", "estados unidos"],
    "ARE": ["uae"],
    "NLD": ["holland"],
}


class UnknownCountryError(LookupError):
    """The name or code is neither a UN country or area nor one pycountry knows."""


class Country(NamedTuple):
    """One row of the UN table: codes and the names in each language."""

    iso3: str
    m49: str
    names: dict[str, str]


def _fold(text: str) -> str:
    """A name for comparison: case, accents, apostrophes, hyphens and spacing ignored."""
    text = unicodedata.normalize("NFKD", text.replace("’", "'").replace("‘", "'"))
    text = "".join(char for char in text if not unicodedata.combining(char))
    return " ".join(text.casefold().replace("-", " ").split())


@cache
def un_countries() -> dict[str, Country]:
    """The UN table by ISO alpha-3 code, read once from `un_countries.csv`."""
    text = resources.files("bot.calendar").joinpath("un_countries.csv").read_text("utf-8")
    table: dict[str, Country] = {}
    for row in csv.DictReader(text.splitlines()):
        names = {language: row[f"name_{language}"] for language in LANGUAGES}
        table[row["iso3"]] = Country(row["iso3"], row["m49"], names)
    return table


@cache
def _index() -> dict[str, str]:
    """Folded names, UN and common, to ISO alpha-3; a short form shared by two is left out."""
    index: dict[str, str] = {}
    short: dict[str, set[str]] = {}
    for country in un_countries().values():
        index[country.m49] = country.iso3
        for name in country.names.values():
            index[_fold(name)] = country.iso3
            match = _QUALIFIED.match(name)
            if match:
                short.setdefault(_fold(match["name"]), set()).add(country.iso3)
    for name, codes in short.items():
        if len(codes) == 1 and name not in index:
            index[name] = codes.pop()
    for code, aliases in ALIASES.items():
        index.update((_fold(alias), code) for alias in aliases)
    return index


@lru_cache(maxsize=2048)
def country_code(value: str) -> str:
    """ISO alpha-3 for a code (KEN, KE, M49 404) or a name in English, French or Spanish,
    the UN's ("Iran (Islamic Republic of)", "Türkiye") or a common one ("Iran", "Turquie");
    UnknownCountryError otherwise."""
    text = " ".join(value.split())
    if not text:
        raise UnknownCountryError("no country given")
    if text.upper() in un_countries():
        return text.upper()
    folded = _fold(text)
    code = _index().get(folded.zfill(3) if folded.isdigit() else folded)
    if code is None and folded.startswith("the "):
        code = _index().get(folded.removeprefix("the "))
    return code or _pycountry_code(text, value)


def _pycountry_code(text: str, value: str) -> str:
    candidates = [text]
    match = _UN_STYLE.match(text)
    if match:
        candidates += [f"{match['qualifier']} {match['name']}", match["name"]]
    for candidate in candidates:
        try:
            return str(pycountry.countries.lookup(candidate).alpha_3)
        except LookupError:
            continue
    close = difflib.get_close_matches(_fold(text), _index(), n=1, cutoff=0.8)
    hint = f" (did you mean {country_name(_index()[close[0]])}?)" if close else ""
    raise UnknownCountryError(
        f"unknown country {value!r}{hint}: use an ISO code such as KEN or a UN name"
    )


def country_name(code: str, language: str = "en") -> str:
    """The UN's name for the country in the language (English for languages other than
    en, fr and es); the code itself when the UN table does not have it."""
    country = un_countries().get(code.upper())
    if country is None:
        return code
    return country.names.get(language, country.names["en"])
