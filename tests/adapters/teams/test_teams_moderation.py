"""Moderation across platforms, end to end: one bot process serving Slack and Teams, question
groups carded in both moderators' channels, and each answer reaching every asker on the
platform they asked on, whichever platform the moderator answered from."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiohttp.test_utils import TestClient, TestServer

from adapters.answer_form import ALT_QUESTIONS
from adapters.server import build_web_app
from adapters.slack.moderation_blocks import answer_modal
from adapters.teams.moderation_cards import answer_form, group_card, link_form
from adapters.wiring.platforms import open_platforms
from bot.delivery.dispatcher import Dispatcher
from bot.payload_types import payload_codec
from bot.settings import load_settings
from knowledge.records import IngestBatch
from tests.adapters.common import group_view
from tests.adapters.slack.conftest import SECRET, SlackHarness, modal_submission
from tests.adapters.teams.conftest import TeamsHarness
from tests.fakes.adaptive_cards import schema_errors
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.teams_connector import Delivered, FakeConnector

TEAMS_MODERATOR = "11111111-2222-4333-8444-555555555555"
SLACK_MODERATOR = "UMOD"
TEAMS_MODS = "19:moderators0a1b2c@thread.tacv2"
SLACK_MODS = "CMODS"
QUESTION = "per diem rates for Nairobi missions?"


@dataclass
class Both:
    """One bot process with both platforms, and its outbox dispatcher."""

    slack: SlackHarness
    teams: TeamsHarness
    dispatcher: Dispatcher

    async def deliver(self) -> int:
        return await self.dispatcher.run_once()

    async def group_id(self) -> int:
        [group] = await self.teams.services.moderation.groups()
        return group.group.id


@asynccontextmanager
async def both_platforms(tmp_path: Path, batch: IngestBatch) -> AsyncIterator[Both]:
    async with FakeSlackAPI() as slack_api, FakeConnector() as connector:
        settings = load_settings(
            {
                "HURIBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'both.db'}",
                "HURIBOT_MODERATORS": f"slack:{SLACK_MODERATOR},teams:{TEAMS_MODERATOR}",
                "HURIBOT_SLACK_MODERATORS_CHANNEL": SLACK_MODS,
                "HURIBOT_SLACK_BOT_TOKEN": "xoxb-test",
                "HURIBOT_SLACK_SIGNING_SECRET": SECRET,
                "HURIBOT_SLACK_API_URL": slack_api.url,
                "HURIBOT_TEAMS_ALLOW_ANONYMOUS": "true",
                "HURIBOT_TEAMS_MODERATORS_CHANNEL": TEAMS_MODS,
                "HURIBOT_TEAMS_SERVICE_URL": connector.service_url,
            }
        )
        async with open_platforms(settings) as platforms:
            services, slack, teams = platforms.services, platforms.slack, platforms.teams
            await services.knowledge.ingest(batch)
            assert slack is not None and teams is not None
            web_app = build_web_app(slack=slack[0].route(), teams=teams[0].route())
            async with TestClient(TestServer(web_app, host="127.0.0.1")) as http:
                yield Both(
                    slack=SlackHarness(http=http, fake=slack_api, services=services),
                    teams=TeamsHarness(
                        http=http, fake=connector, services=services, bot=teams[0], sender=teams[1]
                    ),
                    dispatcher=Dispatcher(
                        codec=payload_codec(),
                        database=services.database,
                        senders=[slack[1], teams[1]],
                    ),
                )


def _invoke(both: Both, name: str, *, user: str, data: dict[str, Any]) -> dict[str, Any]:
    activity = both.teams.activity("task_fetch")
    activity["name"] = name
    activity["from"]["aadObjectId"] = user
    activity["value"]["data"] = data
    return activity


def _notice(both: Both) -> Delivered:
    """The Secretariat's answer as it reached the Teams asker."""
    [notice] = [
        sent
        for sent in both.teams.fake.sent
        if "The Secretariat has answered your question" in sent.card_text()
    ]
    return notice


