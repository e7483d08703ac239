"""Each platform's sender handles every kind of outbox message the core queues."""

from __future__ import annotations

from typing import Any, cast

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.sender import SlackSender
from adapters.teams.sender import TeamsSender
from bot.payload_types import PAYLOAD_TYPES

UNUSED: Any = cast(Any, object())


@pytest.mark.parametrize(
    "sender",
    [
        SlackSender(client=AsyncWebClient(token="xoxb-unused"), moderation=UNUSED),
        TeamsSender(connector=UNUSED, moderation=UNUSED),
    ],
    ids=["slack", "teams"],
)
def test_a_sender_handles_every_payload_type(sender: SlackSender | TeamsSender) -> None:
    assert sender.handlers.types == frozenset(PAYLOAD_TYPES)
