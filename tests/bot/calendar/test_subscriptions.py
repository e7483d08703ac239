"""Which countries a conversation hears about, read for many conversations at once (the
dashboard names the country of the channel each asker wrote in)."""

from __future__ import annotations

from bot.calendar.subscriptions import Subscriptions
from bot.db.engine import Database
from bot.messages import ConversationRef


async def test_the_countries_of_subscribed_conversations_come_with_their_uncts(
    database: Database,
) -> None:
    subscriptions = Subscriptions(database=database)
    await subscriptions.set_unct("UNCT Pacific", ["FJI", "WSM"], actor="cli:ops")
    kenya = ConversationRef(platform="slack", conversation_id="CKEN")
    pacific = ConversationRef(platform="teams", conversation_id="19:pacific@thread.tacv2")
    await subscriptions.subscribe(kenya, ["KEN"], actor="cli:ops")
    await subscriptions.subscribe(pacific, ["TON"], unct="UNCT Pacific", actor="cli:ops")

    found = await subscriptions.countries_of(
        [
            ("slack", "CKEN"),
            ("teams", "19:pacific@thread.tacv2"),
            ("teams", "CKEN"),  # the same id on another platform is another conversation
            ("slack", "CNONE"),
        ]
    )
    assert found == {
        ("slack", "CKEN"): ("KEN",),
        ("teams", "19:pacific@thread.tacv2"): ("FJI", "WSM", "TON"),
    }
    assert await subscriptions.countries_of([]) == {}
