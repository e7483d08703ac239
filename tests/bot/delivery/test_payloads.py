"""Every kind of outbox message reads back as what was queued, and unknown kinds are refused."""

from __future__ import annotations

import pytest

from bot.calendar.digest import Digest, DigestItem, DigestSection
from bot.calendar.payloads import CalendarDigestPayload, CalendarReminderPayload
from bot.delivery.payloads import (
    Handlers,
    Payload,
    PayloadCodec,
    ReplyPayload,
    UnknownPayloadError,
    stored,
)
from bot.kb.review import OverdueRepliesPayload, OverdueReply
from bot.messages import ConversationRef, Reply, ReplyKind, SourceRef
from bot.moderation.payloads import GroupCardPayload, GroupCardRefreshPayload
from bot.payload_types import PAYLOAD_TYPES, payload_codec

REF = ConversationRef(platform="slack", conversation_id="C1")
DIGEST = Digest(
    title="Kenya: coming up",
    language="en",
    sections=(
        DigestSection(
            mechanism="upr",
            heading="Universal Periodic Review",
            link="https://www.ohchr.org/en/hr-bodies/upr",
            items=(
                DigestItem(
                    event_id="upr-ken-4",
                    when="January 2027",
                    title="Kenya — UPR review",
                    status="expected",
                    action="Submit the UN Country Team's report",
                    marker="moved",
                    previously="November 2026",
                ),
            ),
        ),
    ),
)
EXAMPLES: list[Payload] = [
    ReplyPayload(
        Reply(
            kind=ReplyKind.ANSWER,
            text="The UNCT submits a report.",
            sources=(SourceRef(title="UPR guide", location="https://example.org/upr"),),
            question_id=7,
            by_secretariat=True,
        )
    ),
    GroupCardPayload(12),
    GroupCardPayload(12, reminder=True),
    GroupCardRefreshPayload(12),
    OverdueRepliesPayload(
        (OverdueReply(id="upr", question="What is the UPR?", review_by="2026-08-01", owner=None),)
    ),
    CalendarDigestPayload(DIGEST, subscription_id=3),
    CalendarReminderPayload(DIGEST, subscription_id=3),
]


@pytest.mark.parametrize("payload", EXAMPLES, ids=lambda p: type(p).__name__)
def test_a_stored_payload_reads_back_as_queued(payload: Payload) -> None:
    assert payload_codec().load(stored(payload)) == payload


def test_every_kind_has_an_example_and_a_tag_of_its_own() -> None:
    assert {type(p) for p in EXAMPLES} == set(PAYLOAD_TYPES)
    assert len({t.kind for t in PAYLOAD_TYPES}) == len(PAYLOAD_TYPES)
    with pytest.raises(ValueError, match="share the kind"):
        PayloadCodec((GroupCardPayload, GroupCardPayload))


def test_rows_queued_before_the_types_existed_still_read() -> None:
    """The stored form is the one the outbox always kept: old rows stay deliverable."""
    old = {"kind": "group_card", "group_id": 5, "reminder": True}
    assert payload_codec().load(old) == GroupCardPayload(5, reminder=True)
    assert payload_codec().load({"kind": "group_card_refresh", "group_id": 5}) == (
        GroupCardRefreshPayload(5)
    )


def test_an_unknown_kind_is_refused_by_name() -> None:
    with pytest.raises(UnknownPayloadError, match="'telegram'"):
        payload_codec().load({"kind": "telegram"})


async def test_handlers_dispatch_on_the_payload_type() -> None:
    seen: list[tuple[str, Payload]] = []

    async def on_card(ref: ConversationRef, payload: GroupCardPayload) -> None:
        seen.append(("card", payload))

    async def on_refresh(ref: ConversationRef, payload: GroupCardRefreshPayload) -> None:
        seen.append(("refresh", payload))

    handlers = Handlers().add(GroupCardPayload, on_card).add(GroupCardRefreshPayload, on_refresh)
    await handlers.send(REF, GroupCardRefreshPayload(1))
    await handlers.send(REF, GroupCardPayload(2))
    assert seen == [("refresh", GroupCardRefreshPayload(1)), ("card", GroupCardPayload(2))]
    with pytest.raises(UnknownPayloadError, match="ReplyPayload"):
        await handlers.send(REF, ReplyPayload(Reply(kind=ReplyKind.HELP, text="hi")))