async def test_teams_question_answered_by_a_teams_moderator(
    tmp_path: Path, sample_batch: IngestBatch
) -> None:
    async with both_platforms(tmp_path, sample_batch) as both:
        asked, abstained = await both.teams.ask("personal_message", QUESTION)
        assert "Secretariat" in abstained.card_text()
        assert await both.deliver() == 2  # the group's card, in Slack and in Teams
        [card] = [s for s in both.teams.fake.sent if s.conversation_id == TEAMS_MODS]
        assert QUESTION in card.card_text()
        assert [a["title"] for a in card.actions()][:2] == ["Answer", "Assign to me"]
        group_id = await both.group_id()
        answer = card.actions()[0]["data"]

        refused = await both.teams.post(
            _invoke(both, "task/fetch", user="99999999-0000-4000-8000-000000000000", data=answer)
        )
        assert "only the Secretariat's moderators" in refused.json()["task"]["value"]

        opened = await both.teams.post(
            _invoke(both, "task/fetch", user=TEAMS_MODERATOR, data=answer)
        )
        dialog = opened.json()["task"]
        assert dialog["type"] == "continue"
        form = dialog["value"]["card"]["content"]
        assert schema_errors(form) == []
        assert {i["id"] for i in form["body"] if "id" in i} == {
            "question",
            "answer",
            "tags",
            "sources",
        }  # one wording only: nothing to choose as an alternative question

        fields = {"question": "What are the per diem rates for Nairobi?", "tags": "travel"}
        incomplete = await both.teams.post(
            _invoke(both, "task/submit", user=TEAMS_MODERATOR, data=answer | fields)
        )
        again = incomplete.json()["task"]["value"]["card"]["content"]
        assert "Write the answer." in str(again)
        kept = {i["id"]: i.get("value") for i in again["body"] if "id" in i}
        assert kept["question"] == fields["question"] and kept["tags"] == "travel"
        assert schema_errors(again) == []

        fields |= {
            "answer": "Daily subsistence allowance rates are set by the **ICSC**.",
            "sources": "ICSC DSA circular <https://icsc.un.org/Home/DataDSA>",
        }
        done = await both.teams.post(
            _invoke(both, "task/submit", user=TEAMS_MODERATOR, data=answer | fields)
        )
        assert done.json()["task"]["type"] == "message"
        [update] = [s for s in both.teams.fake.sent if s.method == "PUT"]
        assert update.reply_to == card.activity_id and "answered" in update.card_text()

        assert await both.deliver() == 2  # the asker's notice; the Slack card shows the answer
        assert [s.method for s in both.teams.fake.sent].count("PUT") == 1  # not updated twice
        notice = _notice(both)
        assert notice.conversation_id == asked["conversation"]["id"]
        assert "ICSC" in notice.card_text()
        titles = [a["title"] for a in notice.actions()]
        assert "👍 Helpful" in titles and "Ask the Secretariat" not in titles
        [slack_card] = both.slack.fake.calls_to("chat.update")
        assert "answered" in json.dumps(slack_card.params["blocks"])
        assert (await both.teams.services.moderation.view(group_id)).group.status == "answered"


async def test_slack_question_answered_from_teams(
    tmp_path: Path, sample_batch: IngestBatch
) -> None:
    async with both_platforms(tmp_path, sample_batch) as both:
        asked, _ = await both.slack.ask(QUESTION, user="UASK1")
        assert await both.deliver() == 2
        group_id = await both.group_id()
        data = {"huribot": "mod_answer", "group_id": group_id}
        fields = {"answer": "The **ICSC** sets them.", "question": "", "tags": "", "sources": ""}
        await both.teams.post(
            _invoke(both, "task/submit", user=TEAMS_MODERATOR, data=data | fields)
        )

        assert await both.deliver() == 2  # the asker's notice; the Slack card shows the answer
        assert [s.method for s in both.teams.fake.sent].count("PUT") == 1  # not updated twice
        [updated] = both.slack.fake.calls_to("chat.update")
        assert "answered" in json.dumps(updated.params["blocks"])
        event = asked["event"]
        [notice] = [
            call
            for call in both.slack.posts()
            if "The Secretariat has answered your question" in str(call.params["text"])
        ]
        assert notice.params["channel"] == event["channel"]
        assert notice.params["thread_ts"] == event["ts"]


async def test_teams_question_answered_from_slack(
    tmp_path: Path, sample_batch: IngestBatch
) -> None:
    async with both_platforms(tmp_path, sample_batch) as both:
        asked, _ = await both.teams.ask("channel_mention", QUESTION)
        assert await both.deliver() == 2
        view = await both.slack.services.moderation.view(await both.group_id())
        submission = modal_submission(
            answer_modal(view), user=SLACK_MODERATOR, values={"answer": "The **ICSC** sets them."}
        )
        done = await both.slack.send_action(submission)
        assert done.status == 200

        assert await both.deliver() == 2  # the asker's notice; the Slack card shows the answer
        assert [s.method for s in both.teams.fake.sent].count("PUT") == 1  # not updated twice
        notice = _notice(both)
        assert notice.conversation_id == asked["conversation"]["id"]
        assert notice.reply_to == asked["id"]  # in the asker's reply chain
        [card] = [s for s in both.teams.fake.sent if s.method == "PUT"]
        assert card.conversation_id == TEAMS_MODS and "answered" in card.card_text()


