"""The unanswered-questions loop end to end through Slack, on SQLite and PostgreSQL:
signed requests into the real server, the fake Web API recording what the bot sends."""

from __future__ import annotations

import json
import warnings
from typing import Any

import pytest
from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.views import View

from adapters.answer_form import ALT_QUESTIONS
from adapters.cli.calendar import sample_calendar_text
from adapters.slack.moderation_blocks import answer_modal, link_modal
from bot.calendar.rows import parse_calendar_csv
from bot.calendar.store import store_calendar
from bot.kb.review import ReviewReminder
from tests.adapters.common import group_view
from tests.adapters.slack.conftest import (
    MODERATOR,
    MODS_CHANNEL,
    Running,
    SlackHarness,
    card_action,
    modal_submission,
    running_bot,
)
from tests.fakes.slack_api import FakeSlackAPI


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
                card_action(card, "huribot_mod_answer", user="UMEMBER")
            )
            assert refused.status == 200
            await fake.wait_for("chat.postEphemeral")
            assert (
                "only the Secretariat's moderators"
                in fake.calls_to("chat.postEphemeral")[-1].params["text"]
            )
            assert not fake.calls_to("views.open")

            opened = await bot.harness.send_action(
                card_action(card, "huribot_mod_answer", user=MODERATOR)
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
            [refreshed] = await fake.wait_for("chat.update")  # at once, by the button's handler
            assert refreshed.params["ts"] == card.response["ts"]  # type: ignore[index]
            assert await bot.deliver() == 2  # both askers; the card is not updated again
            assert len(fake.calls_to("chat.update")) == 1
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
            for notice in notices:
                offered = json.dumps(SlackHarness.blocks(notice))
                assert "Helpful" in offered and "Ask the Secretariat" not in offered

            _, answered = await bot.harness.ask("per diem Nairobi rates?", user="UASK3")
            assert "ICSC" in json.dumps(SlackHarness.blocks(answered))


async def test_review_digest_and_stats_for_moderators(database_url: str) -> None:
    async with FakeSlackAPI() as fake:
        fake.members(MODS_CHANNEL, [MODERATOR])
        async with running_bot(database_url, fake) as bot:
            services = bot.harness.services
            digest = ReviewReminder(
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


def _valid_modal(modal: dict[str, Any]) -> dict[str, Any]:
    """The modal, once slack_sdk's Block Kit models accept it whole: every limit they check,
    and no key they do not know (an unknown key warns and would be dropped)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert View(**modal).to_dict() == modal
    return modal


def _checkboxes(modal: dict[str, Any]) -> dict[str, Any] | None:
    blocks = [b for b in modal["blocks"] if b.get("block_id") == ALT_QUESTIONS]
    return blocks[0] if blocks else None


def test_the_modals_offer_the_askers_wordings_within_block_kit_limits() -> None:
    long = "per diem, " * 30  # 300 characters, and commas
    view = group_view("per diem Nairobi?", long, *(f"wording {n}" for n in range(11)))
    for modal in (answer_modal(view), link_modal(view)):
        block = _checkboxes(_valid_modal(modal))
        assert block is not None and block["optional"] is True
        options = block["element"]["options"]
        assert len(options) == 10  # Block Kit's most
        assert "initial_options" not in block["element"]  # nothing ticked
        assert all(o["value"].isdecimal() for o in options)
        assert all(len(o["text"]["text"]) <= 75 for o in options)
        assert "others can be kept from the command line" in block["hint"]["text"]

    few = group_view("per diem Nairobi?", "per diem rates, Nairobi", "Nairobi DSA")
    options = _checkboxes(_valid_modal(answer_modal(few)))["element"]["options"]  # type: ignore[index]
    assert [(o["value"], o["text"]["text"]) for o in options] == [
        ("1", "per diem rates, Nairobi"),
        ("2", "Nairobi DSA"),
    ]
    linked = _checkboxes(link_modal(few))["element"]["options"]  # type: ignore[index]
    assert linked[0] == {"text": {"type": "plain_text", "text": "per diem Nairobi?"}, "value": "0"}

    lonely = group_view("per diem Nairobi?", "per diem Nairobi?")
    assert _checkboxes(_valid_modal(answer_modal(lonely))) is None  # no other wording


def test_block_kit_models_do_refuse_a_modal_past_their_limits() -> None:
    modal = answer_modal(group_view("per diem Nairobi?", "Nairobi DSA"))
    _checkboxes(modal)["element"]["options"][0]["text"]["text"] = "x" * 76  # type: ignore[index]
    with pytest.raises(SlackObjectFormationError):
        View(**modal).to_dict()


NAIROBI = (
    "What is the per diem rate in Nairobi?",
    "per diem rates for Nairobi missions?",
    "nairobi per diem??",
    "What per diem rate applies for a mission to Nairobi?",
)


async def _open_modal(bot: Running, action_id: str) -> tuple[int, dict[str, Any]]:
    """Ask the four Nairobi wordings, then open a modal from the group's card."""
    for n, text in enumerate(NAIROBI):
        await bot.harness.ask(text, user=f"UASK{n}")
    await bot.deliver()
    [group] = await bot.harness.services.moderation.groups()
    assert group.wordings == list(NAIROBI)
    [card] = [c for c in bot.harness.posts() if c.params.get("channel") == MODS_CHANNEL]
    opened = await bot.harness.send_action(card_action(card, action_id, user=MODERATOR))
    assert opened.status == 200
    await bot.harness.fake.wait_for("views.open")
    sent = bot.harness.fake.calls_to("views.open")[-1].params["view"]
    return group.group.id, _valid_modal(json.loads(sent) if isinstance(sent, str) else sent)


async def test_the_ticked_wordings_and_only_those_become_alternative_questions(
    database_url: str,
) -> None:
    async with FakeSlackAPI() as fake, running_bot(database_url, fake) as bot:
        group_id, modal = await _open_modal(bot, "huribot_mod_answer")
        options = _checkboxes(modal)["element"]["options"]  # type: ignore[index]
        assert [o["text"]["text"] for o in options] == list(NAIROBI[1:])
        submission = modal_submission(
            modal, user=MODERATOR, values={"answer": "The **ICSC** sets them."}, ticked=("1", "3")
        )
        done = await bot.harness.send_action(submission)
        assert done.status == 200 and done.text in {"", "{}"}
        view = await bot.harness.services.moderation.view(group_id, candidates=0)
        assert view.group.reply_id is not None
        doc = await bot.harness.services.knowledge.lookup(view.group.reply_id)
        assert doc is not None and doc.alt_titles == (NAIROBI[1], NAIROBI[3])


async def test_linking_from_slack_adds_only_the_ticked_wordings(database_url: str) -> None:
    async with FakeSlackAPI() as fake, running_bot(database_url, fake) as bot:
        knowledge = bot.harness.services.knowledge
        before = await knowledge.lookup("hrba-overview")
        assert before is not None
        _, modal = await _open_modal(bot, "huribot_mod_link")
        submission = modal_submission(
            modal, user=MODERATOR, values={"reply_id": "hrba-overview"}, ticked=("0", "2")
        )
        done = await bot.harness.send_action(submission)
        assert done.status == 200 and done.text in {"", "{}"}
        doc = await knowledge.lookup("hrba-overview")
        assert doc is not None and doc.alt_titles == (*before.alt_titles, NAIROBI[0], NAIROBI[2])


async def test_a_hostile_question_reaches_the_moderators_card_inert(database_url: str) -> None:
    hostile = "<!channel> per diem in Nairobi? see <https://evil.example|the rates> <!subteam^S1>"
    async with FakeSlackAPI() as fake, running_bot(database_url, fake) as bot:
        await bot.harness.ask(hostile, user="UASK1")
        assert await bot.deliver() == 1
        (card,) = [c for c in bot.harness.posts() if c.params.get("channel") == MODS_CHANNEL]
        fallback = card.params["text"]
        assert "<!channel>" not in fallback and "<!subteam" not in fallback
        assert "<https://evil" not in fallback
        assert "&lt;" in fallback
        assert "<!channel>" not in json.dumps(card.params["blocks"])
