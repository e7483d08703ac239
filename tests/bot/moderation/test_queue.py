"""The unanswered-questions loop through the core, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import itertools
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from adapters.wiring.services import build_answerer
from bot.chat.intake import Intake
from bot.chat.router import Router
from bot.db.audit import audit_trail
from bot.db.engine import Database
from bot.db.models import OutboxMessage, Question
from bot.messages import ConversationRef, IncomingMessage, ReplyKind, reply_from_dict
from bot.moderation.directory import Actor, ChannelModerators, Moderators, NotAModeratorError
from bot.moderation.grouping import Similarity
from bot.moderation.queue import Moderation
from bot.moderation.resolution import MAX_ANSWER_CHARS, AnswerDraft, AnswerTooLongError
from bot.moderation.views import UnknownWordingError
from bot.questions.log import Feedback, QuestionLog
from knowledge.records import SourceLink
from tests.corpus import SMALL_BATCH
from tests.fakes.chat import MemoryChannel
from tests.fakes.clock import FakeClock

MODERATOR = Actor("slack", "UMOD")
MEMBER = Actor("slack", "UMEMBER")
NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
MODS_CHANNEL = ConversationRef(platform="slack", conversation_id="CMODS")


class Loop:
    """The core wired as in production, with a clock the test moves."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self.clock = FakeClock(NOW)
        self.knowledge, self.answerer = build_answerer(database)
        self.moderation = Moderation(
            database=database,
            knowledge=self.knowledge,
            answerer=self.answerer,
            similarity=Similarity(planner=self.answerer.planner),
            moderators=Moderators(ids=frozenset({"slack:UMOD"})),
            moderators_conversations=(MODS_CHANNEL,),
            clock=self.clock,
        )
        self.intake = Intake(
            router=Router(answerer=self.answerer),
            questions=QuestionLog(database=database, clock=self.clock),
            moderation=self.moderation,
        )

    async def ask(self, text: str, *, user: str, thread: str) -> int:
        ref = ConversationRef(platform="slack", conversation_id="CGEN", thread_id=thread)
        message = IncomingMessage(ref=ref, user_id=user, text=text, received_at=NOW)
        received = await self.intake.receive(message, event_key=f"slack:{thread}")
        assert received is not None
        await self.intake.answer(received, MemoryChannel(ref))
        return received.question_id

    async def outbox(self) -> list[OutboxMessage]:
        async with self.database.sessions() as session:
            return list(
                (await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))).all()
            )

    async def question(self, question_id: int) -> Question:
        return await self.intake.questions.get(question_id)


@pytest.fixture
async def loop(database: Database) -> Loop:
    wired = Loop(database)
    await wired.knowledge.ingest(SMALL_BATCH)
    return wired


async def test_paraphrases_join_one_group_announced_once(loop: Loop) -> None:
    first = await loop.ask("What is the per diem rate in Nairobi?", user="U1", thread="1.1")
    second = await loop.ask("per diem rates for Nairobi missions?", user="U2", thread="2.2")
    other = await loop.ask("Who is the PSEA focal point in Kenya?", user="U3", thread="3.3")
    groups = {q: (await loop.question(q)).group_id for q in (first, second, other)}
    assert groups[first] == groups[second] != groups[other]
    views = await loop.moderation.groups()
    sizes = sorted(len(v.questions) for v in views)
    assert sizes == [1, 2]
    cards = [m for m in await loop.outbox() if m.payload["kind"] == "group_card"]
    assert len(cards) == 2
    assert all(m.conversation["conversation_id"] == "CMODS" for m in cards)


async def test_answering_a_group_creates_a_reply_and_notifies_every_asker(loop: Loop) -> None:
    first = await loop.ask("What is the per diem rate in Nairobi?", user="U1", thread="1.1")
    second = await loop.ask("per diem rates for Nairobi missions?", user="U2", thread="2.2")
    group_id = (await loop.question(first)).group_id
    assert group_id is not None
    draft = AnswerDraft(
        answer_md="Per diem rates are set by the ICSC; see the current DSA circular.",
        tags=("admin",),
        sources=(SourceLink(title="ICSC DSA rates", url="https://icsc.un.org/"),),
    )
    slug = await loop.moderation.answer(group_id, draft, MODERATOR)

    notices = [m for m in await loop.outbox() if m.payload["kind"] == "reply"]
    assert sorted(m.conversation["thread_id"] for m in notices) == ["1.1", "2.2"]
    reply = reply_from_dict(notices[0].payload["reply"])
    assert "The Secretariat has answered your question" in reply.text
    assert "ICSC" in reply.answer_md
    assert reply.sources[0].location == "https://icsc.un.org/"
    for question_id in (first, second):
        assert (await loop.question(question_id)).status == "answered"

    again = await loop.ask("per diem Nairobi rate?", user="U9", thread="9.9")
    assert (await loop.question(again)).item_id == slug
    assert (await loop.question(again)).status == "answered-by-bot"
    trail = await _trail(loop, group_id)
    assert [(e.actor, e.action) for e in trail] == [("slack:UMOD", "answer")]
    assert trail[0].before == {"status": "open", "assigned_to": None, "reply": None}
    assert trail[0].after["reply"] == slug
    assert trail[0].after["alt_questions"] == []
    doc = await loop.knowledge.lookup(slug)
    assert doc is not None and doc.title == "What is the per diem rate in Nairobi?"
    assert doc.alt_titles == ()  # no asker's wording is kept unless the moderator chose it


