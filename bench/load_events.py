"""What Slack and Teams send the bot under load, shaped as they send it, and where the reply to
each request shows up on the fakes.

Payloads start from the recorded ones in tests/fixtures/; each request gets its own event id,
trigger id or activity id and a timestamp of now. Members are drawn from a community of
`MEMBERS` per platform, so no one asks faster than the per-member limit at the rates tried.
A click rates an answer the bot actually gave, by the member who asked (only the asker may
rate); until an answer has arrived to click on, a question is sent in its place.
"""

from __future__ import annotations

import functools
import html
import itertools
import json
import time
from collections import deque
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from bench.evalset import load_questions
from bench.knowledge_base import sample_countries
from tests.adapters.common import load_recorded
from tests.fakes.slack_api import Call
from tests.fakes.slack_signing import FORM, JSON
from tests.fakes.teams_connector import Delivered

SLACK_PATH = "/slack/events"
TEAMS_PATH = "/api/messages"
KINDS = ("question", "click", "command", "teams")
DEFAULT_MIX = {"question": 60, "click": 15, "command": 10, "teams": 15}
MEMBERS = 5000
CHANNELS = 40
FIXTURE_ORIGIN = "http://127.0.0.1:0"
RATINGS = ("helpful", "helpful", "helpful", "not_helpful")
"""Most clicks say an answer helped; a not-helpful one also sends it to the moderators."""
FEEDBACK_PREFIX = "huribot_feedback_"
ANSWERS_KEPT = 1000
"""Members click recent answers: older ones not clicked yet are forgotten."""
COMMAND_WORDS = ("question", "question", "question", "calendar", "help")
"""`/huribot <question>` answered in a thread, `/huribot calendar KEN` and `/huribot help`
answered in the acknowledgement itself."""

ReplyKey = tuple[str, ...]
"""Where a reply lands (thread, ephemeral message, conversation): requests say where theirs
should, the fakes' recordings say where replies did."""


@dataclass(frozen=True, slots=True)
class Request:
    """One HTTP request to the bot, unsigned: the sender signs it when it goes."""

    kind: str
    path: str
    body: str
    content_type: str
    reply: ReplyKey | None
    """Where its reply should land; None when the acknowledgement itself carries it."""


@dataclass(frozen=True, slots=True)
class Answer:
    """An answer posted in a thread, with the rating buttons its asker may click."""

    question_id: str
    channel: str
    thread_ts: str
    message_ts: str
    asker: str


def interleave(weights: Mapping[str, int]) -> Iterator[str]:
    """The kinds in the proportions of `weights`, spread evenly (smooth weighted round robin:
    no randomness, every window of sum(weights) holds each kind its share)."""
    total = sum(weights.values())
    credit = dict.fromkeys(weights, 0)
    while True:
        for kind, weight in weights.items():
            credit[kind] += weight
        chosen = max(credit, key=lambda kind: credit[kind])
        credit[chosen] -= total
        yield chosen


@functools.cache
def _recorded_text(platform: str, name: str) -> str:
    return json.dumps(load_recorded(platform, name))


def recorded(platform: str, name: str) -> dict[str, Any]:
    """A fresh copy of a recorded payload (each file read once)."""
    payload: dict[str, Any] = json.loads(_recorded_text(platform, name))
    return payload


def slack_mention(n: int, text: str, *, user: str, channel: str, ts: str) -> dict[str, Any]:
    """An `app_mention` callback asking `text`, with event id and ts of its own."""
    body = recorded("slack", "app_mention")
    body["event"].pop("blocks", None)
    body["event"] |= {
        "text": f"<@UBOT> {text}",
        "ts": ts,
        "event_ts": ts,
        "user": user,
        "channel": channel,
        "client_msg_id": f"bench-{n}",
    }
    return body | {"event_id": f"Ev{n:010d}", "event_time": int(float(ts))}


def slack_ts(n: int) -> str:
    """A Slack message timestamp of now, distinct for every `n` below a million a second."""
    return f"{int(time.time())}.{n % 1_000_000:06d}"


