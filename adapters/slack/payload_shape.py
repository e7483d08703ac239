"""What a Slack payload must look like before bolt and HuriBot's listeners read it.

Bolt's request parsing and our listeners index into the payload (`body["user"]["id"]`,
`body["actions"][0]`, `event.get(...)`); a signed body whose fields are of other types than
Slack documents would crash them. Only the fields they read are checked, each against the
types Slack sends (null where Slack sends null); anything else in a payload is left alone.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeAlias

import structlog
from slack_bolt.context.ack.async_ack import AsyncAck

from bot.db.types import row_id

logger = structlog.get_logger(__name__)


class MalformedPayloadError(ValueError):
    """A signed request whose body is not one of Slack's payloads (answered 400 before
    dispatch, or logged as a warning when a listener finds a value it never sent)."""


@dataclass(frozen=True, slots=True)
class Obj:
    """A JSON object: the listed fields, when present, of their shape; `required` present."""

    fields: Mapping[str, Shape] = field(default_factory=dict)
    required: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ListOf:
    """A JSON array of items of one shape, with at least `min_items`."""

    item: Shape
    min_items: int = 0


@dataclass(frozen=True, slots=True)
class MapOf:
    """A JSON object whose keys are free and whose values share one shape."""

    value: Shape


@dataclass(frozen=True, slots=True)
class Id:
    """Text no longer than Slack's ids run (theirs are a few dozen characters at most; the
    question log keeps a member's id in 128)."""

    max_chars: int = 120


Shape: TypeAlias = type | tuple["Shape", ...] | Obj | ListOf | MapOf | Id
"""A Python type, alternatives (a tuple), or one of the structures above."""

NULL = type(None)
TEXT = (str, NULL)
ID = Id()
OPTIONAL_ID = (ID, NULL)
_ID = Obj({"id": ID, "team_id": OPTIONAL_ID, "enterprise_id": OPTIONAL_ID})
_USER = Obj({"id": ID, "team_id": OPTIONAL_ID, "name": TEXT, "username": TEXT}, required=("id",))
_CHANNEL = (ID, NULL, Obj({"id": ID}))
EVENT = Obj(
    {
        "type": str,
        "user": (ID, NULL, _ID),
        "channel": _CHANNEL,
        "item": Obj({"channel": _CHANNEL}),
        "text": TEXT,
        "ts": OPTIONAL_ID,
        "thread_ts": OPTIONAL_ID,
        "event_ts": OPTIONAL_ID,
        "subtype": TEXT,
        "channel_type": TEXT,
        "team": OPTIONAL_ID,
        "user_team": OPTIONAL_ID,
        "tab": TEXT,
        "bot_id": TEXT,
        "message": Obj({"user": OPTIONAL_ID, "thread_ts": OPTIONAL_ID}),
        "previous_message": Obj({"user": OPTIONAL_ID, "thread_ts": OPTIONAL_ID}),
    },
    required=("type",),
)
_ACTION = Obj({"action_id": str, "value": str, "block_id": TEXT}, required=("action_id",))
_STATE = Obj({"values": MapOf(MapOf(Obj({"value": TEXT})))}, required=("values",))
_VIEW = Obj(
    {
        "callback_id": str,
        "private_metadata": str,
        "team_id": OPTIONAL_ID,
        "app_installed_team_id": OPTIONAL_ID,
        "state": _STATE,
    },
    required=("callback_id", "private_metadata", "state"),
)
_AUTHORIZATION = Obj({"team_id": OPTIONAL_ID, "enterprise_id": OPTIONAL_ID, "user_id": OPTIONAL_ID})
_COMMON: dict[str, Shape] = {
    "type": str,
    "token": str,
    "team_id": OPTIONAL_ID,
    "enterprise_id": OPTIONAL_ID,
    "api_app_id": OPTIONAL_ID,
    "event_id": ID,
    "trigger_id": ID,
    "response_url": str,
    "user_id": ID,
    "channel_id": ID,
    "thread_ts": ID,
    "team": (ID, NULL, _ID),
    "enterprise": (ID, NULL, _ID),
    "authorizations": ListOf(_AUTHORIZATION),
    "user": (ID, _ID),
    "channel": _CHANNEL,
    "container": Obj(
        {
            "channel_id": OPTIONAL_ID,
            "message_ts": OPTIONAL_ID,
            "thread_ts": OPTIONAL_ID,
            "is_ephemeral": bool,
        }
    ),
    "message": Obj({"user": OPTIONAL_ID, "ts": OPTIONAL_ID, "thread_ts": OPTIONAL_ID}),
    "event": EVENT,
    "actions": ListOf(_ACTION, min_items=1),
    "view": _VIEW,
}
PAYLOADS = {
    "event_callback": Obj(_COMMON, required=("event",)),
    "block_actions": Obj(_COMMON | {"user": _USER}, required=("user", "actions", "trigger_id")),
    "view_submission": Obj(_COMMON | {"user": _USER}, required=("user", "view")),
}
"""By payload `type`; every other payload (slash commands, url_verification) is checked
against the fields all payloads share."""


