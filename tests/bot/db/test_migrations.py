"""Data migrations keep what was stored: a group's card locations move under their platform
(0009) and back on downgrade, replies stored before versions get their first (0014),
questions get their conversation's id (0015), on SQLite and PostgreSQL."""

from __future__ import annotations

import logging
from collections.abc import Iterator, MutableMapping
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any

import structlog
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import JSON, Connection, Date, column, select, table
from structlog.testing import capture_logs

from bot.db.engine import Database, alembic_config, head_revision
from bot.db.models import Base, Question, QuestionGroup, ReplyVersion

FLAT_SLACK = {"channel": "CMODS", "ts": "1700000000.000100"}
FLAT_TEAMS = {
    "teams_conversation": "19:mods@thread.tacv2",
    "teams_activity": "1700000000001",
    "teams_service_url": "https://smba.trafficmanager.net/emea/",
}


async def _migrate(database: Database, revision: str, *, down: bool = False) -> None:
    move = command.downgrade if down else command.upgrade
    async with database.engine.begin() as connection:
        await connection.run_sync(lambda sync: move(alembic_config(sync), revision))


async def _cards(database: Database) -> list[dict[str, Any] | None]:
    async with database.sessions() as session:
        return list(
            (await session.scalars(select(QuestionGroup.card).order_by(QuestionGroup.id))).all()
        )


async def test_card_locations_move_under_their_platform_and_back(database: Database) -> None:
    await _migrate(database, "0008", down=True)
    now = datetime(2026, 12, 1, tzinfo=UTC)
    groups = table(
        "question_group",
        *(column(name) for name in ("status", "title", "language", "created_at", "updated_at")),
        column("card", JSON),
    )
    async with database.transaction() as session:  # rows as stored at 0008, whatever the models
        for card in (FLAT_SLACK | FLAT_TEAMS, FLAT_SLACK, None):
            fields = {"status": "open", "title": "per diem?", "language": "en"}
            await session.execute(
                groups.insert().values(**fields, created_at=now, updated_at=now, card=card)
            )
    await _migrate(database, "head")
    assert await _cards(database) == [
        {
            "slack": FLAT_SLACK,
            "teams": {
                "conversation_id": "19:mods@thread.tacv2",
                "activity_id": "1700000000001",
                "service_url": "https://smba.trafficmanager.net/emea/",
            },
        },
        {"slack": FLAT_SLACK},
        None,
    ]
    await _migrate(database, "0008", down=True)
    assert await _cards(database) == [FLAT_SLACK | FLAT_TEAMS, FLAT_SLACK, None]
    await _migrate(database, "head")


async def test_the_models_match_the_migrations(database: Database) -> None:
    """A column renamed in the models but not in a migration (or the reverse) is caught here,
    not in production."""

    def differences(sync: Connection) -> list[Any]:
        context = MigrationContext.configure(sync)
        return list(compare_metadata(context, Base.metadata))

    async with database.engine.connect() as connection:
        assert await connection.run_sync(differences) == []


async def test_replies_stored_before_versions_get_their_first_version(database: Database) -> None:
    await _migrate(database, "0012", down=True)
    replies = table(
        "consolidated_reply",
        *(column(name) for name in ("slug", "question", "answer_md", "language", "status")),
        *(column(name, JSON) for name in ("alt_questions", "tags", "sources")),
        column("review_by", Date),
        column("content_hash"),
        column("origin"),
    )
    async with database.transaction() as session:  # a reply as stored at 0012
        await session.execute(
            replies.insert().values(
                slug="hrba", question="What is the HRBA?", answer_md="It anchors...",
                language="en", status="published", alt_questions=["HRBA?"], tags=[],
                sources=[{"title": "UNSDG", "url": "https://unsdg.un.org/"}],
                review_by=date(2027, 3, 1), content_hash="h", origin="hrba.md",
            )
        )  # fmt: skip
    await _migrate(database, "head")
    async with database.sessions() as session:
        [version] = (await session.scalars(select(ReplyVersion))).all()
    assert (version.reply_slug, version.number, version.action) == ("hrba", 1, "create")
    assert version.content["alt_questions"] == ["HRBA?"]
    assert version.content["review_by"] == "2027-03-01"
    assert version.content["sources"] == [{"title": "UNSDG", "url": "https://unsdg.un.org/"}]
    await _migrate(database, "0012", down=True)
    await _migrate(database, "head")


def test_the_head_read_from_the_files_is_alembics() -> None:
    assert head_revision() == ScriptDirectory.from_config(alembic_config()).get_current_head()


@contextmanager
def info_logs() -> Iterator[list[MutableMapping[str, Any]]]:
    """The events logged, info ones included whatever level an earlier test configured
    (capture_logs keeps the configured level filter)."""
    saved = structlog.get_config()
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.DEBUG))
    try:
        with capture_logs() as logs:
            yield logs
    finally:
        structlog.configure(**saved)


async def test_a_current_database_is_not_migrated_again_and_an_older_one_is(
    database: Database,
) -> None:
    with info_logs() as logs:
        await database.upgrade()
    assert [e["event"] for e in logs if e["event"].startswith("database.")] == ["database.current"]
    await _migrate(database, "0011", down=True)
    with info_logs() as logs:
        await database.upgrade()
    assert [e["event"] for e in logs if e["event"].startswith("database.")] == ["database.upgraded"]


async def test_questions_stored_before_get_their_conversation_id(database: Database) -> None:
    await _migrate(database, "0014", down=True)
    questions = table(
        "question",
        *(column(name) for name in ("platform", "user_id", "text", "status")),
        column("conversation", JSON),
        column("received_at"),
    )
    now = datetime(2026, 12, 1, tzinfo=UTC)
    async with database.transaction() as session:  # questions as stored at 0014
        for conversation in ("C0123", "19:abc@thread.tacv2"):
            ref = {"platform": "slack", "conversation_id": conversation, "thread_id": None}
            await session.execute(
                questions.insert().values(
                    platform="slack", user_id="U1", text="UPR?", status="received",
                    conversation=ref, received_at=now,
                )
            )  # fmt: skip
    await _migrate(database, "head")
    async with database.sessions() as session:
        stored = (await session.scalars(select(Question.conversation_id))).all()
    assert sorted(stored) == ["19:abc@thread.tacv2", "C0123"]
    await _migrate(database, "0014", down=True)
    await _migrate(database, "head")
