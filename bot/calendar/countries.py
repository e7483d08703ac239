"""Country names as the UN writes them, resolved to ISO 3166 alpha-3 codes with pycountry."""

from __future__ import annotations

import re
from functools import lru_cache

import pycountry

_UN_STYLE = re.compile(r"^(?P<name>[^()]+?)\s*\((?P<qualifier>[^()]+ of)\)$")
ALIASES = {
    "state of palestine": "PSE",
    "palestine": "PSE",
    "turkey": "TUR",
    "kosovo": "XKX",
    "cote d'ivoire": "CIV",
    "republic of korea": "KOR",
    "south korea": "KOR",
    "north korea": "PRK",
    "russia": "RUS",
    "democratic republic of the congo": "COD",
}


class UnknownCountryError(LookupError):
    """The name or code is not a country pycountry knows."""


@lru_cache(maxsize=2048)
def country_code(value: str) -> str:
    """ISO alpha-3 for a code (KEN, KE) or a name, including UN forms such as "Iran (Islamic
    Republic of)" and "Türkiye"; UnknownCountryError otherwise."""
    text = " ".join(value.split())
    if not text:
        raise UnknownCountryError("no country given")
    alias = ALIASES.get(text.casefold().replace("’", "'").replace("ô", "o"))
    if alias:
        return alias
    candidates = [text]
    match = _UN_STYLE.match(text)
    if match:
        candidates += [f"{match['qualifier']} {match['name']}", match["name"]]
    for candidate in candidates:
        try:
            return str(pycountry.countries.lookup(candidate).alpha_3)
        except LookupError:
            continue
    raise UnknownCountryError(
        f"unknown country {value!r}: use an ISO code such as KEN or a UN name"
    )


def country_name(code: str) -> str:
    """The country's common English name."""
    country = pycountry.countries.get(alpha_3=code)
    if country is None:
        return code
    return str(getattr(country, "common_name", None) or country.name)