async def test_only_the_chosen_wordings_become_alternative_questions(loop: Loop) -> None:
    kept = "per diem rates for Nairobi missions?"
    stray = "nairobi???"
    group_id = await _group_of(loop, "What is the per diem rate in Nairobi?", kept, stray)
    assert (await loop.moderation.view(group_id, candidates=0)).wordings[1:] == [kept, stray]
    draft = AnswerDraft(
        answer_md="Per diem rates are set by the ICSC.",
        question="What are the per diem rates for Nairobi?",
        # the kept question itself and a repeat are dropped, not refused
        alt_questions=(kept, "What are the per diem rates for Nairobi?", kept),
    )
    slug = await loop.moderation.answer(group_id, draft, MODERATOR)
    doc = await loop.knowledge.lookup(slug)
    assert doc is not None and doc.alt_titles == (kept,)
    [event] = await _trail(loop, group_id)
    assert event.after["alt_questions"] == [kept]


async def test_a_wording_the_group_was_never_asked_as_is_refused(loop: Loop) -> None:
    group_id = await _group_of(loop, "What is the per diem rate in Nairobi?")
    draft = AnswerDraft(answer_md="Ask HR.", alt_questions=("what is the weather in Nairobi",))
    with pytest.raises(UnknownWordingError, match="weather in Nairobi"):
        await loop.moderation.answer(group_id, draft, MODERATOR)
    with pytest.raises(UnknownWordingError, match="weather in Nairobi"):
        await loop.moderation.link(
            group_id, "hrba-programming", MODERATOR, alt_questions=draft.alt_questions
        )
    assert (await loop.moderation.view(group_id, candidates=0)).group.status == "open"
    assert await _trail(loop, group_id) == []
    doc = await loop.knowledge.lookup("hrba-programming")
    assert doc is not None and "what is the weather in Nairobi" not in doc.alt_titles


_ASKERS = itertools.count(100)


async def _group_of(loop: Loop, *wordings: str) -> int:
    """An open group asked in these wordings, one asker each (sent to the Secretariat and
    put together whatever the bot made of them: answering and grouping are not under test)."""
    first, *others = [
        await loop.ask(text, user=f"U{n}", thread=f"{n}.{n}")
        for n, text in zip(_ASKERS, wordings, strict=False)
    ]
    if (await loop.question(first)).group_id is None:  # the bot answered it
        await loop.intake.feedback(first, Feedback.ASK_SECRETARIAT, user_id="U")
    group_id = (await loop.question(first)).group_id
    assert group_id is not None
    async with loop.database.transaction() as session:
        for question_id in others:
            question = await session.get(Question, question_id)
            assert question is not None
            question.group_id, question.status = group_id, "open"
    return group_id


async def test_only_moderators_may_act_and_refusals_change_nothing(loop: Loop) -> None:
    question_id = await loop.ask("What is the per diem rate in Nairobi?", user="U1", thread="1.1")
    group_id = (await loop.question(question_id)).group_id
    assert group_id is not None
    draft = AnswerDraft(answer_md="Anything.")
    for action in (
        loop.moderation.answer(group_id, draft, MEMBER),
        loop.moderation.dismiss(group_id, MEMBER),
        loop.moderation.assign(group_id, MEMBER),
        loop.moderation.link(group_id, "hrba-programming", MEMBER),
    ):
        with pytest.raises(NotAModeratorError, match="only the Secretariat's moderators"):
            await action
    assert (await loop.question(question_id)).status == "open"
    assert await _trail(loop, group_id) == []


async def test_link_assign_and_dismiss_are_audited(loop: Loop) -> None:
    linked = await loop.ask("How do I renew my UN driving permit?", user="U1", thread="1.1")
    dismissed = await loop.ask("What is the PSEA hotline number?", user="U2", thread="2.2")
    linked_group = (await loop.question(linked)).group_id
    dismissed_group = (await loop.question(dismissed)).group_id
    assert linked_group is not None and dismissed_group is not None
    await loop.moderation.assign(linked_group, MODERATOR)
    assert (await loop.question(linked)).status == "assigned"
    await loop.moderation.link(linked_group, "hrba-programming", MODERATOR)
    await loop.moderation.dismiss(dismissed_group, MODERATOR)
    assert (await loop.question(dismissed)).status == "dismissed"
    trail = await _trail(loop, linked_group)
    assert [e.action for e in trail] == ["assign", "link"]
    assert trail[1].after["alt_questions"] == []
    doc = await loop.knowledge.lookup("hrba-programming")
    assert doc is not None and "How do I renew my UN driving permit?" not in doc.alt_titles


