"""The one path of a question: stored, answered through the asker's reply channel, logged,
and handed to the Secretariat when the bot cannot answer or the platform refuses the post."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from adapters.wiring.services import build_answerer
from bot import metrics
from bot.chat.intake import BUSY_CONVERSATION, NOT_THE_ASKER, QUESTIONS_PER_MINUTE, Intake
from bot.chat.pacing import Pacing
from bot.chat.router import Router
from bot.chat.worker import QuestionWorker
from bot.db.claims import LEASE
from bot.db.engine import Database
from bot.messages import ConversationRef, ReplyKind
from bot.moderation.directory import Moderators
from bot.moderation.grouping import Similarity
from bot.moderation.queue import Moderation
from bot.questions.log import Feedback, QuestionLog
from bot.questions.status import QuestionStatus
from tests.corpus import SMALL_BATCH
from tests.fakes.chat import MemoryChat, RefusedError
from tests.fakes.clock import FakeClock
from tests.statements import statements

NOW = datetime(2026, 12, 1, 9, tzinfo=UTC)


@pytest.fixture
async def chat(database: Database) -> MemoryChat:
    return await build_chat(database)


async def build_chat(database: Database, **limits: int) -> MemoryChat:
    """Members of one channel asking HuriBot over the small corpus, with `limits` (the
    intake's rate limits) changed from the defaults."""
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
        **limits,
    )
    return MemoryChat(intake=intake, clock=clock)


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


UPR = "How does a UNCT contribute to the UPR?"


def worker(chat: MemoryChat, *, grace: timedelta = timedelta(0)) -> QuestionWorker:
    return QuestionWorker(
        questions=chat.intake.questions,
        intake=chat.intake,
        channels={"memory": chat.channel},
        grace=grace,
    )


async def test_a_question_answered_on_arrival_is_not_answered_again_by_a_worker(
    chat: MemoryChat,
) -> None:
    _, posted = await chat.ask(UPR, user="U4", thread="4.4")
    assert len(posted) == 1
    assert await worker(chat).run_until_idle() == 0
    assert len(posted) == 1


async def test_two_answerers_racing_for_one_question_answer_it_once(chat: MemoryChat) -> None:
    received = await chat.receive(UPR, user="U5", thread="5.5")
    channel = chat.channel(received.message.ref)
    await asyncio.gather(chat.intake.answer(received, channel), worker(chat).run_until_idle())
    assert len(channel.posted) == 1


async def test_a_question_a_crash_left_unanswered_is_answered_after_the_grace(
    chat: MemoryChat,
) -> None:
    received = await chat.receive(UPR, user="U6", thread="6.6")  # the process dies here
    recovery = worker(chat, grace=timedelta(seconds=60))
    assert await recovery.run_until_idle() == 0  # still the receiving process's to answer
    chat.clock.now += timedelta(seconds=61)  # type: ignore[attr-defined]
    assert await recovery.run_until_idle() == 1
    [reply] = chat.channel(received.message.ref).posted
    assert reply.kind is ReplyKind.ANSWER
    question = await chat.intake.questions.get(received.question_id)
    assert question.status == QuestionStatus.ANSWERED_BY_BOT


async def test_small_talk_is_not_taken_up_again_after_the_lease(chat: MemoryChat) -> None:
    question_id, posted = await chat.ask("hi there, thanks!", user="U7", thread="7.7")
    assert [reply.kind for reply in posted] == [ReplyKind.SMALLTALK]
    chat.clock.now += LEASE * 2  # type: ignore[attr-defined]
    assert await worker(chat).run_until_idle() == 0
    assert (await chat.intake.questions.get(question_id)).status == QuestionStatus.REPLIED


async def test_only_the_asker_may_rate_an_answer(chat: MemoryChat) -> None:
    question_id, _ = await chat.ask(UPR, user="U8", thread="8.8")
    refused = await chat.intake.feedback(question_id, Feedback.NOT_HELPFUL, user_id="U-OTHER")
    assert refused == NOT_THE_ASKER
    question = await chat.intake.questions.get(question_id)
    assert question.feedback is None and question.status == QuestionStatus.ANSWERED_BY_BOT
    thanks = await chat.intake.feedback(question_id, Feedback.HELPFUL, user_id="U8")
    assert thanks != NOT_THE_ASKER
    assert (await chat.intake.questions.get(question_id)).feedback == Feedback.HELPFUL