def payload_problem(payload: Mapping[str, Any]) -> str | None:
    """Why `payload` is not a payload Slack sends (e.g. "event.type is not text"), or None."""
    kind = payload.get("type")
    shape = PAYLOADS.get(kind, Obj(_COMMON)) if isinstance(kind, str) else Obj(_COMMON)
    return _problem(payload, shape, "payload")


def _problem(value: Any, shape: Shape, path: str) -> str | None:
    if isinstance(shape, tuple):
        return _alternatives_problem(value, shape, path)
    if isinstance(shape, type):
        return None if isinstance(value, shape) else f"{path} is not {_NAMES[shape]}"
    if isinstance(shape, Id):
        return _id_problem(value, shape, path)
    if isinstance(shape, ListOf):
        return _list_problem(value, shape, path)
    return _mapping_problem(value, shape, path)


def _mapping_problem(value: Any, shape: MapOf | Obj, path: str) -> str | None:
    if not isinstance(value, dict):
        return f"{path} is not an object"
    if isinstance(shape, MapOf):
        return _first(_problem(item, shape.value, f"{path}.<key>") for item in value.values())
    return _object_problem(value, shape, path)


def _object_problem(value: dict[str, Any], shape: Obj, path: str) -> str | None:
    missing = next((name for name in shape.required if name not in value), None)
    if missing is not None:
        return f"{path}.{missing} is missing"
    return _first(
        _problem(value[name], inner, f"{path}.{name}")
        for name, inner in shape.fields.items()
        if name in value
    )


def _id_problem(value: Any, shape: Id, path: str) -> str | None:
    if not isinstance(value, str):
        return f"{path} is not text"
    return None if len(value) <= shape.max_chars else f"{path} is longer than any id"


def _alternatives_problem(value: Any, shapes: tuple[Shape, ...], path: str) -> str | None:
    """None when one shape fits; else what is wrong inside the value, when its type fitted
    one of them, or that its type fits none."""
    problems = [_problem(value, option, path) for option in shapes]
    if None in problems:
        return None
    inside = (p for p in problems if p is not None and not p.startswith(f"{path} is "))
    return next(inside, f"{path} is of a type Slack never sends there")


def _list_problem(value: Any, shape: ListOf, path: str) -> str | None:
    if not isinstance(value, list):
        return f"{path} is not an array"
    if len(value) < shape.min_items:
        return f"{path} is empty"
    return _first(_problem(item, shape.item, f"{path}[{i}]") for i, item in enumerate(value))


def _first(problems: Iterable[str | None]) -> str | None:
    return next((problem for problem in problems if problem is not None), None)


_NAMES = {str: "text", bool: "true or false", NULL: "null"}


def button_value(action: Mapping[str, Any]) -> str:
    """The value of a pressed button (every button of the bot carries one)."""
    value = action.get("value")
    if not isinstance(value, str):
        raise MalformedPayloadError(f"the button {action.get('action_id')} carries no value")
    return value


def button_id(action: Mapping[str, Any]) -> int:
    """The row id a pressed button carries (a question's, a group's)."""
    return form_id(button_value(action), f"the button {action.get('action_id')}")


def form_id(text: str, what: str) -> int:
    """The row id `text` holds, or MalformedPayloadError naming `what` carried it."""
    found = row_id(text)
    if found is None:
        raise MalformedPayloadError(f"{what} carries no id: {text[:40]!r}")
    return found


def channel_of(body: Mapping[str, Any]) -> str:
    """The channel a button was pressed in (the container's, else the payload's)."""
    container = body.get("container") or {}
    channel = body.get("channel")
    found = container.get("channel_id") or (
        channel.get("id") if isinstance(channel, dict) else channel
    )
    if not found:
        raise MalformedPayloadError("the payload names no channel")
    return str(found)


Listener = Callable[..., Awaitable[None]]


def tolerant(listener: Listener) -> Listener:
    """`listener`, stopping with a warning (acknowledged) at a value none of the bot's
    messages carries: bolt would log an error and, as it loses the acknowledgement of a
    listener that failed after acknowledging, answer Slack 404 three seconds later."""

    @functools.wraps(listener)
    async def run(**kwargs: Any) -> None:
        try:
            await listener(**kwargs)
        except MalformedPayloadError as exc:
            logger.warning("slack.malformed_payload", problem=str(exc))
            ack: AsyncAck = kwargs["ack"]
            if ack.response is None:
                await ack()

    return run
