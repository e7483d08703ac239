"""Calendar commands and digests in Teams: a conversation subscribes by writing to the bot,
its reference is remembered, and a digest reaches it proactively after a restart."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from adapters.teams.cards import CARD_CONTENT_TYPE
from adapters.teams.digest_card import CARD_BYTES, digest_card
from bot.calendar.digest import Digest, DigestItem, DigestSection
from bot.calendar.digest_builder import DigestBuilder
from bot.calendar.scheduler import CalendarScheduler
from bot.calendar.wording import phrase
from bot.delivery.dispatcher import Dispatcher
from bot.messages import Suggestion
from bot.payload_types import payload_codec
from tests.adapters.teams.conftest import running_teams
from tests.fakes.adaptive_cards import schema_errors
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
            assert confirmation.activity["text"].startswith("Subscribed. #1: Kenya;")
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
            assert await scheduler.run_once() == 1
            dispatcher = Dispatcher(
                codec=payload_codec(),
                database=teams.services.database,
                senders=[teams.sender],
                clock=lambda: later,
            )
            assert await dispatcher.run_once() == 1

    [digest] = fake.sent
    assert digest.method == "POST"
    assert digest.conversation_id == channel
    assert digest.reply_to is None  # its own post in the channel, not a reply
    assert digest.activity["summary"].endswith("coming up for Kenya")
    [attachment] = digest.activity["attachments"]
    assert attachment["contentType"] == CARD_CONTENT_TYPE
    card = attachment["content"]
    assert card["body"][0]["text"] == digest.activity["summary"]
    assert "No calendar has been imported yet" in json.dumps(card)  # not "nothing scheduled"


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


def test_a_digest_card_shows_markers_actions_and_related_replies() -> None:
    item = DigestItem(
        event_id="upr-50-KEN-unct",
        when="15 March 2027, for UNCT",
        title="Kenya — UPR submission deadline (50)",
        status="confirmed",
        action="Prepare the UN country team's input.",
        link="https://example.org/a",
        marker="moved",
        previously="was 10 February 2027",
    )
    part = DigestSection(
        mechanism="UPR",
        heading="Universal Periodic Review",
        link="https://www.ohchr.org/en/hr-bodies/upr/upr-main",
        items=(item,),
        related=(Suggestion(id="upr-unct-submission", title="How does a UNCT contribute?"),),
    )
    digest = Digest(
        title="Human rights mechanisms: what is coming up for Kenya",
        language="en",
        sections=(part,),
        labels={"moved": "MOVED", "what_to_do": "What the UNCT can do", "related": "Related"},
    )
    card = digest_card(digest)
    [container] = [block for block in card["body"] if block["type"] == "Container"]
    texts = [block.get("text", "") for block in container["items"]]
    assert texts[0] == f"**[Universal Periodic Review]({part.link})**"
    assert texts[1] == (
        "**[MOVED]** **15 March 2027, for UNCT** — Kenya — UPR submission deadline (50)"
        " _(was 10 February 2027)_"
    )
    assert texts[2] == "_What the UNCT can do:_ Prepare the UN country team's input."
    [actions] = [block for block in container["items"] if block["type"] == "ActionSet"]
    related = {"huribot": "related", "reply_id": "upr-unct-submission"}
    assert actions["actions"][0]["data"] == related


def test_a_digest_too_big_for_teams_says_how_many_more_there_are() -> None:
    items = tuple(
        DigestItem(
            event_id=f"tb-{n}",
            when=f"{n % 28 + 1} March 2027",
            title=f"Kenya — Committee review number {n} of the State party report " * 2,
            status="confirmed",
            action="Send the UN country team's confidential report to the committee. " * 3,
            link=f"https://example.org/event/{n}",
        )
        for n in range(56)
    )
    part = DigestSection(mechanism="TB", heading="Treaty bodies", link="", items=items)
    digest = Digest(
        title="Human rights mechanisms: what is coming up for Kenya",
        language="en",
        sections=(part,),
        labels={"more_not_shown": phrase("more_not_shown", "en")},
    )
    card = digest_card(digest)
    assert len(json.dumps(card).encode()) <= CARD_BYTES
    assert schema_errors(card) == []
    [container] = [block for block in card["body"] if block["type"] == "Container"]
    shown = sum("Committee review number" in b.get("text", "") for b in container["items"])
    assert 0 < shown < 56
    assert card["body"][-1]["text"].startswith(f"**{56 - shown} more engagements")
    small = digest_card(
        dataclasses.replace(digest, sections=(dataclasses.replace(part, items=items[:2]),))
    )
    assert "more engagements" not in json.dumps(small)
