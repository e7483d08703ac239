"""Activities Teams would not send, but a client or a proxy might: refused or ignored with a
clear status, never a 500, and nothing half-stored."""

from __future__ import annotations

import pytest

from tests.adapters.teams.conftest import TeamsHarness

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest.mark.parametrize(
    "changes",
    [
        {"conversation": None},
        {"serviceUrl": None},
        {"from": None},
        {"text": None},
        {"conversation": {"id": None}},
    ],
    ids=["no conversation", "no service URL", "no sender", "no text", "null conversation id"],
)
async def test_an_activity_with_a_null_field_gets_no_500(
    teams: TeamsHarness, changes: dict[str, object]
) -> None:
    activity = teams.message("personal_message", "How does a UNCT contribute to the UPR?")
    activity.update(changes)
    sent = await teams.post(activity)
    await teams.bot.settle()
    assert sent.status in {200, 201, 202, 400}, sent
    if sent.status == 400:
        assert await teams.questions() == []