async def test_link_adds_only_the_chosen_wordings_not_already_known(loop: Loop) -> None:
    before = await loop.knowledge.lookup("hrba-programming")
    assert before is not None
    chosen, stray = "What does HRBA mean for programmes?", "hrba??"
    group_id = await _group_of(loop, "How do I renew my UN driving permit?", chosen, stray)
    await loop.moderation.link(
        group_id, "hrba-programming", MODERATOR, alt_questions=(chosen, chosen)
    )
    doc = await loop.knowledge.lookup("hrba-programming")
    assert doc is not None and doc.alt_titles == (*before.alt_titles, chosen)
    assert (await _trail(loop, group_id))[-1].after["alt_questions"] == [chosen]

    again = await _group_of(loop, "Where do I renew a laissez-passer?", chosen)
    await loop.moderation.link(again, "hrba-programming", MODERATOR, alt_questions=(chosen,))
    doc = await loop.knowledge.lookup("hrba-programming")
    assert doc is not None and doc.alt_titles.count(chosen) == 1  # already known: not repeated
    assert (await _trail(loop, again))[-1].after["alt_questions"] == []


async def test_negative_feedback_opens_an_answered_question(loop: Loop) -> None:
    question_id = await loop.ask(
        "What is the human rights-based approach to programming?", user="U1", thread="1.1"
    )
    assert (await loop.question(question_id)).status == "answered-by-bot"
    await loop.intake.feedback(question_id, Feedback.NOT_HELPFUL, user_id="U1")
    question = await loop.question(question_id)
    assert question.status == "open"
    assert question.group_id is not None


async def test_notifications_survive_a_restart(loop: Loop, database: Database) -> None:
    question_id = await loop.ask("What is the per diem rate in Nairobi?", user="U1", thread="1.1")
    restarted = Loop(database)
    await restarted.knowledge.load_index()
    group_id = (await restarted.question(question_id)).group_id
    assert group_id is not None
    await restarted.moderation.answer(group_id, AnswerDraft(answer_md="Ask HR."), MODERATOR)
    notices = [m for m in await restarted.outbox() if m.payload["kind"] == "reply"]
    assert [m.conversation["thread_id"] for m in notices] == ["1.1"]
    assert reply_from_dict(notices[0].payload["reply"]).kind is ReplyKind.ANSWER


async def _trail(loop: Loop, group_id: int) -> list:  # type: ignore[type-arg]
    async with loop.database.sessions() as session:
        return list(await audit_trail(session, target=f"group:{group_id}"))


def test_the_command_line_is_trusted_and_chat_users_need_listing() -> None:
    moderators = Moderators(ids=frozenset({"slack:UMOD"}))
    assert moderators.allows("cli", "anyone")
    assert moderators.allows("slack", "UMOD")
    assert not moderators.allows("teams", "UMOD")


async def test_untouched_groups_are_reminded_once_per_period(loop: Loop) -> None:
    await loop.ask("What is the per diem rate in Nairobi?", user="U1", thread="1.1")
    assert await loop.moderation.remind_stale(untouched_for=timedelta(days=3)) == []
    loop.clock.now = NOW + timedelta(days=4)
    reminded = await loop.moderation.remind_stale(untouched_for=timedelta(days=3))
    assert len(reminded) == 1
    assert await loop.moderation.remind_stale(untouched_for=timedelta(days=3)) == []
    loop.clock.now = NOW + timedelta(days=8)
    assert await loop.moderation.remind_stale(untouched_for=timedelta(days=3)) == reminded
    keys = [m.idempotency_key for m in await loop.outbox() if m.payload.get("reminder")]
    assert len(keys) == 2 and all(k.startswith("group-reminder:") for k in keys)


async def test_channel_members_are_moderators_and_are_asked_for_once_per_period() -> None:
    calls: list[str] = []
    answers: list[list[str] | Exception] = [["U1", "U2"], RuntimeError("channel_not_found")]

    async def members() -> list[str]:
        calls.append("asked")
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    directory = ChannelModerators(
        fallback=Moderators(ids=frozenset({"teams:T9"})), platform="slack", members=members
    )
    assert await directory.is_moderator("slack", "U1")
    assert await directory.is_moderator("teams", "T9")
    assert not await directory.is_moderator("teams", "U1")  # another platform's channel
    assert not await directory.is_moderator("slack", "U3")
    assert calls == ["asked"]

    expired = ChannelModerators(
        fallback=Moderators(), platform="slack", members=members, ttl_seconds=0.0
    )
    assert not await expired.is_moderator("slack", "U1")  # the platform failed: no one let in
    assert calls == ["asked", "asked"]


