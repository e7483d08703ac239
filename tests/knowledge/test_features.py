"""Score-independent features of the best hit, on a small index built for the purpose."""

from __future__ import annotations

import dataclasses

import pytest

from knowledge.features import (
    FEATURE_NAMES,
    NO_MATCH,
    FeatureExtractor,
    MatchFeatures,
    _one_edit_from,
)
from knowledge.glossary import load_glossary
from knowledge.query import QueryPlan, QueryPlanner
from knowledge.search_types import DocKind, Hit, SearchDoc
from knowledge.tantivy_index import TantivyIndex


def doc(doc_id: str, title: str, text: str, kind: DocKind = "passage") -> SearchDoc:
    return SearchDoc(id=doc_id, kind=kind, title=title, text=text, source=f"{doc_id}.md")


DOCS = [
    doc(
        "upr",
        "UPR submission",
        "The UNCT submission to the universal periodic review is due in March.",
        kind="reply",
    ),
    doc("cedaw", "CEDAW", "The CEDAW committee reviews state reports on discrimination."),
    doc("hrba", "HRBA", "The human rights-based approach guides programming."),
    doc(
        "visits",
        "Special procedures visits",
        "How a UN country team prepares the visit of a special rapporteur to the country.",
    ),
    *(
        doc(f"filler-{i}", "Admin", f"Notes on {word} for the office.")
        for i, word in enumerate(["budget", "travel", "security", "payroll", "leave", "badges"])
    ),
]


class Case:
    """A planner and a tantivy index over DOCS, and features of a query against it."""

    def __init__(self, planner: QueryPlanner) -> None:
        self.planner = planner
        self.index = TantivyIndex(planner=planner)
        self.index.add(DOCS)

    def hits(self, query: str) -> list[Hit]:
        return list(self.index.search(query))

    def features(self, query: str, hits: list[Hit] | None = None) -> MatchFeatures:
        plan = self.planner.plan(query)
        found = self.index.search_plan(plan) if hits is None else hits
        each = FeatureExtractor(self.planner).features(
            plan,
            found,
            frequency=self.index.document_frequency,
            documents=self.index.stats().documents,
        )
        return each[0] if each else NO_MATCH


@pytest.fixture(scope="module")
def case() -> Case:
    return Case(QueryPlanner())


@pytest.fixture(scope="module")
def glossary_case() -> Case:
    return Case(QueryPlanner(glossary=load_glossary()))


def test_a_fully_covered_query(case: Case) -> None:
    hits = case.hits("UNCT submission universal periodic review")
    assert hits[0].doc.id == "upr"
    features = case.features("UNCT submission universal periodic review")
    assert features.coverage == 1.0
    assert features.missing_rare == 0.0
    assert features.idf_coverage == pytest.approx(1.0)
    assert features.unknown_share == 0.0
    assert features.is_reply == 1.0
    assert 0 < features.score_per_unit < 1


def test_a_partly_covered_query(case: Case) -> None:
    hits = case.hits("UNCT submission committee discrimination")
    features = case.features("UNCT submission committee discrimination")
    assert hits[0].doc.id in {"upr", "cedaw"}
    assert features.coverage == 0.5
    assert 0 < features.idf_coverage < 1
    assert features.unknown_share == 0.0
    assert features.margin < 0.5, "two docs match half the query each"


def test_missing_a_rare_word_costs_more_than_missing_a_common_one(case: Case) -> None:
    """'office' is in six docs, 'badges' in one: same coverage, different IDF share."""
    for query in ("periodic review march office", "periodic review march badges"):
        hits = case.hits(query)
        assert hits[0].doc.id == "upr", query
    misses_common = case.features("periodic review march office")
    misses_rare = case.features("periodic review march badges")
    assert misses_common.coverage == misses_rare.coverage == 0.75
    assert misses_rare.idf_coverage < misses_common.idf_coverage < 1.0
    assert misses_rare.missing_rare > misses_common.missing_rare > 0.0


