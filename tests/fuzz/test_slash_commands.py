"""Chat commands (what follows `/huribot` in Slack, or is typed to the bot in Teams) with any
arguments: countries real and not, dates that do not exist, options of every kind, ids past
any column, from moderators and members, on SQLite and PostgreSQL.

Each command answers with a line to show (a result or a correction), and anything that is
not a command is left to the answering pipeline; nothing raises.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from hypothesis import given
from hypothesis import strategies as st

from adapters.cli.calendar import sample_calendar_text
from adapters.wiring.services import Services, open_services
from bot.calendar.rows import parse_calendar_csv
from bot.calendar.store import store_calendar
from bot.chat.commands import CommandContext
from bot.chat.router import is_command
from bot.messages import ConversationRef
from bot.moderation.directory import Actor
from bot.settings import load_settings
from tests.fuzz.tally import counted
from tests.fuzz.text import hostile_text, long_text

pytestmark = pytest.mark.asyncio(loop_scope="module")

MODERATOR = "UMOD"
WORDS = ["calendar", "subscribe", "unsubscribe", "subscriptions", "stats", "help", "SUBSCRIBE"]
countries = st.sampled_from(
    ["KEN", "ken", "Kenya", "FRA", "Côte d'Ivoire", "KE", "XKX", "ZZZ", "Korea", "Congo"]
)
dates = st.dates().map(str) | st.sampled_from(
    ["2025-02-30", "2025-13-01", "0000-01-01", "9999-12-31", "as of 2025-03-01", "au 2025-03-01"]
)
options = st.tuples(
    st.sampled_from(["timezone", "language", "TimeZone", "cadence", ""]) | hostile_text,
    st.sampled_from(["Africa/Nairobi", "UTC", "Mars/Olympus", "../../etc/passwd", "", "fr", "xx"])
    | hostile_text,
).map("=".join)
ids = st.integers(-(2**64), 2**64).map("#{}".format) | st.sampled_from(["#", "#1", "#x", "KEN"])
anything = st.lists(countries | dates | options | ids | hostile_text, max_size=6)


def command(word: str, *parts: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """`word` and its arguments drawn from `parts`, in order."""
    return st.tuples(*parts).map(lambda drawn: " ".join([word, *drawn]))


commands = st.one_of(
    command("calendar", countries | hostile_text, st.just("") | dates),
    command("subscribe", st.lists(countries, max_size=4).map(" ".join), st.just("") | options),
    command("unsubscribe", ids),
    command("subscriptions", st.sampled_from(["", "all"])),
    command("stats"),
    st.tuples(st.sampled_from(WORDS), anything).map(lambda t: " ".join([t[0], *t[1]])),
    long_text(3000),
)
actors = st.sampled_from([("slack", MODERATOR), ("slack", "U061F7AUR"), ("teams", "6b1f0c3e")])
conversations = st.sampled_from(["C0LAN2Q65", "a:1Xy9-personal"]) | hostile_text.filter(str.strip)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def services(module_database_url: str) -> AsyncIterator[Services]:
    """The core services with the sample calendar and a Slack moderator."""
    settings = load_settings(
        {"HURIBOT_DATABASE_URL": module_database_url, "HURIBOT_MODERATORS": f"slack:{MODERATOR}"}
    )
    async with open_services(settings, load_index=False) as opened:
        async with opened.database.transaction() as session:
            await store_calendar(session, parse_calendar_csv(sample_calendar_text()))
        yield opened


@given(text=commands, actor=actors, conversation=conversations)
@counted
async def test_any_command_answers_with_a_line_and_anything_else_is_a_question(
    services: Services, text: str, actor: tuple[str, str], conversation: str
) -> None:
    platform, user = actor
    context = CommandContext(
        actor=Actor(platform, user),
        ref=ConversationRef(platform=platform, conversation_id=conversation),
    )
    answer = await services.commands.run(text, context=context)
    if is_command(text):
        assert isinstance(answer, str)
        assert answer.strip()
    else:
        assert answer is None