async def test_a_members_link_syntax_is_not_a_link_in_the_secretariats_answer(loop: Loop) -> None:
    asked = "per diem? [click here](https://evil.example)"
    await loop.ask(asked, user="U1", thread="1.1")
    [group] = await loop.moderation.groups()
    await loop.moderation.answer(group.group.id, AnswerDraft(answer_md="It is 200 USD."), MODERATOR)
    [notice] = [m for m in await loop.outbox() if m.payload["kind"] == "reply"]
    reply = reply_from_dict(notice.payload["reply"])
    assert "](https://evil.example)" not in reply.answer_md
    assert "click here" in reply.answer_md and "https://evil.example" in reply.answer_md


async def test_an_answer_past_the_limit_is_refused_and_nothing_changes(loop: Loop) -> None:
    await loop.ask("What is the per diem rate in Nairobi?", user="U1", thread="1.1")
    [group] = await loop.moderation.groups()
    too_long = AnswerDraft(answer_md="x" * (MAX_ANSWER_CHARS + 1))
    with pytest.raises(AnswerTooLongError, match="keep it under 20,000"):
        await loop.moderation.answer(group.group.id, too_long, MODERATOR)
    [still] = await loop.moderation.groups()
    assert still.group.status == "open"


async def test_an_answer_from_the_dashboard_refreshes_the_card_on_the_moderators_platform_too(
    loop: Loop,
) -> None:
    """A Slack moderator acting in Slack has Slack's card updated by the Slack adapter; acting
    on the web dashboard, nobody else would update it, so the outbox does."""
    first = await loop.ask("What is the per diem rate in Nairobi?", user="U1", thread="1.1")
    second = await loop.ask("Who is the PSEA focal point in Kenya?", user="U2", thread="2.2")
    groups = [(await loop.question(q)).group_id for q in (first, second)]
    for group_id in groups:
        assert group_id is not None
        await loop.moderation.set_card(group_id, "slack", {"channel": "CMODS", "ts": "1.0"})
    await loop.moderation.assign(groups[0], MODERATOR)
    on_dashboard = Actor("slack", "UMOD", acted_on="dashboard")
    await loop.moderation.assign(groups[1], on_dashboard)
    refreshed = [
        m.payload["group_id"]
        for m in await loop.outbox()
        if m.payload["kind"] == "group_card_refresh"
    ]
    assert refreshed == [groups[1]]
    trail = await _trail(loop, groups[1])
    assert trail[-1].actor == "slack:UMOD"  # the same moderator, wherever they acted


async def test_a_groups_view_says_when_and_where_each_question_was_asked(loop: Loop) -> None:
    first = await loop.ask("What is the per diem rate in Nairobi?", user="U1", thread="1.1")
    group_id = (await loop.question(first)).group_id
    assert group_id is not None
    view = await loop.moderation.view(group_id, candidates=0)
    assert view.group.created_at == NOW
    [asked] = view.questions
    assert (asked.platform, asked.conversation_id, asked.received_at) == ("slack", "CGEN", NOW)


async def test_two_processes_grouping_paraphrases_at_once_open_one_group(
    shared_postgres: tuple[Database, Database],
) -> None:
    processes = [Loop(database) for database in shared_postgres]  # replicas, or serve and a worker
    rounds = [await _race_to_group(processes, thread=str(n)) for n in range(ROUNDS)]
    cards = [m for m in await processes[0].outbox() if m.payload["kind"] == "group_card"]
    assert (rounds, len(cards)) == ([1] * ROUNDS, ROUNDS)


ROUNDS = 4
"""Races run: one unguarded would open two groups in most."""


async def _race_to_group(processes: list[Loop], *, thread: str) -> int:
    """Two paraphrases, each grouped by its own process at the same moment; how many groups
    they opened (then dismissed, so that the next race starts afresh)."""
    wordings = ["What is the per diem rate in Nairobi?", "per diem rates for Nairobi missions?"]
    asked = []
    for user, text in enumerate(wordings):
        ref = ConversationRef(platform="slack", conversation_id="CGEN", thread_id=thread)
        message = IncomingMessage(ref=ref, user_id=f"U{user}", text=text, received_at=NOW)
        question_id = await processes[0].intake.questions.record(message, event_key=None)
        assert question_id is not None
        asked.append(question_id)
    opened = await asyncio.gather(
        *(p.moderation.open_question(q) for p, q in zip(processes, asked, strict=True))
    )
    groups = {group_id for group_id, _ in opened}
    for group_id in groups:
        await processes[0].moderation.dismiss(group_id, MODERATOR)
    return len(groups)
