from __future__ import annotations

from knowledge.analysis import Analyzer, fold, tokenize


def test_fold_removes_case_and_accents() -> None:
    assert fold("Examen Périodique Universel — ÉTAT") == "examen periodique universel — etat"


def test_un_document_symbols_stay_whole() -> None:
    tokens = tokenize("See A/HRC/60/8. and CEDAW/C/75/1, then E/C.12/GC/24.")
    assert "a/hrc/60/8" in tokens
    assert "cedaw/c/75/1" in tokens
    assert "e/c.12/gc/24" in tokens


def test_english_terms_are_stemmed_without_stop_words() -> None:
    assert Analyzer().terms("How do the reviews of treaty bodies work?") == [
        "review",
        "treati",
        "bodi",
        "work",
    ]


def test_french_elisions_and_stop_words_are_dropped() -> None:
    terms = Analyzer(language="fr").terms("Comment l'équipe de pays contribue-t-elle à l'EPU ?")
    assert terms == ["equip", "pay", "contribu", "epu"]


def test_kept_words_are_not_stemmed() -> None:
    analyzer = Analyzer(keep_whole=frozenset({"unsdcf"}))
    assert analyzer.terms("UNSDCF") == ["unsdcf"]
