"""The chat commands as every platform runs them, wired by the composition root."""

from __future__ import annotations

from pathlib import Path

from adapters.wiring.services import open_services
from bot.chat.commands import MAX_LISTED, CommandContext
from bot.messages import ConversationRef
from bot.moderation.directory import Actor
from bot.settings import load_settings


async def test_a_long_list_of_subscriptions_is_cut_for_chat(tmp_path: Path) -> None:
    settings = load_settings(
        {
            "HURIBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'commands.db'}",
            "HURIBOT_MODERATORS": "slack:UMOD",
            "HURIBOT_DEFAULT_TIMEZONE": "Africa/Nairobi",
        }
    )
    async with open_services(settings, load_index=False) as services:
        for number in range(MAX_LISTED + 2):
            ref = ConversationRef(platform="slack", conversation_id=f"C{number:03d}")
            context = CommandContext(actor=Actor("slack", "U1"), ref=ref)
            answer = await services.commands.run("subscribe KEN", context=context)
            assert answer is not None and "Africa/Nairobi" in answer
        moderator = CommandContext(actor=Actor("slack", "UMOD"), ref=ref)
        listed = await services.commands.run("subscriptions all", context=moderator)
    assert listed is not None
    lines = listed.splitlines()
    assert len(lines) == MAX_LISTED + 1
    assert lines[0].startswith("• slack C000: #1: Kenya;")
    assert lines[-1] == "… and 2 more: `huribot subscription list`."
