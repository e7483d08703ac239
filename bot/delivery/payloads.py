"""What an outbox message carries: one frozen type per kind, one way to store and read it.

Each kind of delivery (a reply in a thread, a group's card, a digest...) is a frozen dataclass
with a `kind` tag and its own `to_dict`/`from_dict`. The outbox stores `{"kind": ..., **fields}`;
a `PayloadCodec` built from the list of all kinds reads a stored row back into its type, and a
`Handlers` table lets each platform's sender say what it does with each type, so no sender
reads a kind string or walks an if-chain, and a kind a sender forgot is caught by a test.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol, Self, TypeVar

from bot.messages import ConversationRef, Reply, reply_from_dict, reply_to_dict


class Payload(Protocol):
    """One kind of outbox message."""

    kind: ClassVar[str]
    """The tag stored with the message; never renamed, since queued rows carry it."""

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready fields (without the kind)."""

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        """The payload stored by `to_dict`."""


class UnknownPayloadError(ValueError):
    """A stored message of a kind this process does not know (e.g. written by a newer one)."""


def stored(payload: Payload) -> dict[str, Any]:
    """The form the outbox keeps in its JSON column."""
    return {"kind": payload.kind, **payload.to_dict()}


class PayloadCodec:
    """Reads stored messages back into their types; built once from every kind there is."""

    def __init__(self, types: Iterable[type[Payload]]) -> None:
        self._types: dict[str, type[Payload]] = {}
        for payload_type in types:
            if payload_type.kind in self._types:
                raise ValueError(f"two payload types share the kind {payload_type.kind!r}")
            self._types[payload_type.kind] = payload_type

    @property
    def types(self) -> tuple[type[Payload], ...]:
        """Every kind this codec reads."""
        return tuple(self._types.values())

    def load(self, data: Mapping[str, Any]) -> Payload:
        """The payload a stored row holds; raises UnknownPayloadError for a foreign kind."""
        kind = str(data.get("kind", ""))
        payload_type = self._types.get(kind)
        if payload_type is None:
            raise UnknownPayloadError(f"unknown outbox payload kind {kind!r}")
        return payload_type.from_dict(data)


P = TypeVar("P", bound=Payload)
Handler = Callable[[ConversationRef, Any], Awaitable[None]]


class Handlers:
    """A sender's table of what to do with each payload type (typed where each is added)."""

    def __init__(self) -> None:
        self._handlers: dict[type[Payload], Handler] = {}

    def add(
        self, payload_type: type[P], handler: Callable[[ConversationRef, P], Awaitable[None]]
    ) -> Self:
        """Handle `payload_type` with `handler`; returns the table, so additions chain."""
        self._handlers[payload_type] = handler
        return self

    @property
    def types(self) -> frozenset[type[Payload]]:
        """The payload types this table handles."""
        return frozenset(self._handlers)

    async def send(self, ref: ConversationRef, payload: Payload) -> None:
        """Hand the payload to its handler; raises for a type the table lacks."""
        handler = self._handlers.get(type(payload))
        if handler is None:
            raise UnknownPayloadError(f"no handler for {type(payload).__name__} payloads")
        await handler(ref, payload)


@dataclass(frozen=True, slots=True)
class ReplyPayload:
    """A reply posted later in a conversation: an answer to an asker, a notice to moderators."""

    kind: ClassVar[str] = "reply"
    reply: Reply

    def to_dict(self) -> dict[str, Any]:
        """The reply's fields."""
        return {"reply": reply_to_dict(self.reply)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        """The delivery stored by `to_dict`."""
        return cls(reply=reply_from_dict(data["reply"]))
