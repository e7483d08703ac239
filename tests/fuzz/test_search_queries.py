"""Any question to the search and answering path: control characters, every script, only
punctuation, empty, up to 40,000 characters, in any of the asker's languages.

Query analysis, the search index and the answerer, over the sample knowledge base on SQLite
and PostgreSQL, answer each with results (or none) and a reply that answers or abstains
plainly; nothing raises.
"""

from __future__ import annotations

import math
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from hypothesis import given
from hypothesis import strategies as st

from adapters.wiring.services import Services, open_services
from bot.messages import ReplyKind
from bot.settings import load_settings
from knowledge.analysis import Analyzer
from tests.fuzz.tally import counted
from tests.fuzz.text import PUNCTUATION, SCRIPTS, long_text

QUESTIONS = [
    "How does a UNCT contribute to the UPR?",
    "¿Qué es el enfoque basado en derechos humanos?",
    "Comment l'équipe de pays contribue-t-elle à l'EPU ?",
]
queries = st.one_of(
    long_text(40_000),
    PUNCTUATION,
    st.just(""),
    st.text(st.characters(categories=["Cc", "Cf", "Zs", "Zl", "Zp", "Mn"]), max_size=200),
    st.lists(st.sampled_from(SCRIPTS), min_size=1, max_size=20).map(" ".join),
    st.tuples(st.sampled_from(QUESTIONS), long_text(2000)).map(" ".join),
)
languages = st.sampled_from([None, "en", "fr", "es", "ar", "zz", ""])


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def services(sample_knowledge_url: str) -> AsyncIterator[Services]:
    """The answering path over the sample knowledge base."""
    async with open_services(load_settings({"HURIBOT_DATABASE_URL": sample_knowledge_url})) as s:
        yield s


@pytest.mark.asyncio(loop_scope="module")
@given(query=queries, language=languages)
@counted
async def test_any_question_is_answered_or_plainly_not(
    services: Services, query: str, language: str | None
) -> None:
    hits = services.knowledge.search(query, top_k=8, language=language)
    assert len(hits) <= 8
    assert all(math.isfinite(hit.score) for hit in hits)
    reply = await services.answerer.answer(query, language=language)
    assert reply.kind in {ReplyKind.ANSWER, ReplyKind.ABSTAIN}
    assert reply.text.strip()
    if reply.kind is ReplyKind.ANSWER:
        assert reply.item_id is not None and reply.sources


@given(text=queries, language=st.sampled_from(["en", "fr", "es"]))
@counted
def test_query_analysis_of_any_text_gives_terms_of_the_text(text: str, language: str) -> None:
    """Every term the analyser keeps is a non-empty word with no space in it."""
    terms = Analyzer(language=language).terms(text)
    assert all(term and not any(c.isspace() for c in term) for term in terms)
