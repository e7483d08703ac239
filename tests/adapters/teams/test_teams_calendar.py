"""Calendar commands and digests in Teams: a conversation subscribes by writing to the bot,
its reference is remembered, and a digest reaches it proactively after a restart."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.calendar.digest import DigestBuilder
from bot.calendar.scheduler import CalendarScheduler
from bot.dispatcher import Dispatcher
from tests.adapters.teams.conftest import running_teams
from tests.fakes.teams_connector import FakeConnector


async def test_subscribe_in_a_channel_then_digest_after_restart(tmp_path: Path) -> None:
    environment = {
        "HURIBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'calendar.db'}",
        "HURIBOT_TEAMS_ALLOW_ANONYMOUS": "true",
    }
    async with FakeConnector() as fake:
        async with running_teams(environment, fake) as teams:
            activity = teams.message("channel_mention", "subscribe KEN")
            response = await teams.post(activity)
            assert response.status == 202
            [confirmation] = fake.sent
            assert confirmation.reply_to == activity["id"]
            assert (
                "KEN" in confirmation.activity["text"] or "Kenya" in confirmation.activity["text"]
            )
            assert await teams.questions() == []  # a command, not a question
            channel = activity["conversation"]["id"].split(";messageid=")[0]
            known = await teams.services.conversations.find("teams", channel)
            assert known is not None and known.service_url == fake.service_url

        fake.reset()
        async with running_teams(environment, fake) as teams:  # a new process, same database
            later = datetime.now(UTC) + timedelta(days=40)
            scheduler = CalendarScheduler(
                database=teams.services.database, builder=DigestBuilder(), clock=lambda: later
            )
            assert await scheduler.run_once() >= 1
            dispatcher = Dispatcher(
                database=teams.services.database, senders=[teams.sender], clock=lambda: later
            )
            assert await dispatcher.run_once() >= 1

    [digest, *_] = fake.sent
    assert digest.method == "POST"
    assert digest.conversation_id == channel
    assert digest.reply_to is None  # its own post in the channel, not a reply
    assert "Kenya" in digest.activity["text"]


async def test_install_remembers_the_conversation(tmp_path: Path) -> None:
    environment = {
        "HURIBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'install.db'}",
        "HURIBOT_TEAMS_ALLOW_ANONYMOUS": "true",
    }
    async with FakeConnector() as fake, running_teams(environment, fake) as teams:
        activity = teams.activity("conversation_update_install")
        await teams.post(activity)
        known = await teams.services.conversations.find("teams", activity["conversation"]["id"])
        assert known is not None
        assert known.tenant_id == activity["conversation"]["tenantId"]
        assert known.service_url == fake.service_url
