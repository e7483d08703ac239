"""The unanswered-questions loop end to end through Slack, on SQLite and PostgreSQL:
signed requests into the real server, the fake Web API recording what the bot sends."""

from __future__ import annotations

import json
from typing import Any

from adapters.cli.calendar import sample_calendar_text
from bot.calendar.rows import parse_calendar_csv
from bot.calendar.store import store_calendar
from bot.curation import ReviewDigest
from tests.adapters.slack.conftest import (
    MODERATOR,
    MODS_CHANNEL,
    SlackHarness,
    modal_submission,
    running_bot,
)
from tests.fakes.slack_api import Call, FakeSlackAPI


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
            assert await bot.deliver() == 3  # both askers, and the card refreshed
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
