"""Answers that answer: the sentences that answer, a reply before a passage, the asker's
language, suggestions that add something, and retired replies that never answer."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from adapters.wiring.services import build_answerer
from bot.answers.answerer import Answerer
from bot.answers.calibration import load_calibration
from bot.answers.excerpts import answering_excerpt
from bot.answers.policy import REPLY_PREFERENCE, choose
from bot.answers.wording import other_language_notice
from bot.db.engine import Database
from bot.kb.service import KnowledgeService
from bot.messages import ReplyKind, reply_from_dict, reply_to_dict
from knowledge.records import (
    DocumentRecord,
    IngestBatch,
    PassageRecord,
    ReplyRecord,
    SourceLink,
)
from knowledge.search_types import SearchDoc

LONG_PASSAGE = (
    "This note walks a UN Country Team through the whole review cycle, from the first "
    "planning meeting to the last follow-up report. It was written with colleagues from "
    "several regions and reflects their experience. The UNCT submission is due about six "
    "months before the Working Group session and is sent to OHCHR through the online "
    "portal. The Resident Coordinator signs it on behalf of the team. Later sections cover "
    "the mid-term report and how recommendations feed the Cooperation Framework. Examples "
    "from several countries close the note, with contacts for further help."
)
GUIDE = DocumentRecord(
    slug="guide-upr",
    title="Engaging with the UPR",
    source="https://example.org/guide-upr",
    content_hash="v1",
    passages=(PassageRecord(position=0, heading_path=("The cycle",), text=LONG_PASSAGE),),
)
FOLLOW_UP = DocumentRecord(
    slug="guide-follow-up",
    title="Follow-up checklist",
    source="https://example.org/follow-up",
    content_hash="v1",
    passages=tuple(
        PassageRecord(position=i, heading_path=(f"Step {i}",), text=text)
        for i, text in enumerate(
            (
                "Track UPR recommendations in a national database after the review.",
                "Share UPR recommendations with every agency of the country team.",
            )
        )
    ),
)
ENGLISH = ReplyRecord(
    slug="upr-deadline",
    question="When is the UNCT submission to the UPR due?",
    answer_md="About six months before the Working Group session, to OHCHR.",
    sources=(SourceLink(title="OHCHR", url="https://www.ohchr.org/upr"),),
)
FRENCH = ReplyRecord(
    slug="epu-delai",
    question="Quand la contribution de l'équipe de pays à l'EPU est-elle due ?",
    answer_md="Environ six mois avant la session du groupe de travail.",
    language="fr",
    sources=(SourceLink(title="HCDH", url="https://www.ohchr.org/fr/upr"),),
)
RETIRED = ReplyRecord(
    slug="per-diem-nairobi",
    question="What is the per diem rate in Nairobi?",
    alt_questions=("Nairobi daily subsistence allowance",),
    answer_md="See the ICSC rates.",
)


@pytest.fixture
async def answering(database: Database) -> tuple[KnowledgeService, Answerer]:
    knowledge, answerer = build_answerer(database)
    await knowledge.ingest(
        IngestBatch(replies=(ENGLISH, FRENCH, RETIRED), documents=(GUIDE, FOLLOW_UP))
    )
    return knowledge, answerer


def test_the_excerpt_is_the_stretch_around_the_best_sentence() -> None:
    sentences = {
        "The UNCT submission is due about six months before the Working Group session and is "
        "sent to OHCHR through the online portal.": 0.9,
        "The Resident Coordinator signs it on behalf of the team.": 0.6,
        "It was written with colleagues from several regions and reflects their experience.": 0.1,
    }
    excerpt = answering_excerpt(LONG_PASSAGE, sentences)
    assert excerpt is not None
    assert excerpt.startswith("… The UNCT submission is due")
    assert "The Resident Coordinator signs it" in excerpt
    assert "walks a UN Country Team" not in excerpt and excerpt.endswith("…")


def test_a_short_passage_or_no_signal_shows_the_whole_passage() -> None:
    assert answering_excerpt("One sentence. Two sentences.", {"One sentence.": 1.0}) is None
    assert answering_excerpt(LONG_PASSAGE, {}) is None


async def test_a_passage_answer_shows_the_sentences_that_answer(
    answering: tuple[KnowledgeService, Answerer],
) -> None:
    _, answerer = answering
    reply = await answerer.answer("who signs the unct submission and where is it sent portal")
    assert reply.kind is ReplyKind.ANSWER and reply.item_id == "guide-upr#0"
    assert "walks a UN Country Team" not in reply.answer_md
    assert "online portal" in reply.answer_md
    assert reply.whole_item_id == "guide-upr#0"
    assert reply.sources[0].section == "The cycle"
    assert reply_from_dict(reply_to_dict(reply)) == reply


def test_a_reply_about_as_likely_as_a_passage_is_chosen() -> None:
    model = load_calibration().lexical
    reply_threshold = model.thresholds_for("reply").answer
    docs = [
        SearchDoc(id="guide#0", kind="passage", title="Guide", text="…", source="g"),
        SearchDoc(id="reply", kind="reply", title="Q?", text="A.", source="r"),
    ]
    close = [reply_threshold + 0.05, reply_threshold + 0.05 - REPLY_PREFERENCE / 2]
    assert choose(docs, close, language="en", model=model) == 1
    far = [reply_threshold + 0.3, reply_threshold]
    assert choose(docs, far, language="en", model=model) == 0


def test_the_askers_language_is_preferred_and_a_third_language_comes_last() -> None:
    model = load_calibration().lexical
    docs = [
        SearchDoc(id=f"r-{lang}", kind="reply", title="Q", text="A", source="s", language=lang)
        for lang in ("fr", "en", "es")
    ]
    same = [0.8, 0.8, 0.8]
    assert choose(docs, same, language="es", model=model) == 2
    assert choose(docs[:2], same[:2], language="es", model=model) == 1


async def test_a_french_question_gets_the_french_reply_without_a_notice(
    answering: tuple[KnowledgeService, Answerer],
) -> None:
    _, answerer = answering
    reply = await answerer.answer("quand est due la contribution de l'équipe de pays à l'EPU ?")
    assert reply.item_id == "epu-delai"
    assert reply.notice == ""


async def test_an_answer_in_another_language_says_so_in_the_askers(
    answering: tuple[KnowledgeService, Answerer],
) -> None:
    _, answerer = answering
    reply = await answerer.answer("¿cuándo vence la contribución del equipo de país al EPU?")
    assert reply.kind is ReplyKind.ANSWER
    assert reply.notice.startswith("Todavía no hay respuesta en español")
    assert reply.text.startswith(reply.notice)
    assert other_language_notice("en", "fr").endswith("en anglais.")
    assert other_language_notice("fr", "fr") == ""


async def test_suggestions_never_repeat_the_answer_or_each_other(
    answering: tuple[KnowledgeService, Answerer],
) -> None:
    _, answerer = answering
    reply = await answerer.answer("UPR recommendations follow-up tracking and sharing")
    answer_document = (reply.item_id or "").partition("#")[0]
    documents = [s.id.partition("#")[0] for s in reply.suggestions]
    assert answer_document not in documents
    assert len(documents) == len(set(documents))
    assert len({s.title for s in reply.suggestions}) == len(reply.suggestions)


async def test_a_retired_reply_never_answers(
    answering: tuple[KnowledgeService, Answerer],
) -> None:
    knowledge, answerer = answering
    await knowledge.retire(RETIRED.slug, actor="test", now=datetime(2026, 12, 1, tzinfo=UTC))
    for question in (RETIRED.question, *RETIRED.alt_questions, "per diem Nairobi"):
        verdict = answerer.assess(question, top_k=10)
        assert RETIRED.slug not in [h.doc.id for h in verdict.hits], question
        reply = await answerer.answer(question)
        assert reply.item_id != RETIRED.slug
        assert RETIRED.slug not in [s.id for s in reply.suggestions]
    assert await answerer.present(RETIRED.slug) is None
    assert (await answerer.answer(RETIRED.question)).kind is ReplyKind.ABSTAIN
