"""The unanswered-questions loop end to end through Slack, on SQLite and PostgreSQL:
signed requests into the real server, the fake Web API recording what the bot sends."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from adapters.cli.calendar import sample_calendar_text
from adapters.cli.serve import slack_parts
from adapters.composition import Services, open_services
from adapters.server import build_web_app
from bot.calendar.rows import parse_calendar_csv
from bot.calendar.store import store_calendar
from bot.curation import ReviewDigest
from bot.dispatcher import Dispatcher
from bot.settings import load_settings
from knowledge.records import IngestBatch
from tests.adapters.slack.conftest import SECRET, SlackHarness, modal_submission
from tests.fakes.slack_api import Call, FakeSlackAPI

MODERATOR = "UMOD"
MODS_CHANNEL = "CMODS"


@dataclass
class Running:
    """One bot process: its harness for requests and its outbox dispatcher."""

    harness: SlackHarness
    dispatcher: Dispatcher

    async def deliver(self) -> int:
        return await self.dispatcher.run_once()


@asynccontextmanager
async def running_bot(url: str, fake: FakeSlackAPI) -> AsyncIterator[Running]:
    """A bot process wired exactly as `huribot serve` wires it."""
    settings = load_settings(
        {
            "HURIBOT_DATABASE_URL": url,
            "HURIBOT_MODERATORS": f"slack:{MODERATOR}",
            "HURIBOT_SLACK_MODERATORS_CHANNEL": MODS_CHANNEL,
            "HURIBOT_SLACK_BOT_TOKEN": "xoxb-test",
            "HURIBOT_SLACK_SIGNING_SECRET": SECRET,
            "HURIBOT_SLACK_API_URL": fake.url,
        }
    )
    async with open_services(settings) as services:
        parts = slack_parts(services)
        assert parts is not None
        bot, sender = parts
        async with TestClient(TestServer(build_web_app(slack=bot.app), host="127.0.0.1")) as http:
            harness = SlackHarness(http=http, fake=fake, services=services)
            yield Running(harness, Dispatcher(database=services.database, senders=[sender]))
            await harness.settle()
        await bot.aclose()


@pytest.fixture(params=["sqlite", "postgresql"])
async def database_url(
    request: pytest.FixtureRequest, tmp_path: Path, sample_batch: IngestBatch
) -> str:
    url = (
        f"sqlite:///{tmp_path / 'loop.db'}"
        if request.param == "sqlite"
        else request.getfixturevalue("postgres_schema_url")
    )
    async with open_services(load_settings({"HURIBOT_DATABASE_URL": url})) as services:
        await _ingest(services, sample_batch)
    return str(url)


async def _ingest(services: Services, batch: IngestBatch) -> None:
    await services.knowledge.ingest(batch)


def _button_value(call: Call, action_id: str) -> str:
    for block in SlackHarness.blocks(call):
        for element in block.get("elements", []):
            if element.get("action_id") == action_id:
                return str(element["value"])
    raise AssertionError(f"no {action_id} button in {call.params}")


def _card_action(card: Call, action_id: str, *, user: str) -> dict[str, Any]:
    return {
        "type": "block_actions",
        "team": {"id": "T1"},
        "user": {"id": user, "team_id": "T1"},
        "api_app_id": "A1",
        "trigger_id": f"{user}.trigger",
        "container": {"type": "message", "channel_id": MODS_CHANNEL, "message_ts": "1.1"},
        "channel": {"id": MODS_CHANNEL},
        "message": {"ts": "1.1", "text": "card"},
        "actions": [
            {
                "action_id": action_id,
                "block_id": "moderate",
                "type": "button",
                "value": _button_value(card, action_id),
                "action_ts": "1.2",
            }
        ],
    }


async def test_question_to_moderator_answer_to_every_asker(database_url: str) -> None:
    async with FakeSlackAPI() as fake:
        fake.members(MODS_CHANNEL, [MODERATOR, "UOTHERMOD"])
        async with running_bot(database_url, fake) as bot:
            first, abstained = await bot.harness.ask(
                "What is the per diem rate in Nairobi?", user="UASK1"
            )
            assert "Secretariat" in json.dumps(SlackHarness.blocks(abstained))
            second, _ = await bot.harness.ask("per diem rates for Nairobi missions?", user="UASK2")
            assert await bot.deliver() == 1
            (card,) = [c for c in bot.harness.posts() if c.params.get("channel") == MODS_CHANNEL]
            assert "per diem rates for Nairobi missions?" in json.dumps(card.params)
            groups = await bot.harness.services.moderation.groups()
            assert [len(g.questions) for g in groups] == [2]

        # A restart between question and answer: a new process on the same database.
        async with running_bot(database_url, fake) as bot:
            refused = await bot.harness.send_action(
                _card_action(card, "huribot_mod_answer", user="UMEMBER")
            )
            assert refused.status == 200
            await fake.wait_for("chat.postEphemeral")
            assert (
                "only the Secretariat's moderators"
                in fake.calls_to("chat.postEphemeral")[-1].params["text"]
            )
            assert not fake.calls_to("views.open")

            opened = await bot.harness.send_action(
                _card_action(card, "huribot_mod_answer", user=MODERATOR)
            )
            assert opened.status == 200
            await fake.wait_for("views.open")
            sent_view = fake.calls_to("views.open")[-1].params["view"]
            modal = json.loads(sent_view) if isinstance(sent_view, str) else sent_view
            assert "per diem rates for Nairobi missions?" in json.dumps(modal)

            submission = modal_submission(
                modal,
                user=MODERATOR,
                values={
                    "question": "What are the per diem rates for Nairobi?",
                    "answer": "Daily subsistence allowance rates are set by the **ICSC**.",
                    "tags": "admin, travel",
                    "sources": "ICSC DSA circular <https://icsc.un.org/Home/DataDSA>",
                },
            )
            done = await bot.harness.send_action(submission)
            assert done.status == 200 and done.text in {"", "{}"}
            assert await bot.deliver() == 2
            for asked in (first, second):
                notice = await bot.harness.reply_in_thread(
                    asked["event"]["channel"], asked["event"]["ts"]
                )
                del notice
            notices = [
                c
                for c in bot.harness.posts()
                if "The Secretariat has answered your question" in str(c.params.get("text", ""))
            ]
            assert sorted(c.params["thread_ts"] for c in notices) == sorted(
                [first["event"]["ts"], second["event"]["ts"]]
            )
            assert "icsc.un.org" in json.dumps([SlackHarness.blocks(c) for c in notices])

            _, answered = await bot.harness.ask("per diem Nairobi rates?", user="UASK3")
            assert "ICSC" in json.dumps(SlackHarness.blocks(answered))


async def test_review_digest_and_stats_for_moderators(database_url: str) -> None:
    async with FakeSlackAPI() as fake:
        fake.members(MODS_CHANNEL, [MODERATOR])
        async with running_bot(database_url, fake) as bot:
            services = bot.harness.services
            digest = ReviewDigest(
                database=services.database,
                moderators_conversation=services.moderation.moderators_conversation,
            )
            assert await digest.queue_weekly()
            assert await bot.deliver() == 1
            (posted,) = [c for c in bot.harness.posts() if c.params.get("channel") == MODS_CHANNEL]
            assert "past their review date" in posted.params["text"]
            assert "human-rights-adviser-request" in posted.params["text"]

            stats = await bot.harness.send_command(bot.harness.command("stats", user_id=MODERATOR))
            assert stats.status == 200 and "questions (all time)" in stats.text
            refused = await bot.harness.send_command(
                bot.harness.command("stats", user_id="UMEMBER")
            )
            assert "only the Secretariat's moderators" in refused.text


async def test_calendar_command_lists_a_countrys_engagements(database_url: str) -> None:
    async with FakeSlackAPI() as fake, running_bot(database_url, fake) as bot:
        services = bot.harness.services
        async with services.database.transaction() as session:
            await store_calendar(session, parse_calendar_csv(sample_calendar_text()))
        sent = await bot.harness.send_command(bot.harness.command("calendar Kenya"))
        assert sent.status == 200
        assert "Kenya" in sent.text
        assert not [q for q in await bot.harness.questions() if q.text.startswith("calendar")]
