"""A small calendar for the dashboard's calendar pages: Kenya's and Uganda's engagements
around January 2027 (a UPR review and its deadline, a CEDAW review, a special rapporteur's
visit) and Kenya's channel subscribed through its UNCT."""

from __future__ import annotations

from datetime import date

from adapters.wiring.services import Services
from bot.calendar.rows import CalendarRow
from bot.calendar.store import store_calendar
from bot.db.models import Subscription
from bot.messages import ConversationRef

KENYA_CHANNEL = "CKEN"
UNCT_KENYA = "UNCT Kenya"


def row(
    event_id: str,
    start: date,
    end: date | None,
    *,
    country: str,
    mechanism: str,
    body: str,
    event_type: str,
    session: str = "",
    deadline_for: str = "",
) -> CalendarRow:
    return CalendarRow(
        event_id=event_id,
        mechanism=mechanism,
        body=body,
        session=session,
        country=country,
        event_type=event_type,
        start_date=start,
        end_date=end,
        date_precision="day",
        deadline_for=deadline_for,
        status="confirmed",
        source_url=f"https://www.ohchr.org/{event_id}",
        notes="",
        source_retrieved=date(2026, 11, 20),
    )


KEN_UPR = row(
    "upr-48-KEN-review", date(2027, 1, 20), date(2027, 1, 31), country="KEN", mechanism="UPR",
    body="UPR Working Group", event_type="review", session="48",
)  # fmt: skip
KEN_DEADLINE = row(
    "upr-48-KEN-unct", date(2027, 1, 5), None, country="KEN", mechanism="UPR",
    body="UPR Working Group", event_type="submission_deadline", session="48",
    deadline_for="UNCT",
)  # fmt: skip
KEN_CEDAW = row(
    "cedaw-95-KEN", date(2027, 3, 2), date(2027, 3, 3), country="KEN", mechanism="TB",
    body="CEDAW", event_type="review", session="95",
)  # fmt: skip
UGA_VISIT = row(
    "sp-food-UGA", date(2027, 1, 10), date(2027, 1, 20), country="UGA", mechanism="SP",
    body="Special Rapporteur on the right to food", event_type="visit",
)  # fmt: skip
EVENTS = (KEN_UPR, KEN_DEADLINE, KEN_CEDAW, UGA_VISIT)


async def seed_calendar(services: Services) -> Subscription:
    """The events, the UNCT of Kenya, and Kenya's channel subscribed through it."""
    async with services.database.transaction() as session:
        await store_calendar(session, list(EVENTS))
    await services.subscriptions.set_unct(UNCT_KENYA, ["KEN"], actor="cli:ops")
    ref = ConversationRef(platform="slack", conversation_id=KENYA_CHANNEL)
    return await services.subscriptions.subscribe(ref, [], unct=UNCT_KENYA, actor="cli:ops")
