"""The real Slack app on loopback: our aiohttp server, bolt, services on a SQLite file with the
shipped sample knowledge base, and a fake Slack Web API recording what the bot sends.

Requests are signed and shaped exactly as Slack sends them (JSON events, form-encoded slash
commands, `payload=` interactivity); payloads come from tests/fixtures/slack/.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import itertools
import json
import shutil
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
import pytest_asyncio
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from adapters.server import build_web_app
from adapters.slack.app import SlackBot, SlackConfig
from adapters.wiring.platforms import open_platforms
from adapters.wiring.services import Services, open_services
from bot.clock import Clock, system_clock
from bot.db.models import Question
from bot.delivery.dispatcher import Dispatcher
from bot.payload_types import payload_codec
from bot.questions.status import QuestionStatus
from bot.settings import load_settings
from tests.adapters.common import Sent, forget_questions, load_recorded, stored_questions
from tests.fakes.slack_api import Call, FakeSlackAPI
from tests.fakes.slack_signing import FORM, JSON, signed_headers

SECRET = "test-secret"
FIXTURE_ORIGIN = "http://127.0.0.1:0"
_SERIAL = itertools.count(1)
"""Event ids and timestamps unique across every harness of the session (like Slack's)."""
"""Origin of the `response_url`s in the fixtures, replaced by the fake API's own."""


def load_payload(name: str) -> dict[str, Any]:
    """A recorded payload from tests/fixtures/slack/ (a fresh copy each time)."""
    return load_recorded("slack", name)


def modal_submission(
    view: dict[str, Any], *, user: str, values: dict[str, str], ticked: tuple[str, ...] = ()
) -> dict[str, Any]:
    """A view_submission of `view` by `user`, with text typed in its inputs and, in its
    checkboxes, the options of the `ticked` values (Slack sends the whole option back)."""
    state: dict[str, Any] = {
        key: {"value": {"type": "plain_text_input", "value": text}} for key, text in values.items()
    }
    options = {}
    for block in view["blocks"]:
        element = block.get("element", {})
        if element.get("type") == "checkboxes":
            selected = [o for o in element["options"] if o["value"] in ticked]
            options |= {o["value"]: o for o in selected}
            state[block["block_id"]] = {
                element["action_id"]: {"type": "checkboxes", "selected_options": selected}
            }
    assert set(ticked) <= set(options), f"the modal has no checkbox for some of {ticked}"
    return {
        "type": "view_submission",
        "team": {"id": "T1"},
        "user": {"id": user, "team_id": "T1"},
        "api_app_id": "A1",
        "trigger_id": "9.9.9",
        "view": {**view, "id": "V1", "state": {"values": state}},
    }


def card_action(card: Call, action_id: str, *, user: str) -> dict[str, Any]:
    """A block_actions payload: `user` pressing the button `action_id` on the card the bot
    posted with `card` (its chat.postMessage)."""
    channel, ts = str(card.params["channel"]), str((card.response or {}).get("ts"))
    return {
        "type": "block_actions",
        "team": {"id": "T1"},
        "user": {"id": user, "team_id": "T1"},
        "api_app_id": "A1",
        "trigger_id": f"{user}.trigger",
        "container": {"type": "message", "channel_id": channel, "message_ts": ts},
        "channel": {"id": channel},
        "message": {"ts": ts, "text": "card"},
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


def _button_value(call: Call, action_id: str) -> str:
    for block in SlackHarness.blocks(call):
        for element in block.get("elements", []):
            if element.get("action_id") == action_id:
                return str(element["value"])
    raise AssertionError(f"no {action_id} button in {call.params}")


class AckWatch:
    """Test-side aiohttp middleware: the moment our handler has produced the HTTP response
    (Slack's ack), before any background listener can run, it reads the question log
    synchronously from the SQLite file. This proves 'stored before the ack' without races."""

    def __init__(self, database: Path) -> None:
        self._database = database
        self.enabled = False
        self.seen: list[list[str]] = []

    @web.middleware
    async def middleware(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        response = await handler(request)
        if self.enabled and request.path == "/slack/events":
            uri = f"file:{self._database}?mode=ro"
            with contextlib.closing(sqlite3.connect(uri, uri=True)) as connection:
                rows = connection.execute("SELECT event_key FROM question ORDER BY id").fetchall()
            self.seen.append([str(key) for (key,) in rows])
        return response

    @contextlib.contextmanager
    def watching(self) -> Iterator[list[list[str]]]:
        """Record, for each response sent meanwhile, the event keys stored at that instant."""
        self.enabled, self.seen = True, []
        try:
            yield self.seen
        finally:
            self.enabled = False


class SlackHarness:
    """Sends Slack requests to the running app; reads what reached the fake API and the DB."""

    def __init__(
        self,
        *,
        http: TestClient[web.Request, web.Application],
        fake: FakeSlackAPI,
        services: Services,
        ack_watch: AckWatch | None = None,
    ) -> None:
        self.http = http
        self.fake = fake
        self.services = services
        self.ack_watch = ack_watch
        self.secret = SECRET
        self._serial = _SERIAL

    # ------------------------------------------------------------------ payloads
    @staticmethod
    def payload(name: str) -> dict[str, Any]:
        """A recorded payload as it is, from tests/fixtures/slack/."""
        return load_payload(name)

    def event(self, name: str, **changes: Any) -> dict[str, Any]:
        """A recorded event callback with a fresh event_id and the event fields changed."""
        body = load_payload(name)
        n = next(self._serial)
        body["event_id"] = f"Ev{n:04d}{body['event_id'][6:]}"
        body["event"].update(changes)
        return body

    def mention(self, text: str, **changes: Any) -> dict[str, Any]:
        """An app_mention of the bot in a channel, with its own event id and ts."""
        n = next(self._serial)
        ts = f"{1700001000 + n}.000200"
        body = self.event("app_mention", text=f"<@UBOT> {text}", ts=ts, event_ts=ts)
        body["event"].pop("blocks", None)
        body["event"].update(changes)
        return body

    def command(self, text: str, **changes: str) -> dict[str, str]:
        """Slash command form fields; `response_url` points at the fake API."""
        fields: dict[str, str] = load_payload("slash_command")
        n = next(self._serial)
        fields["trigger_id"] = f"{n}.{fields['trigger_id']}"
        fields["response_url"] = self._at_fake(fields["response_url"])
        fields["text"] = text
        fields.update(changes)
        return fields

    def action(self, name: str, *, value: str, thread_ts: str, message_ts: str) -> dict[str, Any]:
        """A block_actions payload for a button under the message `message_ts`."""
        payload = load_payload(f"block_actions_{name}")
        payload["actions"][0]["value"] = value
        payload["container"] |= {"thread_ts": thread_ts, "message_ts": message_ts}
        payload["message"] |= {"thread_ts": thread_ts, "ts": message_ts}
        payload["response_url"] = self._at_fake(payload["response_url"])
        return payload

    def _at_fake(self, url: str) -> str:
        return url.replace(FIXTURE_ORIGIN, self.fake.origin)

    # ------------------------------------------------------------------ requests
    async def post(
        self,
        body: str,
        *,
        content_type: str = JSON,
        sign: bool = True,
        secret: str = SECRET,
        timestamp: int | None = None,
        headers: dict[str, str] | None = None,
    ) -> Sent:
        """POST a raw body to /slack/events, signed as Slack signs it unless `sign` is False."""
        sent_headers = (
            signed_headers(body, secret, timestamp=timestamp, content_type=content_type)
            if sign
            else {"Content-Type": content_type}
        )
        sent_headers |= headers or {}
        response = await self.http.post("/slack/events", data=body, headers=sent_headers)
        text = await response.text()
        return Sent(status=response.status, text=text)

    async def send_event(self, body: dict[str, Any], *, retry_num: int | None = None) -> Sent:
        """POST an event callback as JSON (with Slack's retry headers when `retry_num`)."""
        headers = {}
        if retry_num is not None:
            headers = {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"}
        return await self.post(json.dumps(body), headers=headers)

    async def send_command(self, fields: dict[str, str]) -> Sent:
        """POST a slash command as a form body."""
        return await self.post(urlencode(fields), content_type=FORM)

    async def send_action(self, payload: dict[str, Any]) -> Sent:
        """POST an interaction as Slack does: a form with one `payload` field of JSON."""
        return await self.post(urlencode({"payload": json.dumps(payload)}), content_type=FORM)

    # ------------------------------------------------------------------ outcomes
    @staticmethod
    def blocks(call: Call) -> list[dict[str, Any]]:
        """The Block Kit blocks a call sent (a JSON string or a list)."""
        blocks = call.params.get("blocks", [])
        return list(json.loads(blocks) if isinstance(blocks, str) else copy.deepcopy(blocks))

    def posts(self) -> list[Call]:
        """chat.postMessage calls that went through."""
        return [call for call in self.fake.calls_to("chat.postMessage") if call.answered_ok]

    async def reply_in_thread(self, channel: str, thread_ts: str, timeout: float = 5.0) -> Call:
        """Wait for the bot's post in that thread (or that channel, with no thread)."""

        def in_thread(call: Call) -> bool:
            return (
                call.method == "chat.postMessage"
                and call.params.get("channel") == channel
                and call.params.get("thread_ts") == thread_ts
            )

        await self.fake.wait_until(
            lambda calls: any(in_thread(c) for c in calls),
            timeout=timeout,
            expected=f"a chat.postMessage in {channel} thread {thread_ts}",
        )
        return next(c for c in self.fake.calls if in_thread(c))

    async def ask(self, text: str, **changes: Any) -> tuple[dict[str, Any], Call]:
        """Mention the bot with a question and wait for its answer in the thread."""
        body = self.mention(text, **changes)
        sent = await self.send_event(body)
        assert sent.status == 200, sent
        event = body["event"]
        answer = await self.reply_in_thread(event["channel"], event["ts"])
        await self.settle()
        return body, answer

    async def questions(self) -> list[Question]:
        """Every stored question, oldest first."""
        return await stored_questions(self.services.database)

    async def answered_questions(self, timeout: float = 10.0) -> list[Question]:
        """Every stored question once none is still being answered: the bot records the
        outcome after the answer is posted, so a test that saw the post waits for it."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        in_flight = {QuestionStatus.RECEIVED, QuestionStatus.ANSWERING}
        while True:
            questions = await self.questions()
            if all(q.status not in in_flight for q in questions) or loop.time() > deadline:
                return questions
            await asyncio.sleep(0.02)

    async def reset(self) -> None:
        """Forget the questions and the calls of earlier tests."""
        await forget_questions(self.services.database)
        self.fake.reset()

    async def settle(self) -> None:
        """Let the listeners bolt runs after acknowledging finish (before closing the DB)."""
        current = asyncio.current_task()
        pending = [t for t in asyncio.all_tasks() if t is not current and not t.done()]
        pending = [t for t in pending if "run_ack_function" in repr(t.get_coro())]
        if pending:
            await asyncio.wait(pending, timeout=5)


def slack_bot(
    services: Services, fake: FakeSlackAPI, *, signing_secret: str | None = SECRET
) -> SlackBot:
    """The Slack bot on `services`, calling the fake Web API (no moderation, answers inline)."""
    config = SlackConfig(bot_token="xoxb-test", signing_secret=signing_secret, api_url=fake.url)
    return SlackBot(
        config=config,
        intake=services.intake,
        answerer=services.answerer,
        commands=services.commands,
    )


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def slack_app(
    tmp_path_factory: pytest.TempPathFactory, sample_database: Path
) -> AsyncIterator[SlackHarness]:
    """HuriBot's web server with the Slack app, served on loopback, and the fake Web API;
    built once per test module (building the services takes a few tenths of a second)."""
    database = tmp_path_factory.mktemp("slack") / "huribot.db"
    shutil.copyfile(sample_database, database)
    settings = load_settings({"HURIBOT_DATABASE_URL": f"sqlite:///{database}"})
    async with FakeSlackAPI() as fake, open_services(settings) as services:
        bot = slack_bot(services, fake)
        web_app = build_web_app(slack=bot.route())
        watch = AckWatch(database)
        web_app.middlewares.append(watch.middleware)
        async with TestClient(TestServer(web_app, host="127.0.0.1")) as http:
            yield SlackHarness(http=http, fake=fake, services=services, ack_watch=watch)
        await bot.aclose()


@pytest_asyncio.fixture(loop_scope="module")
async def slack(slack_app: SlackHarness) -> AsyncIterator[SlackHarness]:
    """The module's app with an empty question log and a fake API that has seen nothing."""
    await slack_app.reset()
    yield slack_app
    await slack_app.settle()


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
async def running_bot(
    url: str, fake: FakeSlackAPI, *, clock: Clock = system_clock
) -> AsyncIterator[Running]:
    """A bot process wired exactly as `huribot serve` wires it (its outbox on `clock`)."""
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
    async with open_platforms(settings) as platforms:
        services, parts = platforms.services, platforms.slack
        assert parts is not None
        bot, sender = parts
        async with TestClient(
            TestServer(build_web_app(slack=bot.route()), host="127.0.0.1")
        ) as http:
            harness = SlackHarness(http=http, fake=fake, services=services)
            dispatcher = Dispatcher(
                codec=payload_codec(), database=services.database, senders=[sender], clock=clock
            )
            yield Running(harness, dispatcher)
            await harness.settle()


@pytest.fixture
def database_url(knowledge_url: str) -> str:  # the sample knowledge base, on SQLite and PostgreSQL
    return knowledge_url
