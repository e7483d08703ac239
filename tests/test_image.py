"""The container image answers a member's question, through the whole of `huribot serve`: a
Teams activity posted to the image's `POST /api/messages`, the answer card posted back to the
activity's service URL, here the fake Bot Connector (which checks the card against Microsoft's
schema). deploy/ci/image-check.sh builds and starts the image and sets HURIBOT_IMAGE_URL; without
it the test is skipped."""

from __future__ import annotations

import os

import aiohttp
import pytest

from tests.adapters.common import load_recorded
from tests.fakes.teams_connector import FakeConnector

IMAGE_URL = os.environ.get("HURIBOT_IMAGE_URL", "")
ANSWER_SECONDS = 60
"""The first answer of a fresh process loads the embedding model; seconds, not a minute."""

pytestmark = pytest.mark.skipif(
    not IMAGE_URL, reason="HURIBOT_IMAGE_URL is not set: deploy/ci/image-check.sh sets it"
)


async def test_the_image_answers_a_teams_question_with_an_answer_card() -> None:
    async with FakeConnector() as fake, aiohttp.ClientSession() as http:
        activity = load_recorded("teams", "personal_message")
        activity["text"] = "What is the human rights-based approach?"
        activity["serviceUrl"] = fake.service_url
        async with http.post(f"{IMAGE_URL}/api/messages", json=activity) as response:
            body = await response.text()
            assert response.status in {200, 201, 202}, f"/api/messages: {response.status} {body}"
        [answer] = await fake.wait_for_count(1, timeout=ANSWER_SECONDS)
    assert answer.conversation_id == activity["conversation"]["id"]
    assert "rights-holders" in answer.card_text(), f"not the HRBA reply: {answer.card_text()}"