def test_a_question_turning_on_a_word_the_hit_lacks_shows_it(glossary_case: Case) -> None:
    """The visits passage holds 'special rapporteur' but not 'Kenya', which a doc elsewhere
    holds: the hit lacks the question's rarest known word."""
    glossary_case.index.add([doc("kenya", "Kenya", "Kenya country office contacts.")])
    try:
        asked = glossary_case.features("who is the special rapporteur on Kenya")
        covered = glossary_case.features("how do we prepare a special rapporteur visit")
    finally:
        glossary_case.index.remove(["kenya"])
    assert asked.missing_rare > 0.5
    assert covered.missing_rare == 0.0


def test_a_number_the_hit_lacks_is_evidence_against_it(case: Case) -> None:
    assert case.features("UNCT submission due in March").missing_number == 0.0
    lacking = case.features("UNCT submission universal periodic review 2014")
    assert lacking.missing_number == 0.5  # the hit names no year: guidance for any year


@pytest.mark.parametrize(
    ("question", "missing"),
    [
        ("HRC 42 resolution cosponsors", 0.0),  # "42nd session"
        ("resolution 42/30 cosponsors", 0.0),
        ("cosponsors of the 2011-13 resolution", 0.0),  # a year by its last two digits
        ("cosponsors of the 2014 resolution", 1.0),
        ("HRC 43 resolution cosponsors", 1.0),
        ("3 cosponsors resolution", 0.0),  # a single digit counts things, it names nothing
        ("our review is in 2026: how do we prepare a submission", 0.5),  # guidance for any year
    ],
)
def test_a_number_is_found_in_the_forms_documents_write_it(question: str, missing: float) -> None:
    """1 for a hit about another year or session, 0.5 for one that names none."""
    planner = QueryPlanner()
    index = TantivyIndex(planner=planner)
    resolution = doc(
        "res",
        "Resolution",
        "At its 42nd session (2011-2013 cycle) the Council adopted A/HRC/RES/42/30 with 60 "
        "cosponsors.",
    )
    guide = doc("guide", "Review", "How a country team prepares a submission for its review.")
    index.add([resolution, guide, *(doc(f"other-{i}", "Other", "Travel.") for i in range(5))])
    plan = planner.plan(question)
    hit = guide if "prepare" in question else resolution
    (features,) = FeatureExtractor(planner).features(
        plan, [Hit(doc=hit, score=1.0)], frequency=index.document_frequency, documents=7
    )
    assert features.missing_number == missing


def test_a_misspelt_word_is_found_not_unknown(case: Case) -> None:
    features = case.features("UNCT submisison universal periodic review")
    assert features.unknown_share == 0.0
    assert features.coverage == 1.0


def test_unknown_share_counts_words_no_doc_has(case: Case) -> None:
    features = case.features("UNCT submission zorblat quixotrix")
    assert features.unknown_share == 0.5
    assert features.coverage == 0.5
    assert case.features("zorblat UNCT").unknown_share == 0.5
    assert case.features("UNCT submission").unknown_share == 0.0


def test_an_only_hit_has_full_margin(case: Case) -> None:
    assert [h.doc.id for h in case.hits("CEDAW discrimination")] == ["cedaw"]
    assert case.features("CEDAW discrimination").margin == 1.0
    assert case.features("UNCT submission committee discrimination").margin < 1.0


def test_a_passage_is_not_a_reply(case: Case) -> None:
    assert case.features("CEDAW discrimination").is_reply == 0.0


def test_no_hit_or_no_term_is_no_match(case: Case) -> None:
    assert case.features("zorblat quixotrix") == NO_MATCH
    assert case.features("the of and") == NO_MATCH
    hits = case.hits("UNCT submission")
    extractor = FeatureExtractor(case.planner)
    empty = QueryPlan(language="en", terms=())
    each = extractor.features(empty, hits, frequency=lambda _: 1, documents=9)
    assert each == [NO_MATCH] * len(hits)
    assert extractor.features(empty, [], frequency=lambda _: 1, documents=9) == []
    assert NO_MATCH.unknown_share == 1.0
    assert NO_MATCH.vector() == (0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0)


def test_the_vector_follows_the_feature_names() -> None:
    features = MatchFeatures(0.1, 0.2, 0.25, 0.3, 1.0, 0.4, 0.5, 0.6, 1.0, 0.7, 0.8)
    assert features.vector() == (0.1, 0.2, 0.25, 0.3, 1.0, 0.4, 0.5, 0.6, 1.0, 0.7, 0.8)
    assert features.vector(("similarity", "coverage")) == (0.7, 0.1)
    assert tuple(f.name for f in dataclasses.fields(MatchFeatures)) == FEATURE_NAMES