async def test_assign_and_dismiss_from_the_teams_card(
    tmp_path: Path, sample_batch: IngestBatch
) -> None:
    async with both_platforms(tmp_path, sample_batch) as both:
        await both.teams.ask("personal_message", QUESTION)
        await both.deliver()
        group_id = await both.group_id()

        def pressed(action: str, user: str) -> dict[str, Any]:
            activity = both.teams.activity("card_submit_feedback")
            activity["from"]["aadObjectId"] = user
            activity["value"] = {"huribot": action, "group_id": group_id}
            return activity

        await both.teams.post(pressed("mod_dismiss", "99999999-0000-4000-8000-000000000000"))
        assert "only the Secretariat's moderators" in both.teams.fake.sent[-1].activity["text"]

        await both.teams.post(pressed("mod_assign", TEAMS_MODERATOR))
        view = await both.teams.services.moderation.view(group_id)
        assert view.group.status == "assigned"
        assert view.group.assigned_to == f"teams:{TEAMS_MODERATOR}"
        card = both.teams.fake.sent[-1].card_text()
        assert "assigned to Amina Diallo" in card and TEAMS_MODERATOR not in card
        assert await both.deliver() == 1  # the Slack card; Teams' own was updated at once
        [slack_card] = both.slack.fake.calls_to("chat.update")
        assert "assigned to Amina Diallo" in json.dumps(slack_card.params["blocks"])


async def test_members_of_the_moderators_team_may_moderate_from_teams(
    tmp_path: Path, sample_batch: IngestBatch
) -> None:
    colleague = "33333333-2222-4333-8444-555555555555"  # not in HURIBOT_MODERATORS
    outsider = "44444444-2222-4333-8444-555555555555"
    async with both_platforms(tmp_path, sample_batch) as both:
        both.teams.fake.members(TEAMS_MODS, [TEAMS_MODERATOR, colleague])
        moderators = both.teams.services.moderation.moderators
        assert await moderators.is_moderator("teams", colleague)
        assert not await moderators.is_moderator("teams", outsider)
        assert not await moderators.is_moderator("slack", colleague)
        assert await moderators.is_moderator("slack", SLACK_MODERATOR)


def _choice_set(card: dict[str, Any]) -> dict[str, Any] | None:
    found = [e for e in card["body"] if e.get("id") == ALT_QUESTIONS]
    return found[0] if found else None


def test_the_dialogs_offer_the_askers_wordings_as_a_valid_multi_select() -> None:
    view = group_view(
        "per diem Nairobi?", "per diem, Nairobi", *(f"wording {n}" for n in range(11))
    )
    for form in (answer_form(view), link_form(view), answer_form(view, errors={"x": "Fix."})):
        assert schema_errors(form) == []
        choice_set = _choice_set(form)
        assert choice_set is not None
        assert choice_set["isMultiSelect"] is True and choice_set["style"] == "expanded"
        assert "value" not in choice_set  # nothing selected
        assert len(choice_set["choices"]) == 10
        assert all(c["value"].isdecimal() for c in choice_set["choices"])
    assert schema_errors(group_card(view)) == []
    lonely = group_view("per diem Nairobi?")
    assert _choice_set(answer_form(lonely)) is None
    assert [c["value"] for c in _choice_set(link_form(lonely))["choices"]] == ["0"]  # type: ignore[index]


def test_the_schema_checks_refuse_what_the_schema_refuses() -> None:
    form = answer_form(group_view("per diem Nairobi?", "Nairobi DSA"))
    _choice_set(form)["style"] = "checkboxes"  # type: ignore[index]
    _choice_set(form)["choices"][0]["value"] = "1,2"  # type: ignore[index]
    _choice_set(form)["multiSelect"] = True  # type: ignore[index]
    errors = schema_errors(form)
    assert errors == [
        "$.body[2].style: 'checkboxes' is not valid under any of the given schemas",
        "$.body[2]: Additional properties are not allowed ('multiSelect' was unexpected)",
        "alt_questions: a choice's value must not contain a comma: '1,2'",
    ]


