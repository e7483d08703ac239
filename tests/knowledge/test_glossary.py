"""The field glossary: parsing, finding concepts in text, the shipped data, local additions."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

from knowledge.analysis import tokenize
from knowledge.glossary import (
    AMBIGUOUS_ACRONYMS,
    Glossary,
    GlossaryError,
    load_glossary,
    parse_glossary,
)

SMALL = """
- id: human_rights
  terms: {en: [human rights], fr: [droits de l'homme]}
- id: hrc
  acronyms: {en: [HRC], fr: [CDH]}
  terms:
    en: [human rights council, council]
    fr: [conseil des droits de l'homme]
- id: upr
  acronyms: {en: [UPR], fr: [EPU], es: [EPU]}
  terms:
    en: [universal periodic review]
    fr: [examen périodique universel]
    es: [examen periódico universal]
- id: who
  acronyms: {en: [WHO], fr: [OMS]}
  terms: {en: [world health organization]}
- id: list_of_issues
  acronyms: {en: [LOI]}
  terms: {en: [list of issues], fr: [liste de points]}
"""


@pytest.fixture(scope="module")
def small() -> Glossary:
    return parse_glossary(SMALL)


@pytest.fixture(scope="module")
def shipped() -> Glossary:
    return load_glossary()


def found(glossary: Glossary, text: str) -> list[str]:
    return [entry.id for entry in glossary.find(text)]


# --------------------------------------------------------------------------- parsing


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("- id: a\n  terms: {en: [x]}\n- terms: {en: [y]}\n", "entry 2"),
        ("- id: a\n  terms: {en: [x]}\n- id: b\n", "entry 2"),
        ("- just a string\n", "entry 1"),
        ("- id: upr\n  terms: [universal periodic review]\n", "'upr'"),
        ("- id: upr\n  terms: {en: [1, 2]}\n", "'upr'"),
        ("- id: upr\n  terms: {en: [x]}\n  acronyms: [UPR]\n", "'upr'"),
        ("- id: upr\n  terms: {en: [x]}\n  acronyms: {en: {a: b}}\n", "'upr'"),
    ],
)
def test_a_parse_error_names_the_entry(text: str, names: str) -> None:
    with pytest.raises(GlossaryError, match=names):
        parse_glossary(text)


def test_the_glossary_must_be_a_list() -> None:
    with pytest.raises(GlossaryError, match="list"):
        parse_glossary("upr: universal periodic review\n")


def test_an_empty_text_is_an_empty_glossary() -> None:
    assert parse_glossary("").entries == ()


def test_a_single_string_is_accepted_for_a_list_of_one() -> None:
    entry = parse_glossary("- id: a\n  acronyms: {en: UNCT}\n  terms: {en: country team}\n")
    assert entry.entries[0].acronyms == {"en": ("UNCT",)}
    assert entry.entries[0].terms == {"en": ("country team",)}


def test_preferred_phrases_are_the_first_term_and_the_acronyms(small: Glossary) -> None:
    upr = next(e for e in small.entries if e.id == "upr")
    assert upr.preferred() == {
        "en": ("universal periodic review", "UPR"),
        "es": ("examen periódico universal", "EPU"),
        "fr": ("examen périodique universel", "EPU"),
    }


# --------------------------------------------------------------------------- finding


def test_the_longest_phrase_wins(small: Glossary) -> None:
    assert found(small, "the human rights council adopted it") == ["hrc"]
    assert found(small, "human rights in the council") == ["human_rights", "hrc"]


def test_concepts_come_in_text_order_once_each(small: Glossary) -> None:
    text = "after the UPR, the Human Rights Council and again the universal periodic review"
    assert found(small, text) == ["upr", "hrc"]
    assert found(small, "HRC then UPR") == ["hrc", "upr"]


def test_matching_folds_case_and_accents(small: Glossary) -> None:
    for text in [
        "Examen Périodique Universel",
        "EXAMEN PERIODIQUE UNIVERSEL",
        "examen periodique universel",
        "l'EPU",
        "el examen periódico universal",
    ]:
        assert found(small, text) == ["upr"], text


def test_phrases_match_whole_words_only(small: Glossary) -> None:
    assert found(small, "universal periodic reviewers") == []
    assert found(small, "councillors") == []


def test_ambiguous_acronyms_match_only_in_capitals(small: Glossary) -> None:
    assert {"who", "loi"} <= AMBIGUOUS_ACRONYMS
    assert found(small, "who drafts the report?") == []
    assert found(small, "guidance from WHO on health") == ["who"]
    assert found(small, "la loi sur la protection des données") == []
    assert found(small, "la LOI du comité") == ["list_of_issues"]
    assert found(small, "OMS et santé") == ["who"]
    assert found(small, "oms et santé") == ["who"], "only listed ambiguous acronyms need capitals"


def test_acronyms_are_folded_for_the_analysers(small: Glossary) -> None:
    assert small.acronyms() == frozenset({"hrc", "cdh", "upr", "epu", "who", "oms", "loi"})


# --------------------------------------------------------------------------- shipped data


def test_the_shipped_glossary_loads_with_unique_ids(shipped: Glossary) -> None:
    ids = [entry.id for entry in shipped.entries]
    assert len(ids) >= 150
    assert len(set(ids)) == len(ids)


def test_every_shipped_entry_has_english_terms(shipped: Glossary) -> None:
    missing = [e.id for e in shipped.entries if not e.terms.get("en")]
    assert missing == []
    languages = {lang for e in shipped.entries for lang in (*e.terms, *e.acronyms)}
    assert languages <= {"en", "fr", "es"}


def test_no_phrase_belongs_to_two_shipped_entries_in_one_language(shipped: Glossary) -> None:
    owners: dict[tuple[str, tuple[str, ...]], set[str]] = defaultdict(set)
    for entry in shipped.entries:
        for values in (entry.terms, entry.acronyms):
            for language, phrases in values.items():
                for phrase in phrases:
                    owners[(language, tuple(tokenize(phrase)))].add(entry.id)
    clashes = {key: ids for key, ids in owners.items() if len(ids) > 1}
    assert clashes == {}


def test_every_shipped_phrase_has_tokens(shipped: Glossary) -> None:
    empty = [
        (entry.id, phrase)
        for entry in shipped.entries
        for values in (entry.terms, entry.acronyms)
        for phrases in values.values()
        for phrase in phrases
        if not tokenize(phrase)
    ]
    assert empty == []


def test_the_shipped_glossary_recognises_common_field_words(shipped: Glossary) -> None:
    assert "upr" in found(shipped, "comment préparer l'EPU ?")
    assert "unct" in found(shipped, "el equipo de país de las naciones unidas")
    assert "hrba" in found(shipped, "what is the human rights-based approach")
    assert found(shipped, "who drafts the report") == found(shipped, "drafts the report")


# --------------------------------------------------------------------------- local additions

EXTRA = """
- id: upr
  acronyms: {en: [UPR]}
  terms: {en: [universal periodic review, peer review of states]}
- id: local_mechanism
  acronyms: {en: [NRIC]}
  terms:
    en: [national reporting and implementation committee]
    fr: [comité national de rapport et de mise en œuvre]
"""


def test_an_extra_file_adds_entries_and_replaces_same_ids(
    tmp_path: Path, shipped: Glossary
) -> None:
    extra = tmp_path / "local.yaml"
    extra.write_text(EXTRA, encoding="utf-8")
    glossary = load_glossary(extra=extra)
    assert len(glossary.entries) == len(shipped.entries) + 1
    assert found(glossary, "what does the NRIC do") == ["local_mechanism"]
    assert found(glossary, "comité national de rapport et de mise en œuvre") == ["local_mechanism"]
    upr = next(e for e in glossary.entries if e.id == "upr")
    assert upr.terms == {"en": ("universal periodic review", "peer review of states")}
    assert found(glossary, "peer review of states") == ["upr"]
    assert "upr" not in found(glossary, "l'EPU"), "the replaced entry lost its French acronym"
    assert "nric" in glossary.acronyms()


def test_a_missing_extra_file_raises_a_glossary_error(tmp_path: Path) -> None:
    with pytest.raises(GlossaryError, match=r"missing\.yaml"):
        load_glossary(extra=tmp_path / "missing.yaml")


def test_a_folder_as_extra_file_raises_a_glossary_error(tmp_path: Path) -> None:
    with pytest.raises(GlossaryError):
        load_glossary(extra=tmp_path)


def test_broken_yaml_in_the_extra_file_raises_a_glossary_error(tmp_path: Path) -> None:
    extra = tmp_path / "broken.yaml"
    extra.write_text("- id: upr\n  terms: {en: [universal periodic review\n", encoding="utf-8")
    with pytest.raises(GlossaryError, match=r"broken\.yaml"):
        load_glossary(extra=extra)


def test_a_malformed_entry_in_the_extra_file_raises_a_glossary_error(tmp_path: Path) -> None:
    extra = tmp_path / "local.yaml"
    extra.write_text("- id: nric\n  terms: [national committee]\n", encoding="utf-8")
    with pytest.raises(GlossaryError, match="'nric'"):
        load_glossary(extra=extra)


def test_an_extra_file_that_is_not_utf8_raises_a_glossary_error(tmp_path: Path) -> None:
    extra = tmp_path / "local.yaml"
    extra.write_bytes("- id: x\n  terms: {fr: [comité exécutif]}\n".encode("cp1252"))
    with pytest.raises(GlossaryError):
        load_glossary(extra=extra)
