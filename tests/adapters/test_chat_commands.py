"""The chat commands as every platform runs them, wired by the composition root."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from adapters.wiring.services import open_services
from bot.chat.commands import MAX_LISTED, CommandContext
from bot.messages import ConversationRef, IncomingMessage
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


@pytest.mark.parametrize("number", ["#2147483648", "#99999999999999999999", "#-1", "#x"])
async def test_a_number_no_subscription_can_have_is_refused_in_words(
    database_url: str, number: str
) -> None:
    """Found by fuzzing: an id past the id column made PostgreSQL refuse the lookup
    (DataError) and SQLite overflow, where a member should read a correction."""
    settings = load_settings(
        {"HURIBOT_DATABASE_URL": database_url, "HURIBOT_MODERATORS": "slack:UMOD"}
    )
    async with open_services(settings, load_index=False) as services:
        ref = ConversationRef(platform="slack", conversation_id="C1")
        moderator = CommandContext(actor=Actor("slack", "UMOD"), ref=ref)
        answer = await services.commands.run(f"unsubscribe {number}", context=moderator)
    assert answer == f"'{number}' is not a subscription number, e.g. #12."


async def test_text_with_nul_characters_is_stored_alike_on_both_databases(
    database_url: str,
) -> None:
    """Found by fuzzing: PostgreSQL refuses NUL in text (DataError) where SQLite keeps it; a
    conversation id or a member's words with one now work the same on both."""
    settings = load_settings({"HURIBOT_DATABASE_URL": database_url})
    async with open_services(settings, load_index=False) as services:
        ref = ConversationRef(platform="slack", conversation_id="C\x001")
        context = CommandContext(actor=Actor("slack", "U\x001"), ref=ref)
        subscribed = await services.commands.run("subscribe KEN", context=context)
        listed = await services.commands.run("subscriptions", context=context)
    assert subscribed is not None and subscribed.startswith("Subscribed. #1: Kenya")
    assert listed is not None and listed.startswith("#1: Kenya")


async def test_a_nul_inside_a_stored_conversation_reference_is_dropped(database_url: str) -> None:
    """Found by a longer fuzz run on PostgreSQL: a NUL in a JSON column (the conversation a
    question came from) was written as `\\u0000`, which PostgreSQL refuses."""
    settings = load_settings({"HURIBOT_DATABASE_URL": database_url})
    async with open_services(settings, load_index=False) as services:
        ref = ConversationRef(platform="slack", conversation_id="C\x001")
        message = IncomingMessage(ref=ref, user_id="U1", text="UPR?", received_at=datetime.now(UTC))
        received = await services.intake.receive(message, event_key="slack:nul")
        assert received is not None
        recent = await services.intake.questions.recent_questions(
            received.question_id, since=message.received_at - timedelta(minutes=1)
        )
    assert (recent.by_asker, recent.in_conversation) == (1, 1)
