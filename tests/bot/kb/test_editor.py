"""Curating one reply: each change (created, edited, imported, retired, answered by a
moderator) is a new version with its audit event and a change-log entry other processes
follow; an edit started from an older version is refused; replies due for review by owner;
on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import date

import pytest
from sqlalchemy import select

from bot.db.audit import audit_trail
from bot.db.engine import Database
from bot.db.models import KnowledgeChange
from bot.kb.editor import ReplyEditor
from bot.kb.queries import UnknownItemError
from bot.kb.reply_diff import diff_versions
from bot.kb.service import KnowledgeService
from bot.kb.versions import VersionConflictError
from knowledge.bm25_reference import ReferenceBM25Index
from knowledge.records import IngestBatch
from tests.corpus import GUIDE, HRBA_REPLY, UPR_REPLY

MODERATOR = "teams:aad-moderator"


def engine(database: Database) -> KnowledgeService:
    return KnowledgeService(database=database, index=ReferenceBM25Index())


def ids(service: KnowledgeService, query: str) -> list[str]:
    return [hit.doc.id for hit in service.search(query, top_k=10)]


async def test_every_change_is_a_version_with_its_audit_event(database: Database) -> None:
    knowledge = engine(database)
    editor = ReplyEditor(knowledge=knowledge)
    await knowledge.ingest(IngestBatch(replies=(UPR_REPLY,), documents=(GUIDE,)), actor="cli:ops")
    await editor.create(HRBA_REPLY, actor=MODERATOR)
    reply = await editor.reply("hrba-programming")
    assert (reply.version, reply.status, reply.sources) == (1, "published", HRBA_REPLY.sources)

    rewritten = dataclasses.replace(
        HRBA_REPLY, answer_md="Rights-holders claim their rights.\nDuty-bearers meet them."
    )
    await editor.edit(rewritten, actor=MODERATOR, based_on=1)
    assert ids(knowledge, "rights-holders claim")[0] == "hrba-programming"
    await editor.retire("hrba-programming", actor=MODERATOR)
    assert "hrba-programming" not in ids(knowledge, "claim their rights")

    history = await editor.history("hrba-programming")
    assert [(v.number, v.action, v.actor) for v in history] == [
        (3, "retire", MODERATOR),
        (2, "edit", MODERATOR),
        (1, "create", MODERATOR),
    ]
    [answer] = [d for d in diff_versions(history[2].content, history[1].content)]
    assert answer.name == "answer_md"
    assert [(line.kind, line.text) for line in answer.lines] == [
        ("removed", HRBA_REPLY.answer_md),
        ("added", "Rights-holders claim their rights."),
        ("added", "Duty-bearers meet them."),
    ]
    async with database.sessions() as session:
        trail = await audit_trail(session, target="reply:hrba-programming")
        logged = (await session.scalars(select(KnowledgeChange.item))).all()
    assert [(e.action, e.before, e.after) for e in trail] == [
        ("create", None, {"version": 1, "status": "published"}),
        ("edit", {"version": 1}, {"version": 2, "status": "published"}),
        ("retire", {"version": 2}, {"version": 3, "status": "retired"}),
    ]
    assert logged.count("hrba-programming") == 3
    assert [v.actor for v in await editor.history("upr-unct-submission")] == ["cli:ops"]


async def test_an_edit_from_an_older_version_or_a_taken_id_is_refused(database: Database) -> None:
    knowledge = engine(database)
    editor = ReplyEditor(knowledge=knowledge)
    await editor.create(HRBA_REPLY, actor=MODERATOR)
    first = dataclasses.replace(HRBA_REPLY, answer_md="First moderator's words.")
    second = dataclasses.replace(HRBA_REPLY, answer_md="Second moderator's words.")
    await editor.edit(first, actor=MODERATOR, based_on=1)
    with pytest.raises(VersionConflictError) as stale:
        await editor.edit(second, actor="slack:U2", based_on=1)
    assert (stale.value.expected, stale.value.found) == (1, 2)
    with pytest.raises(VersionConflictError):
        await editor.create(HRBA_REPLY, actor="slack:U2")
    assert (await editor.reply("hrba-programming")).answer_md == "First moderator's words."
    assert len(await editor.history("hrba-programming")) == 2
    with pytest.raises(UnknownItemError):
        await editor.reply("no-such-reply")


async def test_another_process_sees_an_edit_after_sync(database: Database) -> None:
    first, second = engine(database), engine(database)
    await first.ingest(IngestBatch(replies=(HRBA_REPLY, UPR_REPLY), documents=(GUIDE,)))
    await second.load_index()
    edited = dataclasses.replace(HRBA_REPLY, answer_md="Accountability of duty-bearers.")
    await ReplyEditor(knowledge=first).edit(edited, actor=MODERATOR, based_on=1)
    assert await second.sync()
    assert ids(second, "accountability duty-bearers")[0] == "hrba-programming"


async def test_replies_due_for_review_by_date_and_owner(database: Database) -> None:
    knowledge = engine(database)
    overdue = dataclasses.replace(HRBA_REPLY, review_by=date(2026, 8, 1), owner="gender-team")
    soon = dataclasses.replace(UPR_REPLY, review_by=date(2026, 12, 20), owner="upr-team")
    await knowledge.ingest(IngestBatch(replies=(overdue, soon)))
    editor = ReplyEditor(knowledge=knowledge)
    due = await editor.due_for_review(before=date(2027, 1, 1))
    assert [(r.slug, r.owner) for r in due] == [
        ("hrba-programming", "gender-team"),
        ("upr-unct-submission", "upr-team"),
    ]
    assert [r.slug for r in await editor.due_for_review(before=date(2026, 12, 1))] == [
        "hrba-programming"
    ]
    by_owner = await editor.due_for_review(before=date(2027, 1, 1), owner="upr-team")
    assert [r.slug for r in by_owner] == ["upr-unct-submission"]


async def test_of_two_edits_from_one_version_saved_at_once_one_is_refused(
    database: Database,
) -> None:
    knowledge = engine(database)
    editor = ReplyEditor(knowledge=knowledge)
    await editor.create(HRBA_REPLY, actor=MODERATOR)
    edits = [dataclasses.replace(HRBA_REPLY, answer_md=f"Wording {n}.") for n in (1, 2)]
    outcomes = await asyncio.gather(
        *(editor.edit(edit, actor=MODERATOR, based_on=1) for edit in edits),
        return_exceptions=True,
    )
    assert sorted(type(o).__name__ for o in outcomes) == ["NoneType", "VersionConflictError"]
    assert [v.number for v in await editor.history("hrba-programming")] == [2, 1]
