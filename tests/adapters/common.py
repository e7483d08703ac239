"""What the platform adapters' tests share: recorded payloads (tests/fixtures/<platform>/),
our server's answers to them, and the question log they fill."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select, update

from adapters.wiring.services import open_services
from bot.db.engine import Database
from bot.db.models import Question, Subscription
from bot.messages import ConversationRef
from bot.moderation.views import GroupInfo, GroupView, QuestionInfo
from bot.settings import load_settings

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
DIGEST_CHANNEL = "C0DIGEST"


def load_recorded(platform: str, name: str) -> dict[str, Any]:
    """A recorded payload from tests/fixtures/<platform>/ (a fresh copy each time)."""
    path = FIXTURES / platform / f"{name}.json"
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


@dataclass(frozen=True, slots=True)
class Sent:
    """Our server's HTTP answer to one request."""

    status: int
    text: str

    def json(self) -> Any:
        return json.loads(self.text)


async def stored_questions(database: Database) -> list[Question]:
    """Every stored question, oldest first."""
    async with database.sessions() as session:
        return list((await session.scalars(select(Question).order_by(Question.id))).all())


async def forget_questions(database: Database) -> None:
    """Delete every question (between tests sharing one server)."""
    async with database.transaction() as session:
        await session.execute(delete(Question))


def group_view(title: str, *asked: str, group_id: int = 7) -> GroupView:
    """A group as moderators see it, built in memory: first asked as `title`, then as each of
    `asked` in turn (a repeated wording is one more asker)."""
    group = GroupInfo(
        id=group_id, status="open", title=title, language="en", updated_at=datetime.now(UTC)
    )
    texts = (title, *asked)
    return GroupView(group, tuple(QuestionInfo(id=n, text=t) for n, t in enumerate(texts, 1)))


async def due_digest(url: str) -> None:
    """A subscription of the Slack channel DIGEST_CHANNEL to Kenya whose digest is due now."""
    async with open_services(load_settings({"HURIBOT_DATABASE_URL": url})) as services:
        ref = ConversationRef(platform="slack", conversation_id=DIGEST_CHANNEL)
        subscription = await services.subscriptions.subscribe(ref, ["KEN"], actor="cli:ops")
        async with services.database.transaction() as session:
            await session.execute(
                update(Subscription)
                .where(Subscription.id == subscription.id)
                .values(next_digest_at=datetime.now(UTC) - timedelta(hours=1))
            )
