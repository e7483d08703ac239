"""Country names as the UN publishes them (M49) in English, French and Spanish, and back."""

from __future__ import annotations

import pytest

from bot.calendar.countries import UnknownCountryError, country_code, country_name, un_countries

_MEMBERS = """
AFG AGO ALB AND ARE ARG ARM ATG AUS AUT AZE BDI BEL BEN BFA BGD BGR BHR BHS BIH BLR BLZ BOL
BRA BRB BRN BTN BWA CAF CAN CHE CHL CHN CIV CMR COD COG COL COM CPV CRI CUB CYP CZE DEU DJI
DMA DNK DOM DZA ECU EGY ERI ESP EST ETH FIN FJI FRA FSM GAB GBR GEO GHA GIN GMB GNB GNQ GRC
GRD GTM GUY HND HRV HTI HUN IDN IND IRL IRN IRQ ISL ISR ITA JAM JOR JPN KAZ KEN KGZ KHM KIR
KNA KOR KWT LAO LBN LBR LBY LCA LIE LKA LSO LTU LUX LVA MAR MCO MDA MDG MDV MEX MHL MKD MLI
MLT MMR MNE MNG MOZ MRT MUS MWI MYS NAM NER NGA NIC NLD NOR NPL NRU NZL OMN PAK PAN PER PHL
PLW PNG POL PRK PRT PRY QAT ROU RUS RWA SAU SDN SEN SGP SLB SLE SLV SMR SOM SRB SSD STP SUR
SVK SVN SWE SWZ SYC SYR TCD TGO THA TJK TKM TLS TON TTO TUN TUR TUV TZA UGA UKR URY USA UZB
VCT VEN VNM VUT WSM YEM ZAF ZMB ZWE
"""
MEMBER_STATES = _MEMBERS.split()
OBSERVER_STATES = ["VAT", "PSE"]

UN_NAMES = [
    ("KOR", "Republic of Korea", "République de Corée", "República de Corea"),
    (
        "IRN",
        "Iran (Islamic Republic of)",
        "Iran (République islamique d’)",
        "Irán (República Islámica del)",
    ),
    ("VNM", "Viet Nam", "Viet Nam", "Viet Nam"),
    (
        "COD",
        "Democratic Republic of the Congo",
        "République démocratique du Congo",
        "República Democrática del Congo",
    ),
    ("CIV", "Côte d’Ivoire", "Côte d’Ivoire", "Côte d’Ivoire"),
    ("TUR", "Türkiye", "Türkiye", "Türkiye"),
    (
        "BOL",
        "Bolivia (Plurinational State of)",
        "Bolivie (État plurinational de)",
        "Bolivia (Estado Plurinacional de)",
    ),
    (
        "TZA",
        "United Republic of Tanzania",
        "République-Unie de Tanzanie",
        "República Unida de Tanzanía",
    ),
    ("PSE", "State of Palestine", "État de Palestine", "Estado de Palestina"),
    ("VAT", "Holy See", "Saint-Siège", "Santa Sede"),
    ("KEN", "Kenya", "Kenya", "Kenya"),
]


@pytest.mark.parametrize(("code", "en", "fr", "es"), UN_NAMES)
def test_the_un_names_in_three_languages(code: str, en: str, fr: str, es: str) -> None:
    assert country_name(code) == en
    assert [country_name(code, language) for language in ("en", "fr", "es")] == [en, fr, es]


@pytest.mark.parametrize(("code", "en", "fr", "es"), UN_NAMES)
def test_the_un_names_in_three_languages_resolve_to_their_code(
    code: str, en: str, fr: str, es: str
) -> None:
    assert {country_code(name) for name in (en, fr, es)} == {code}


def test_other_languages_fall_back_to_english_and_unknown_codes_to_themselves() -> None:
    assert country_name("KOR", "de") == "Republic of Korea"
    assert country_name("kor", "fr") == "République de Corée"
    assert country_name("XKX") == "XKX"
    assert country_name("ZZZ", "es") == "ZZZ"


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("iran (republique islamique d')", "IRN"),
        ("IRAN (REPUBLICA ISLAMICA DEL)", "IRN"),
        ("Cote d'Ivoire", "CIV"),
        ("cote d’ivoire", "CIV"),
        ("turkiye", "TUR"),
        ("republique democratique du congo", "COD"),
        ("Bolivie (Etat plurinational de)", "BOL"),
        ("Republica Unida de Tanzania", "TZA"),
        ("  Estado   de Palestina ", "PSE"),
        ("saint siege", "VAT"),
        ("Guinea Bissau", "GNB"),
    ],
)
def test_names_match_whatever_the_case_accents_and_apostrophes(name: str, code: str) -> None:
    assert country_code(name) == code


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("South Korea", "KOR"),
        ("North Korea", "PRK"),
        ("Iran", "IRN"),
        ("Vietnam", "VNM"),
        ("Turkey", "TUR"),
        ("Russia", "RUS"),
        ("Tanzania", "TZA"),
        ("Bolivia", "BOL"),
        ("Venezuela", "VEN"),
        ("Syria", "SYR"),
        ("Laos", "LAO"),
        ("Moldova", "MDA"),
        ("Congo-Kinshasa", "COD"),
        ("Congo-Brazzaville", "COG"),
        ("Congo", "COG"),
        ("Ivory Coast", "CIV"),
        ("Palestine", "PSE"),
        ("the Netherlands", "NLD"),
        ("Pays-Bas", "NLD"),
        ("Corée du Sud", "KOR"),
        ("Russie", "RUS"),
        ("Turquía", "TUR"),
        ("Costa de Marfil", "CIV"),
        ("Kosovo", "XKX"),
    ],
)
def test_the_common_names_people_type(name: str, code: str) -> None:
    assert country_code(name) == code


@pytest.mark.parametrize(
    ("value", "code"), [("KEN", "KEN"), ("ken", "KEN"), ("KE", "KEN"), ("404", "KEN")]
)
def test_iso_and_m49_codes(value: str, code: str) -> None:
    assert country_code(value) == code


def test_pycountry_still_resolves_what_the_un_table_lacks() -> None:
    assert country_code("kr") == "KOR"
    assert country_code("Korea, Republic of") == "KOR"


@pytest.mark.parametrize("name", ["Atlantis", "Korea", "Saint Martin", " "])
def test_unknown_or_ambiguous_names_are_refused(name: str) -> None:
    with pytest.raises(UnknownCountryError):
        country_code(name)


def test_the_refusal_says_what_to_give_and_suggests_a_near_name() -> None:
    with pytest.raises(UnknownCountryError, match=r"'Atlantis'.*ISO code such as KEN or a UN name"):
        country_code("Atlantis")
    with pytest.raises(UnknownCountryError, match=r"did you mean Kenya\?"):
        country_code("Kenyaa")


def test_every_member_and_observer_state_has_its_three_names() -> None:
    table = un_countries()
    assert len(MEMBER_STATES) == 193
    assert len(table) >= 195
    for code in MEMBER_STATES + OBSERVER_STATES:
        assert all(table[code].names[language].strip() for language in ("en", "fr", "es"))
    assert "XKX" not in table


def test_codes_are_unique_and_well_formed() -> None:
    countries = list(un_countries().values())
    assert len({country.iso3 for country in countries}) == len(countries)
    assert len({country.m49 for country in countries}) == len(countries)
    assert all(len(country.iso3) == 3 and country.iso3.isupper() for country in countries)
    assert all(len(country.m49) == 3 and country.m49.isdigit() for country in countries)
