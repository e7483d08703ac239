"""The fake connector refuses what Teams refuses, so that tests cannot pass on what would fail."""

from __future__ import annotations

import aiohttp

from tests.fakes.teams_connector import ADAPTIVE_CARD, MESSAGE_BYTES, FakeConnector


def message(card: dict[str, object], text: str = "") -> dict[str, object]:
    return {
        "type": "message",
        "text": text,
        "attachments": [{"contentType": ADAPTIVE_CARD, "content": card}],
    }


async def test_oversized_messages_are_refused_and_bad_cards_remembered() -> None:
    card = {"type": "AdaptiveCard", "version": "1.4", "body": [{"type": "TextBlock"}]}
    async with FakeConnector() as fake, aiohttp.ClientSession() as http:
        url = f"{fake.service_url}v3/conversations/a:1/activities"
        too_big = await http.post(url, json=message({}, text="x" * MESSAGE_BYTES))
        assert too_big.status == 413
        assert (await too_big.json())["error"]["code"] == "MessageSizeTooBig"
        accepted = await http.post(url, json=message(card))
        assert accepted.status == 200  # Teams shows what it can; the test is what fails
        assert fake.card_errors == [
            "/v3/conversations/a:1/activities: $.body[0]: 'text' is a required property"
        ]
        fake.card_errors.clear()  # or leaving the fake would fail this test
    assert len(fake.sent) == 1