class Traffic:
    """Makes the requests of each kind, numbered across the run."""

    def __init__(self, *, slack_origin: str, service_url: str) -> None:
        self._slack_origin = slack_origin
        self._service_url = service_url
        self._serial = itertools.count(1)
        self._questions = itertools.cycle([q.question for q in load_questions()])
        self._command_words = itertools.cycle(COMMAND_WORDS)
        self._countries = itertools.cycle(sample_countries())
        self._ratings = itertools.cycle(RATINGS)
        self._askers: dict[tuple[str, str], str] = {}
        self._answers: deque[Answer] = deque(maxlen=ANSWERS_KEPT)
        self._last_answer: Answer | None = None
        self._teams = itertools.cycle(["personal_message", "channel_mention"])

    def next(self, kind: str) -> Request:
        """The next request of `kind` (one of KINDS)."""
        n = next(self._serial)
        if kind == "click":
            answer = self._answer_to_click()
            if answer is not None:
                return self._click(n, answer)
            kind = "question"
        if kind == "command":
            return self._command(n)
        if kind == "teams":
            return self._teams_message(n)
        return self._question(n)

    def saw(self, call: Call) -> None:
        """Note an answer the bot posted in a question's thread: its buttons can be clicked."""
        if call.method != "chat.postMessage" or not call.answered_ok:
            return
        channel, thread = str(call.params.get("channel")), call.params.get("thread_ts")
        asker = self._askers.pop((channel, str(thread)), None)
        question_id = _feedback_value(call.params.get("blocks"))
        if asker is not None and question_id is not None and call.response is not None:
            ts = str(call.response["ts"])
            self._answers.append(Answer(question_id, channel, str(thread), ts, asker))

    def _answer_to_click(self) -> Answer | None:
        """The oldest answer not clicked yet, else (all clicked) the last one again."""
        if self._answers:
            self._last_answer = self._answers.popleft()
        return self._last_answer

    def _member(self, n: int) -> str:
        return f"U{n % MEMBERS:08d}"

    def _question(self, n: int) -> Request:
        user, channel, ts = self._member(n), f"C{n % CHANNELS:08d}", slack_ts(n)
        body = slack_mention(n, next(self._questions), user=user, channel=channel, ts=ts)
        self._askers[(channel, ts)] = user
        return Request("question", SLACK_PATH, json.dumps(body), JSON, ("thread", channel, ts))

    def _click(self, n: int, answer: Answer) -> Request:
        rating = next(self._ratings)
        payload = recorded("slack", f"block_actions_{rating}")
        payload["user"] |= {"id": answer.asker, "username": answer.asker, "name": answer.asker}
        payload["container"] |= {
            "channel_id": answer.channel,
            "thread_ts": answer.thread_ts,
            "message_ts": answer.message_ts,
        }
        payload["channel"]["id"] = answer.channel
        payload["message"] |= {"thread_ts": answer.thread_ts, "ts": answer.message_ts}
        payload["actions"][0] |= {
            "action_id": f"{FEEDBACK_PREFIX}{rating}",
            "block_id": f"feedback_{answer.question_id}",
            "value": answer.question_id,
            "action_ts": slack_ts(n),
        }
        payload["trigger_id"] = f"{n}.{payload['trigger_id']}"
        payload["response_url"] = self._at_fake(payload["response_url"])
        body = urlencode({"payload": json.dumps(payload)})
        where = ("ephemeral", answer.channel, answer.thread_ts, answer.asker)
        return Request("click", SLACK_PATH, body, FORM, where)

    def _command(self, n: int) -> Request:
        fields: dict[str, str] = recorded("slack", "slash_command")
        word = next(self._command_words)
        if word == "calendar":
            word = f"calendar {next(self._countries)}"
        channel = f"C{n % CHANNELS:08d}"
        fields |= {
            "text": next(self._questions) if word == "question" else word,
            "user_id": self._member(n),
            "channel_id": channel,
            "trigger_id": f"{n}.{fields['trigger_id']}",
            "response_url": self._at_fake(fields["response_url"]),
        }
        where = ("command", channel) if word == "question" else None
        return Request("command", SLACK_PATH, urlencode(fields), FORM, where)

    def _teams_message(self, n: int) -> Request:
        activity = recorded("teams", next(self._teams))
        question, member = next(self._questions), n % MEMBERS
        activity_id = f"{1_800_000_000_000 + n}"
        conversation = activity["conversation"]
        if conversation["conversationType"] == "personal":
            conversation["id"] = f"a:bench-member-{member}-personal"
            activity["text"] = question
        else:
            channel = conversation["id"].split(";messageid=")[0]
            conversation["id"] = f"{channel};messageid={activity_id}"
            activity["text"] = f"<at>HuriBot</at> {question}"
            activity["attachments"][0]["content"] = (
                f"<div><span>HuriBot</span> {html.escape(question)}</div>"
            )
        activity["from"] |= {
            "id": f"29:bench-member-{member}",
            "aadObjectId": f"00000000-0000-4000-8000-{member:012d}",
        }
        activity |= {
            "id": activity_id,
            "serviceUrl": self._service_url,
            "timestamp": datetime.now(UTC).isoformat(),
        }
        where = ("teams", conversation["id"])
        return Request("teams", TEAMS_PATH, json.dumps(activity), JSON, where)

    def _at_fake(self, url: str) -> str:
        return url.replace(FIXTURE_ORIGIN, self._slack_origin)


class SlackReplies:
    """Where each call the bot made to the fake Slack API put a reply, if anywhere."""

    def __init__(self) -> None:
        self._echoes: set[str] = set()

    def where(self, call: Call) -> ReplyKey | None:
        """A thread answer, a slash command's answer (in its echo's thread), or a private
        acknowledgement of a click; None for anything else."""
        params = call.params
        channel = str(params.get("channel"))
        if not call.answered_ok:
            return None
        if call.method == "chat.postEphemeral":
            return ("ephemeral", channel, str(params.get("thread_ts")), str(params.get("user")))
        if call.method != "chat.postMessage":
            return None
        thread = params.get("thread_ts")
        if not thread:
            if " asked: " in str(params.get("text")) and call.response is not None:
                self._echoes.add(str(call.response["ts"]))
            return None
        if thread in self._echoes:
            self._echoes.discard(thread)
            return ("command", channel)
        return ("thread", channel, str(thread))


def teams_reply(delivered: Delivered) -> ReplyKey:
    """The conversation a message the bot sent through the Bot Connector went to."""
    return ("teams", delivered.conversation_id)


def _feedback_value(blocks: object) -> str | None:
    """The question id the rating buttons of an answer's blocks carry."""
    parsed = json.loads(blocks) if isinstance(blocks, str) else blocks or []
    for block in parsed:
        for element in block.get("elements", ()) if block.get("type") == "actions" else ():
            if str(element.get("action_id", "")).startswith(FEEDBACK_PREFIX):
                return str(element["value"])
    return None