def test_similarity_features_read_the_re_ranked_hits(case: Case) -> None:
    hits = case.hits("UNCT submission committee discrimination")
    close = [dataclasses.replace(hits[0], similarity=0.92)]
    close += [dataclasses.replace(h, similarity=0.80) for h in hits[1:]]
    features = case.features("UNCT submission committee discrimination", close)
    assert features.similarity == pytest.approx(0.88)
    assert features.similarity_lead == 1.0
    lexical = case.features("UNCT submission committee discrimination", hits)
    assert lexical.similarity == lexical.similarity_lead == 0.0


QUERIES = [
    "UNCT submission universal periodic review",
    "UNCT submission committee discrimination",
    "human rights-based approach",
    "CEDAW discrimination",
    "notes for the office",
    "UPR UPR UPR",
    "zorblat UNCT",
    "univrsal periodc reveiw",
    "comment l'équipe de pays contribue à l'EPU ?",
    "¿qué es el enfoque basado en derechos humanos?",
    "committee",
]


@pytest.mark.parametrize("query", QUERIES)
def test_every_value_is_between_zero_and_one(case: Case, glossary_case: Case, query: str) -> None:
    for current in (case, glossary_case):
        values = current.features(query).vector()
        assert len(values) == len(FEATURE_NAMES)
        assert all(0.0 <= value <= 1.0 for value in values), dict(
            zip(FEATURE_NAMES, values, strict=True)
        )


def test_a_french_question_is_covered_by_english_guidance_through_the_glossary(
    glossary_case: Case,
) -> None:
    french = "comment l'équipe de pays contribue à la soumission pour l'EPU ?"
    english = "how does the country team contribute to the submission for the UPR?"
    assert glossary_case.hits(french)[0].doc.id == "upr"
    in_french, in_english = glossary_case.features(french), glossary_case.features(english)
    assert in_french.coverage == in_english.coverage
    assert in_french.coverage >= 2 / 3


def test_values_stay_between_zero_and_one_after_docs_are_replaced() -> None:
    planner = QueryPlanner()
    index = TantivyIndex(planner=planner)

    def note(number: int, edition: int) -> SearchDoc:
        return doc(f"note-{number}", f"Human rights note {number}", f"Edition {edition}.")

    index.add([*(note(i, 1) for i in range(8)), doc("travel", "Travel", "Per diem rules.")])
    index.add([note(i, 2) for i in range(6)])
    assert index.stats().documents == 9
    plan = planner.plan("human rights per diem")
    hits = index.search_plan(plan)
    (features, *_) = FeatureExtractor(planner).features(
        plan, hits, frequency=index.document_frequency, documents=9
    )
    assert all(0.0 <= value <= 1.0 for value in features.vector()), features


@pytest.mark.parametrize(
    ("typed", "typo"),
    [
        ("submisison", True),  # two neighbours swapped
        ("submision", True),  # a letter missing
        ("submmission", True),  # a letter added
        ("submussion", True),  # a letter changed
        ("sbumisison", False),  # two edits
        ("submission", False),  # the word itself is no typo of it
    ],
)
def test_a_typo_is_one_edit_from_a_word_of_the_hit(typed: str, typo: bool) -> None:
    assert _one_edit_from(typed, frozenset({"submission", "review"})) is typo


def test_a_docs_sentences_are_analysed_once_until_it_changes(case: Case) -> None:
    extractor = FeatureExtractor(case.planner)
    passage = doc("two", "Two", "Treaty bodies review reports. Rapporteurs visit countries.")
    sentences = extractor.sentence_terms(passage)
    assert [text for text, _ in sentences] == [
        "Treaty bodies review reports.",
        "Rapporteurs visit countries.",
    ]
    assert "treati" in sentences[0][1] and "visit" in sentences[1][1]
    assert extractor.sentence_terms(passage) is sentences
    extractor.forget(["two"])
    assert extractor.sentence_terms(passage) is not sentences