async def test_a_member_flooding_the_bot_is_asked_to_slow_down_not_queued(
    chat: MemoryChat,
) -> None:
    flood = [f"asdf qwer zxcv {n}" for n in range(QUESTIONS_PER_MINUTE + 3)]
    kinds = []
    for n, text in enumerate(flood):
        _, posted = await chat.ask(text, user="U-FLOOD", thread=f"f.{n}")
        kinds.append(posted[-1].kind)
    assert kinds[:QUESTIONS_PER_MINUTE].count(ReplyKind.SMALLTALK) == 0
    assert kinds[QUESTIONS_PER_MINUTE:] == [ReplyKind.SMALLTALK] * 3
    groups = await chat.intake.moderation.groups()  # type: ignore[union-attr]
    assert sum(len(view.questions) for view in groups) <= QUESTIONS_PER_MINUTE
    chat.clock.now += timedelta(minutes=2)  # type: ignore[attr-defined]
    _, posted = await chat.ask(UPR, user="U-FLOOD", thread="f.later")
    assert posted[-1].kind is ReplyKind.ANSWER


async def test_a_conversation_flooding_the_bot_is_asked_to_slow_down_not_queued(
    database: Database,
) -> None:
    chat = await build_chat(database, conversation_questions_per_minute=5)
    kinds, texts = [], []
    for n in range(8):  # eight members, one question each, in one channel
        _, posted = await chat.ask(f"asdf qwer zxcv {n}", user=f"U-{n}", thread=f"c.{n}")
        kinds.append(posted[-1].kind)
        texts.append(posted[-1].text)
    assert ReplyKind.SMALLTALK not in kinds[:5]
    assert kinds[5:] == [ReplyKind.SMALLTALK] * 3
    assert all(text == BUSY_CONVERSATION["en"] for text in texts[5:])
    groups = await chat.intake.moderation.groups()  # type: ignore[union-attr]
    assert sum(len(view.questions) for view in groups) <= 5
    chat.channel_id = "C-OTHER"  # another conversation is not held back
    _, posted = await chat.ask(UPR, user="U-9", thread="c.other")
    assert posted[-1].kind is ReplyKind.ANSWER


async def test_questions_replies_and_answer_times_are_counted(chat: MemoryChat) -> None:
    def value(name: str, **labels: str) -> float:
        return metrics.REGISTRY.get_sample_value(name, labels) or 0.0

    asked = value("huribot_questions_received_total", platform="memory")
    answered = value("huribot_replies_total", platform="memory", kind="answer")
    timed = value("huribot_answer_seconds_count", platform="memory")
    _, posted = await chat.ask(UPR, user="U-M", thread="m.1")
    assert posted[-1].kind is ReplyKind.ANSWER
    assert value("huribot_questions_received_total", platform="memory") == asked + 1
    assert value("huribot_replies_total", platform="memory", kind="answer") == answered + 1
    assert value("huribot_answer_seconds_count", platform="memory") == timed + 1


async def test_an_answer_takes_three_statements_claim_flood_check_and_outcome(
    chat: MemoryChat, database: Database
) -> None:
    """Round-trips are most of an answer's cost: no read before an update, and the cited
    reply's sources come from memory once read."""
    await chat.ask(UPR, user="U20", thread="20.1")  # reads the cited reply's sources once
    received = await chat.receive(UPR, user="U21", thread="21.1")
    channel = chat.channel(received.message.ref)
    with statements(database) as sent:
        [reply] = await chat.intake.answer(received, channel)
    assert reply.kind is ReplyKind.ANSWER and reply.sources
    assert sent == ["UPDATE", "SELECT", "UPDATE"]
    question = await chat.intake.questions.get(received.question_id)
    assert (question.status, question.item_id) == (QuestionStatus.ANSWERED_BY_BOT, reply.item_id)


async def test_an_answer_waits_at_each_step_while_a_request_is_being_received(
    chat: MemoryChat,
) -> None:
    """Acknowledgements first: an answer under way neither claims nor posts while another
    request is being stored and acknowledged, and goes on once none is."""
    received = await chat.receive("How does a UNCT contribute to the UPR?", user="U1", thread="7.1")
    channel = chat.channel(received.message.ref)
    chat.intake.pacing = Pacing(patience=3600)  # however slow this machine is today
    with chat.intake.pacing.receiving():
        answering = asyncio.create_task(chat.intake.answer(received, channel))
        for _ in range(20):  # every other task on the loop gets its turns meanwhile
            await asyncio.sleep(0)
        assert not answering.done()
        question = await chat.intake.questions.get(received.question_id)
        assert question.status == QuestionStatus.RECEIVED  # not even claimed
    [reply] = await answering
    assert reply.kind is ReplyKind.ANSWER and channel.posted == [reply]


async def test_a_request_that_holds_on_does_not_stop_answers(chat: MemoryChat) -> None:
    """An answer waits for acknowledgements a short while per step, not for ever: a client
    sending its request slowly cannot stop every answer."""
    received = await chat.receive("How does a UNCT contribute to the UPR?", user="U1", thread="8.1")
    channel = chat.channel(received.message.ref)
    chat.intake.pacing = Pacing(patience=0.01)
    with chat.intake.pacing.receiving():  # held until the answer is out
        [reply] = await chat.intake.answer(received, channel)
    assert reply.kind is ReplyKind.ANSWER and channel.posted == [reply]
