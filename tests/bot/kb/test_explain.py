"""Why a hit ranks: the question's terms each hit holds, in which field, and whether words
or meaning found it."""

from __future__ import annotations

from bot.kb.explain import explain_hits
from knowledge.query import QueryPlanner
from knowledge.search_types import Hit, SearchDoc

REPLY = SearchDoc(
    id="upr-unct-submission",
    kind="reply",
    title="How does a UN Country Team prepare its submission to the Universal Periodic Review?",
    text="The submission summarises the country situation against earlier recommendations.",
    source="https://www.ohchr.org/",
    alt_titles=("What goes into a UNCT report for the UPR?",),
)


def test_matched_terms_are_named_with_their_fields_and_the_rest_as_missing() -> None:
    hit = Hit(doc=REPLY, score=3.2)
    [explained] = explain_hits(QueryPlanner(), "UNCT report recommendations budget", [hit]).hits
    fields = {match.term: match.fields for match in explained.matched}
    assert fields["report"] == ("alt_questions",)
    assert fields["recommendations"] == ("text",)
    assert explained.missing == ("budget",)
    assert (explained.found_by, explained.meaning) == ("words", None)


def test_a_hit_found_by_meaning_alone_says_so() -> None:
    by_meaning = Hit(doc=REPLY, score=0.7, lexical_score=0.0, similarity=0.92)
    both = Hit(doc=REPLY, score=0.9, lexical_score=4.0, similarity=0.80)
    explained = explain_hits(QueryPlanner(), "examen périodique", [by_meaning, both]).hits
    assert [e.found_by for e in explained] == ["meaning", "both"]
    assert explained[0].meaning is not None and explained[0].meaning > 0.8
