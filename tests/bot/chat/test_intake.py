"""The one path of a question: stored, answered through the asker's reply channel, logged,
and handed to the Secretariat when the bot cannot answer or the platform refuses the post."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from adapters.wiring.services import build_answerer
from bot.chat.intake import Intake
from bot.chat.router import Router
from bot.db.engine import Database
from bot.messages import ConversationRef, ReplyKind
from bot.moderation.directory import Moderators
from bot.moderation.grouping import Similarity
from bot.moderation.queue import Moderation
from bot.questions.log import QuestionLog, QuestionStatus
from tests.corpus import SMALL_BATCH
from tests.fakes.chat import MemoryChat, RefusedError
from tests.fakes.clock import FakeClock

NOW = datetime(2026, 12, 1, 9, tzinfo=UTC)


@pytest.fixture
async def chat(database: Database) -> MemoryChat:
    clock = FakeClock(NOW)
    knowledge, answerer = build_answerer(database)
    await knowledge.ingest(SMALL_BATCH)
    moderation = Moderation(
        database=database,
        knowledge=knowledge,
        answerer=answerer,
        similarity=Similarity(planner=answerer.planner),
        moderators=Moderators(),
        moderators_conversations=(ConversationRef(platform="memory", conversation_id="C-MODS"),),
        clock=clock,
    )
    intake = Intake(
        router=Router(answerer=answerer),
        questions=QuestionLog(database=database, clock=clock),
        moderation=moderation,
    )
    return MemoryChat(intake=intake, now=NOW)


async def test_an_answer_is_posted_in_the_askers_thread_and_logged(chat: MemoryChat) -> None:
    question_id, posted = await chat.ask(
        "How does a UNCT contribute to the UPR?", user="U1", thread="1.1"
    )
    [reply] = posted
    assert reply.kind is ReplyKind.ANSWER and reply.question_id == question_id
    assert "Universal Periodic Review" in reply.text
    question = await chat.intake.questions.get(question_id)
    assert question.status == QuestionStatus.ANSWERED_BY_BOT
    assert question.group_id is None


async def test_a_question_nothing_answers_goes_to_the_secretariat(chat: MemoryChat) -> None:
    question_id, posted = await chat.ask(
        "What is the per diem rate for a mission to Nairobi?", user="U2", thread="2.2"
    )
    assert [reply.kind for reply in posted] == [ReplyKind.ABSTAIN]
    question = await chat.intake.questions.get(question_id)
    assert question.group_id is not None


async def test_a_refused_post_hands_the_question_to_a_human(chat: MemoryChat) -> None:
    ref = ConversationRef(platform="memory", conversation_id=chat.channel_id, thread_id="3.3")
    chat.channel(ref).refuses = True
    with pytest.raises(RefusedError):
        await chat.ask("How does a UNCT contribute to the UPR?", user="U3", thread="3.3")
    [question] = [q for q in await chat.intake.questions.recent(platform="memory", user_id="U3")]
    assert question.group_id is not None