def test_a_card_is_checked_against_the_schema_of_the_version_it_declares() -> None:
    execute = {"type": "Action.Execute", "title": "Go", "verb": "go"}
    card = {"type": "AdaptiveCard", "version": "1.4", "body": [], "actions": [execute]}
    assert schema_errors(card) == []  # Action.Execute came with 1.4
    assert schema_errors(card | {"version": "1.2"}) == [
        "$.actions[0]: {'type': 'Action.Execute', 'title': 'Go', 'verb': 'go'} is not valid "
        "under any of the given schemas"
    ]
    assert schema_errors(card | {"version": "9.9"}) == [
        "card: no Adaptive Cards schema has version '9.9'"
    ]


NAIROBI = (
    QUESTION,
    "What is the per diem rate in Nairobi?",
    "nairobi per diem??",
    "What per diem rate applies for a mission to Nairobi?",
)


async def _asked_in_teams(both: Both) -> tuple[int, dict[str, Any]]:
    """The four Nairobi wordings asked in Teams; the group's id and its card's Answer data."""
    for text in NAIROBI:
        await both.teams.ask("personal_message", text)
    await both.deliver()
    [group] = await both.teams.services.moderation.groups()
    assert group.wordings == list(NAIROBI)
    [card] = [s for s in both.teams.fake.sent if s.conversation_id == TEAMS_MODS]
    return group.group.id, card.actions()[0]["data"]


async def _alt_titles(both: Both, reply_id: str) -> tuple[str, ...]:
    doc = await both.teams.services.knowledge.lookup(reply_id)
    assert doc is not None
    return doc.alt_titles


async def test_the_selected_wordings_and_only_those_are_kept_from_teams(
    tmp_path: Path, sample_batch: IngestBatch
) -> None:
    async with both_platforms(tmp_path, sample_batch) as both:
        group_id, answer = await _asked_in_teams(both)
        opened = await both.teams.post(
            _invoke(both, "task/fetch", user=TEAMS_MODERATOR, data=answer)
        )
        form = opened.json()["task"]["value"]["card"]["content"]
        assert schema_errors(form) == []
        choices = _choice_set(form)["choices"]  # type: ignore[index]
        assert [(c["value"], c["title"]) for c in choices] == [
            (str(n), text) for n, text in enumerate(NAIROBI) if n
        ]
        fields = {"answer": "The **ICSC** sets them.", ALT_QUESTIONS: "1,3"}
        done = await both.teams.post(
            _invoke(both, "task/submit", user=TEAMS_MODERATOR, data=answer | fields)
        )
        assert done.json()["task"]["type"] == "message"
        view = await both.teams.services.moderation.view(group_id, candidates=0)
        assert view.group.reply_id is not None
        assert await _alt_titles(both, view.group.reply_id) == (NAIROBI[1], NAIROBI[3])


async def test_linking_from_teams_adds_only_the_selected_wordings(
    tmp_path: Path, sample_batch: IngestBatch
) -> None:
    async with both_platforms(tmp_path, sample_batch) as both:
        before = await _alt_titles(both, "hrba-overview")
        group_id, answer = await _asked_in_teams(both)
        link = answer | {"huribot": "mod_link"}
        opened = await both.teams.post(_invoke(both, "task/fetch", user=TEAMS_MODERATOR, data=link))
        form = opened.json()["task"]["value"]["card"]["content"]
        assert schema_errors(form) == [] and _choice_set(form) is not None

        stale = link | {"reply_id": "hrba-overview", ALT_QUESTIONS: "0,7"}
        refused = await both.teams.post(
            _invoke(both, "task/submit", user=TEAMS_MODERATOR, data=stale)
        )
        assert "wordings changed" in str(refused.json()["task"]["value"]["card"])
        assert await _alt_titles(both, "hrba-overview") == before

        chosen = link | {"reply_id": "hrba-overview", ALT_QUESTIONS: "0,2"}
        done = await both.teams.post(
            _invoke(both, "task/submit", user=TEAMS_MODERATOR, data=chosen)
        )
        assert done.json()["task"]["type"] == "message"
        assert await _alt_titles(both, "hrba-overview") == (*before, NAIROBI[0], NAIROBI[2])
        view = await both.teams.services.moderation.view(group_id, candidates=0)
        assert view.group.reply_id == "hrba-overview"


async def test_a_dialog_for_a_group_that_no_longer_exists_says_so(
    tmp_path: Path, sample_batch: IngestBatch
) -> None:
    async with both_platforms(tmp_path, sample_batch) as both:
        for name in ("task/fetch", "task/submit"):
            data = {"huribot": "answer", "group_id": 424242, "answer": "x"}
            sent = await both.teams.post(_invoke(both, name, user=TEAMS_MODERATOR, data=data))
            assert sent.status == 200
            task = sent.json()["task"]
            assert task["type"] == "message" and "no longer exists" in task["value"]
