"""Scenario tests through the router with the real answerer, index and database."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime

import pytest

from adapters.wiring.services import build_answerer
from bot.answers.answerer import Answerer
from bot.answers.calibration import load_calibration
from bot.answers.policy import AnsweringPolicy
from bot.chat.router import Router
from bot.db.engine import Database
from bot.messages import ConversationRef, IncomingMessage, Reply, ReplyKind
from knowledge.query import QueryPlanner
from knowledge.records import IngestBatch
from tests.corpus import SMALL_BATCH


@pytest.fixture(params=["sqlite"])
def database_url(tmp_path: object) -> str:
    return f"sqlite:///{tmp_path}/router.db"


@pytest.fixture
async def router(database: Database) -> Router:
    knowledge, answerer = build_answerer(database)
    await knowledge.ingest(SMALL_BATCH)
    return Router(answerer=answerer, max_question_chars=200)


async def ask(router: Router, text: str) -> Reply:
    message = IncomingMessage(
        ref=ConversationRef(platform="test", conversation_id="c1"),
        user_id="u1",
        text=text,
        received_at=datetime(2026, 11, 27, tzinfo=UTC),
    )
    replies = await router.handle(message)
    assert len(replies) == 1
    return replies[0]


async def test_a_known_question_is_answered_with_its_sources(router: Router) -> None:
    reply = await ask(router, "What is the human rights-based approach to programming?")
    assert reply.kind is ReplyKind.ANSWER
    assert reply.item_id == "hrba-programming"
    assert reply.sources[0].location == "https://unsdg.un.org/2030-agenda/hrba"
    assert "UNSDG HRBA portal" in reply.text
    assert reply.confidence is not None and reply.confidence >= 0.62


async def test_a_passage_answer_cites_its_document_and_section(router: Router) -> None:
    reply = await ask(router, "who drafts the terms of reference with the mandate holder's team")
    assert reply.kind is ReplyKind.ANSWER
    assert reply.item_id == "guide-visits#0"
    assert reply.sources[0].title == "Preparing special procedures visits"
    assert reply.sources[0].section == "Before the visit"


async def test_an_unknown_question_is_an_honest_abstention(router: Router) -> None:
    reply = await ask(router, "What is the per diem rate in Nairobi for consultants?")
    assert reply.kind is ReplyKind.ABSTAIN
    assert "Secretariat" in reply.text
    assert reply.item_id is None


@pytest.mark.parametrize("text", ["hello", "Thanks a lot!", "merci", "hola", "who are you?"])
async def test_small_talk_gets_a_friendly_word_not_a_search(router: Router, text: str) -> None:
    reply = await ask(router, text)
    assert reply.kind is ReplyKind.SMALLTALK
    assert reply.sources == ()


async def test_help_empty_and_oversized_messages(router: Router) -> None:
    assert (await ask(router, "help")).kind is ReplyKind.HELP
    assert (await ask(router, "   ")).kind is ReplyKind.HELP
    too_long = await ask(router, "why " * 100)
    assert too_long.kind is ReplyKind.ERROR
    assert "200 characters" in too_long.text


async def test_a_reply_past_its_review_date_is_marked_outdated(database: Database) -> None:
    knowledge, _ = build_answerer(database)
    overdue = dataclasses.replace(
        SMALL_BATCH.replies[1], review_by=date(2026, 1, 31), last_reviewed=date(2025, 1, 31)
    )
    await knowledge.ingest(IngestBatch(replies=(overdue,)))
    answerer = Answerer(
        knowledge=knowledge,
        policy=AnsweringPolicy(planner=QueryPlanner(), calibration=load_calibration()),
        clock=lambda: datetime(2026, 11, 27, tzinfo=UTC),
    )
    reply = await Router(answerer=answerer).handle(
        IncomingMessage(
            ref=ConversationRef(platform="test", conversation_id="c1"),
            user_id="u1",
            text="What is the human rights-based approach to programming?",
            received_at=datetime(2026, 11, 27, tzinfo=UTC),
        )
    )
    assert reply[0].outdated
    assert reply[0].text.startswith("This answer may be outdated")
