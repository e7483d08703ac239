"""Calendar subscriptions typed in Slack, and the digests they bring, end to end: signed
slash commands into the real server, digests posted through the outbox to the fake Web API."""

from __future__ import annotations

import dataclasses
import json
from datetime import date

from slack_sdk.models.blocks import Block

from adapters.slack.digest_blocks import MAX_BLOCKS, digest_blocks
from adapters.wiring.services import related_replies
from bot.calendar.digest import Digest, DigestItem, DigestSection
from bot.calendar.digest_builder import DigestBuilder
from bot.calendar.scheduler import CalendarScheduler
from bot.calendar.wording import phrase
from tests.adapters.slack.conftest import MODERATOR, MODS_CHANNEL, running_bot
from tests.bot.calendar.helpers import FakeClock, event, store, utc
from tests.fakes.slack_api import FakeSlackAPI

CHANNEL = "C0LAN2Q65"
"""The channel of the recorded slash command."""


async def test_a_channel_subscribes_and_gets_its_digest_in_block_kit(database_url: str) -> None:
    clock = FakeClock(utc(2027, 1, 1, 6))  # 09:00 in Nairobi on the 1st
    async with FakeSlackAPI() as fake, running_bot(database_url, fake, clock=clock) as bot:
        fake.members(MODS_CHANNEL, [MODERATOR])
        harness, services = bot.harness, bot.harness.services

        async def command(text: str, user: str = "U061F7AUR") -> str:
            sent = await harness.send_command(harness.command(text, user_id=user))
            assert sent.status == 200
            return " ".join(sent.text.split())

        reply = await command("subscribe Kenya timezone=Africa/Nairobi")
        assert reply.startswith("Subscribed. #1: Kenya;")
        assert "Africa/Nairobi" in reply and "reminders 90, 30, 7 days" in reply
        reply = await command("subscribe Somalia")
        assert reply.startswith("Subscribed. #1: Kenya, Somalia;")
        assert "#1: Kenya, Somalia" in await command("subscriptions")
        assert "Narnia" in await command("subscribe Narnia")
        assert "timezone= or language=" in await command("subscribe KEN colour=blue")
        assert "only the Secretariat's moderators" in await command("subscriptions all")
        assert f"slack {CHANNEL}: #1" in await command("subscriptions all", MODERATOR)
        assert not await harness.questions()  # commands are not questions

        await store(
            services.database,
            event("upr-50-KEN-unct", date(2027, 3, 15)),
            event("sp-SOM-visit", date(2027, 2, 10), country="SOM", mechanism="SP",
                  event_type="visit"),
        )  # fmt: skip
        scheduler = CalendarScheduler(
            database=services.database,
            builder=DigestBuilder(related=related_replies(services.knowledge)),
            clock=clock,
        )
        assert await scheduler.run_once() == 1
        assert await bot.deliver() == 1
        [posted] = [c for c in harness.posts() if c.params.get("channel") == CHANNEL]
        blocks = json.loads(json.dumps(harness.blocks(posted)))
        assert blocks[0]["type"] == "header"
        assert blocks[0]["text"]["text"].endswith("coming up for Kenya, Somalia")
        text = json.dumps(blocks)
        assert "Universal Periodic Review" in text and "Special procedures" in text
        assert "*15 March 2027*" in text
        assert "What the UNCT can do" in text
        buttons = [e for b in blocks if b["type"] == "actions" for e in b["elements"]]
        assert [e["value"] for e in buttons][:1] == ["upr-unct-submission"]
        assert "Kenya, Somalia" in posted.params["text"]  # the notification fallback


async def test_unsubscribing_in_the_channel_or_by_a_moderator(database_url: str) -> None:
    async with FakeSlackAPI() as fake, running_bot(database_url, fake) as bot:
        fake.members(MODS_CHANNEL, [MODERATOR])
        harness = bot.harness

        async def command(text: str, user: str = "U061F7AUR") -> str:
            sent = await harness.send_command(harness.command(text, user_id=user))
            return " ".join(sent.text.split())

        await command("subscribe KEN SOM")
        assert (await command("unsubscribe KEN")).startswith("Unsubscribed. #1: Somalia;")
        assert "no more calendar digests" in await command("unsubscribe")
        assert "no calendar subscription" in await command("subscriptions")
        number = (await command("subscribe KEN")).split()[1].rstrip(":")
        assert "only the Secretariat's moderators" in await command(f"unsubscribe {number}")
        removed = await command(f"unsubscribe {number}", MODERATOR)
        assert removed == f"Subscription {number} removed."
        assert "No conversation is subscribed" in await command("subscriptions all", MODERATOR)


def test_a_digest_over_slacks_block_limit_says_how_many_more_there_are() -> None:
    items = tuple(
        DigestItem(
            event_id=f"tb-{n}",
            when=f"{n % 28 + 1} March 2027",
            title=f"Kenya — committee review {n}",
            status="confirmed",
            action="Send the UN country team's report.",
            link="https://example.org/event",
        )
        for n in range(60)
    )
    parts = tuple(
        DigestSection(mechanism=m, heading=m, link="", items=items[k * 30 : (k + 1) * 30])
        for k, m in enumerate(("Treaty bodies", "Special procedures"))
    )
    digest = Digest(
        title="Human rights mechanisms: what is coming up for Kenya",
        language="fr",
        sections=parts,
        labels={"more_not_shown": phrase("more_not_shown", "fr")},
    )
    blocks = digest_blocks(digest)
    assert len(blocks) <= MAX_BLOCKS
    for block in blocks:
        parsed = Block.parse(block)
        assert parsed is not None
        parsed.validate_json()
    shown = sum("committee review" in json.dumps(b) for b in blocks)
    assert 0 < shown < 60
    assert blocks[-1]["text"]["text"].startswith(f"*{60 - shown} autres échéances")
    assert len(digest_blocks(dataclasses.replace(digest, sections=parts[:1]))) <= MAX_BLOCKS


async def test_subscribing_a_channel_the_bot_is_not_in_asks_to_invite_it(
    database_url: str,
) -> None:
    async with FakeSlackAPI() as fake, running_bot(database_url, fake) as bot:
        fake.bot_not_in(CHANNEL)
        sent = await bot.harness.send_command(bot.harness.command("subscribe KEN"))
        assert sent.status == 200
        assert "/invite @HuriBot" in sent.text
        assert await bot.harness.services.subscriptions.all() == []
        info = fake.calls_to("conversations.info")
        assert [c.params["channel"] for c in info] == [CHANNEL]
