"""From a question to weighted terms: own-language terms, glossary expansion, cognates."""

from __future__ import annotations

import pytest

from knowledge.analysis import Analyzer, stop_words
from knowledge.glossary import Glossary, load_glossary
from knowledge.query import PLANS_KEPT, QueryPlan, QueryPlanner

FRENCH_QUESTION = "comment l'équipe de pays contribue à l'examen périodique universel ?"
ENGLISH_QUESTION = "how does the UN country team contribute to the universal periodic review?"


@pytest.fixture(scope="module")
def planner() -> QueryPlanner:
    return QueryPlanner(glossary=load_glossary())


def weights(plan: QueryPlan) -> dict[str, float]:
    return {term.text: term.weight for term in plan.terms}


def test_a_french_question_keeps_its_own_terms_at_full_weight(planner: QueryPlanner) -> None:
    plan = planner.plan(FRENCH_QUESTION)
    assert plan.language == "fr"
    own = Analyzer(language="fr", keep_whole=planner.glossary.acronyms()).terms(FRENCH_QUESTION)
    assert own == ["equip", "pay", "contribu", "examen", "period", "universel"]
    found = weights(plan)
    assert all(found[term] == 1.0 for term in own)
    assert [t.text for t in plan.terms if t.weight >= 1.0] == own
    assert all(t.fuzzy for t in plan.terms if t.weight >= 1.0)


def test_a_french_question_gains_the_english_glossary_terms(planner: QueryPlanner) -> None:
    plan = planner.plan(FRENCH_QUESTION)
    assert set(plan.concepts) == {"upr", "unct"}
    found = weights(plan)
    for term in ("upr", "universal", "review", "unct", "countri", "team"):
        assert 0 < found[term] < 1.0, term
    assert found["upr"] >= found["review"], "an acronym weighs at least a word of a phrase"
    expanded = [t for t in plan.terms if t.weight < 1.0]
    assert not any(t.fuzzy for t in expanded), "only the member's own words are typo-tolerant"


def test_a_spanish_question_gains_the_english_glossary_terms(planner: QueryPlanner) -> None:
    plan = planner.plan("¿cómo contribuye el equipo de país al EPU?")
    assert plan.language == "es"
    found = weights(plan)
    assert found["epu"] == 1.0
    assert {"upr", "universal", "review", "unct"} <= set(found)


def test_an_english_question_is_not_expanded_into_other_languages(
    planner: QueryPlanner,
) -> None:
    plan = planner.plan(ENGLISH_QUESTION)
    assert plan.language == "en"
    english = planner.analyzer_for("en")
    allowed = set(english.terms(ENGLISH_QUESTION))
    for entry in planner.glossary.entries:
        if entry.id in plan.concepts:
            for phrase in entry.preferred().get("en", ()):
                allowed.update(english.terms(phrase))
    assert {t.text for t in plan.terms} <= allowed
    assert not {"epu", "examen", "exam", "equip", "pais", "pay"} & set(weights(plan))
    assert weights(plan)["upr"] < 1.0, "the English acronym is added as a synonym"


def test_the_locale_hint_decides_the_language(planner: QueryPlanner) -> None:
    assert planner.plan("UPR", language="fr-CA").language == "fr"
    assert planner.plan(FRENCH_QUESTION, language="en").language == "en"


def test_a_foreign_question_is_also_read_with_the_english_analyser() -> None:
    question = "les personnes handicapées et la protection sociale"
    plan = QueryPlanner(glossary=Glossary(())).plan(question)
    assert plan.language == "fr"
    found = weights(plan)
    assert found["protect"] == 1.0, "a cognate shares its French and English stem"
    cross = [t for t in plan.terms if t.weight < 1.0]
    assert [(t.text, t.weight, t.fuzzy) for t in cross] == [("personn", 0.5, False)]
    assert not {"les", "la", "et"} & set(found), "French stop words are not read as English"


@pytest.mark.parametrize(
    ("question", "acronym"),
    [
        ("what is UNDIS?", "undis"),
        ("UNAIDS and the right to health", "unaids"),
        ("IDPs in the CCA", "idps"),
        ("les SDGs et les droits humains", "sdgs"),
        ("TORs for the special rapporteur visit", "tors"),
    ],
)
def test_glossary_acronyms_stay_unstemmed(
    planner: QueryPlanner, question: str, acronym: str
) -> None:
    plan = planner.plan(question)
    assert weights(plan)[acronym] == 1.0
    plain = QueryPlanner(glossary=Glossary(())).plan(question)
    assert weights(plain).get(acronym, 0.0) < 1.0, "without the glossary it would be stemmed"


def test_symbols_and_numbers_stay_whole(planner: QueryPlanner) -> None:
    found = weights(planner.plan("what does A/HRC/60/8 say about 2030?"))
    assert found["a/hrc/60/8"] == 1.0
    assert found["2030"] == 1.0


@pytest.mark.parametrize(
    "question",
    [
        ENGLISH_QUESTION,
        FRENCH_QUESTION,
        "¿cuál es el papel del coordinador residente en los derechos humanos?",
        "what is the role of the resident coordinator on human rights?",
    ],
)
def test_stop_words_are_absent(planner: QueryPlanner, question: str) -> None:
    plan = planner.plan(question)
    assert plan.terms
    own = [t.text for t in plan.terms if t.weight >= 1.0]
    assert own
    assert not [term for term in own if term in stop_words(plan.language)]
    assert not [t.text for t in plan.terms if t.text in stop_words("en")]


@pytest.mark.parametrize("question", ["", "   ", "the of and", "?!"])
def test_a_question_without_content_has_no_terms(planner: QueryPlanner, question: str) -> None:
    assert planner.plan(question).terms == ()


def test_terms_are_unique_and_weights_positive(planner: QueryPlanner) -> None:
    for question in (ENGLISH_QUESTION, FRENCH_QUESTION, "UPR UPR upr review reviews"):
        plan = planner.plan(question)
        texts = [t.text for t in plan.terms]
        assert len(texts) == len(set(texts))
        assert all(0 < t.weight <= 1.0 for t in plan.terms)


def test_a_question_is_analysed_once_and_its_plan_stays_right_past_the_memory() -> None:
    planner = QueryPlanner(glossary=load_glossary())
    fresh = QueryPlanner(glossary=load_glossary())
    assert planner.plan(FRENCH_QUESTION) is planner.plan(FRENCH_QUESTION)
    assert planner.plan(FRENCH_QUESTION, language="en").language == "en"
    for number in range(PLANS_KEPT + 1):
        planner.plan(f"question {number}")
    assert planner.plan(FRENCH_QUESTION) == fresh.plan(FRENCH_QUESTION)
    assert planner.plan(FRENCH_QUESTION).language == "fr"


def test_a_forgotten_plan_is_analysed_afresh_and_alike() -> None:
    planner = QueryPlanner(glossary=load_glossary())
    remembered = planner.plan(FRENCH_QUESTION)
    planner.forget()
    again = planner.plan(FRENCH_QUESTION)
    assert again is not remembered
    assert again == remembered
