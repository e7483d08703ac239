"""The queue on the dashboard, through the same core as chat: groups with every wording,
their askers' platforms and countries, age and assignee; answering (every asker notified
through the outbox, only the ticked wordings kept), previewing, linking, assigning and
dismissing; forms that keep what was typed and say what to fix, in the page's language."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from bot.db.audit import audit_trail
from bot.db.models import OutboxMessage
from bot.messages import ConversationRef, reply_from_dict
from tests.adapters.dashboard.conftest import MODERATOR, Dashboard, ask, shown

PER_DIEM = "What is the per diem rate in Nairobi?"
PER_DIEM_AGAIN = "per diem rates for Nairobi missions?"
TRAVEL = "How do I book flights through Umoja travel?"
KENYA_CHANNEL = "CKEN"
UGANDA_CHANNEL = "19:uganda@thread.tacv2"


@dataclass(frozen=True)
class Queue:
    per_diem: int
    travel: int


@pytest.fixture
async def queue(dashboard: Dashboard) -> Queue:
    """Two groups: per diem (asked in Kenya's Slack channel three days ago, then in
    Uganda's Teams channel) and travel; a signed-in moderator."""
    services = dashboard.services
    await services.subscriptions.subscribe(
        ConversationRef(platform="slack", conversation_id=KENYA_CHANNEL), ["KEN"], actor="cli:t"
    )
    await services.subscriptions.subscribe(
        ConversationRef(platform="teams", conversation_id=UGANDA_CHANNEL), ["UGA"], actor="cli:t"
    )
    first = await ask(services, PER_DIEM, user="U1", key="1.1", days_ago=3)
    await ask(
        services, PER_DIEM_AGAIN, user="aad-2", key="1700", platform="teams",
        conversation=UGANDA_CHANNEL,
    )  # fmt: skip
    travel = await ask(services, TRAVEL, user="U3", key="3.3", conversation="CELSEWHERE")
    groups = [(await services.intake.questions.get(q)).group_id for q in (first, travel)]
    assert None not in groups and groups[0] != groups[1]
    assert (await dashboard.sign_in()).status == 303
    return Queue(per_diem=int(groups[0] or 0), travel=int(groups[1] or 0))


async def replies_in_outbox(dashboard: Dashboard) -> list[OutboxMessage]:
    async with dashboard.services.database.sessions() as session:
        rows = await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
        return [row for row in rows if row.payload["kind"] == "reply"]


async def test_the_queue_lists_every_group_with_wordings_askers_countries_age_and_assignee(
    dashboard: Dashboard, queue: Queue
) -> None:
    page = await shown(await dashboard.http.get(dashboard.path("/queue")))
    assert "2 groups are waiting." in page
    for wording in (PER_DIEM, PER_DIEM_AGAIN, TRAVEL):
        assert wording in page
    per_diem_row = page.split(PER_DIEM, 1)[1].split("</tr>", 1)[0]
    assert "Slack · 1" in per_diem_row and "Microsoft Teams · 1" in per_diem_row
    assert "Kenya" in per_diem_row and "Uganda" in per_diem_row
    assert "3 days" in per_diem_row and "nobody yet" in per_diem_row
    travel_row = page.split(TRAVEL, 1)[1].split("</tr>", 1)[0]
    assert "not known" in travel_row  # that channel has no calendar subscription

    token = await dashboard.csrf_token(f"/groups/{queue.per_diem}")
    assigned = await dashboard.post(f"/groups/{queue.per_diem}/assign", {"csrf_token": token})
    assert assigned.headers["Location"] == f"/dashboard/groups/{queue.per_diem}?done=assigned"
    group_page = await shown(await dashboard.http.get(assigned.headers["Location"]))
    assert "You have taken this group" in group_page
    assert "took the group" in group_page  # its history
    page = await shown(await dashboard.http.get(dashboard.path("/queue")))
    assert "Amina Diallo" in page.split(PER_DIEM, 1)[1].split("</tr>", 1)[0]


async def test_an_answer_reaches_every_asker_through_the_outbox_with_only_the_ticked_wordings(
    dashboard: Dashboard, queue: Queue
) -> None:
    group = f"/groups/{queue.per_diem}"
    page = await shown(await dashboard.http.get(dashboard.path(group)))
    assert "The bot's best candidates" in page
    assert re.search(r'type="checkbox"[^>]*checked', page) is None  # none ticked at first
    token = await dashboard.csrf_token(group)
    answered = await dashboard.post(
        f"{group}/answer",
        [
            ("csrf_token", token),
            ("question", "What per diem applies to a mission in Nairobi?"),
            ("answer", "Per diem rates are set by the **ICSC**;\r\nsee the DSA circular."),
            ("tags", "admin, travel"),
            ("sources", "ICSC DSA rates <https://icsc.un.org/>"),
            ("alt_questions", PER_DIEM_AGAIN),
            ("intent", "send"),
        ],
    )
    assert answered.status == 303
    assert answered.headers["Location"] == f"/dashboard/queue?done=answered&group={queue.per_diem}"
    after = await shown(await dashboard.http.get(answered.headers["Location"]))
    assert f"Group {queue.per_diem} is answered" in after
    assert PER_DIEM_AGAIN not in after and TRAVEL in after

    notices = await replies_in_outbox(dashboard)
    assert sorted(n.conversation["thread_id"] for n in notices) == ["1.1", "1700"]
    reply = reply_from_dict(notices[0].payload["reply"])
    assert "The Secretariat has answered your question" in reply.text
    assert "**ICSC**;\nsee the DSA circular." in reply.answer_md  # line ends as stored

    view = await dashboard.services.moderation.view(queue.per_diem, candidates=0)
    assert view.group.status == "answered" and view.group.reply_id
    doc = await dashboard.services.knowledge.lookup(view.group.reply_id)
    assert doc is not None and doc.alt_titles == (PER_DIEM_AGAIN,)
    assert doc.tags == ("admin", "travel")
    async with dashboard.services.database.sessions() as session:
        [event] = await audit_trail(session, target=f"group:{queue.per_diem}")
    assert (event.actor, event.action) == (f"teams:{MODERATOR.user_id}", "answer")
    assert (event.after or {})["alt_questions"] == [PER_DIEM_AGAIN]


async def test_the_form_previews_and_says_what_to_fix_keeping_what_was_typed(
    dashboard: Dashboard, queue: Queue
) -> None:
    group = f"/groups/{queue.per_diem}"
    token = await dashboard.csrf_token(group)
    typed = "See **the ICSC** <script>alert(1)</script>"

    async def send(**fields: str) -> tuple[int, str]:
        form = {"csrf_token": token, "answer": typed, "intent": "send"} | fields
        answer = await dashboard.post(f"{group}/answer", form)
        return answer.status, await answer.text()

    status, page = await send(intent="preview")
    assert status == 200
    assert "<strong>the ICSC</strong>" in page and "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # shown as text, in both places
    status, page = await send(answer="  ")
    assert status == 422 and "Write the answer." in page and 'aria-invalid="true"' in page
    status, page = await send(answer="x" * 20_001)
    assert status == 422 and "20,001 characters long; keep it under 20,000" in page
    status, page = await send(sources="ICSC rates, somewhere")
    assert status == 422 and "Title &lt;https://…&gt;" in page
    assert "ICSC rates, somewhere" in page and "See **the ICSC**" in page  # nothing lost
    status, page = await send(alt_questions="a wording nobody asked")
    assert status == 409 and "wordings changed while this page was open" in page

    view = await dashboard.services.moderation.view(queue.per_diem, candidates=0)
    assert view.group.status == "open"
    assert await replies_in_outbox(dashboard) == []


async def test_a_group_is_linked_to_an_existing_reply_or_dismissed_and_then_closed(
    dashboard: Dashboard, queue: Queue
) -> None:
    group = f"/groups/{queue.per_diem}"
    token = await dashboard.csrf_token(group)
    unknown = await dashboard.post(
        f"{group}/link", {"csrf_token": token, "other_reply_id": "no-such-reply"}
    )
    assert unknown.status == 422
    assert "No published reply has the id “no-such-reply”" in await shown(unknown)
    view = await dashboard.services.moderation.view(queue.per_diem)
    [candidate, *_] = [hit.doc.id for hit in view.candidates if hit.doc.kind == "reply"]
    linked = await dashboard.post(f"{group}/link", {"csrf_token": token, "reply_id": candidate})
    assert linked.headers["Location"] == f"/dashboard/queue?done=linked&group={queue.per_diem}"
    assert len(await replies_in_outbox(dashboard)) == 2
    view = await dashboard.services.moderation.view(queue.per_diem, candidates=0)
    assert (view.group.status, view.group.reply_id) == ("answered", candidate)

    travel = f"/groups/{queue.travel}"
    dismissed = await dashboard.post(f"{travel}/dismiss", {"csrf_token": token})
    assert dismissed.headers["Location"] == f"/dashboard/queue?done=dismissed&group={queue.travel}"
    closed = await dashboard.post(f"{travel}/answer", {"csrf_token": token, "answer": "Late."})
    assert closed.status == 409
    assert "was dismissed meanwhile, so nothing was changed" in await shown(closed)
    async with dashboard.services.database.sessions() as session:
        [event] = await audit_trail(session, target=f"group:{queue.travel}")
    assert (event.actor, event.action) == (f"teams:{MODERATOR.user_id}", "dismiss")
    page = await shown(await dashboard.http.get(dashboard.path("/queue")))
    assert "Nothing is waiting" in page
    missing = await dashboard.http.get(dashboard.path("/groups/999"))
    assert missing.status == 404 and "Group 999 does not exist" in await shown(missing)


async def test_the_live_preview_renders_the_markdown_for_the_session_that_asks(
    dashboard: Dashboard, queue: Queue
) -> None:
    token = await dashboard.csrf_token(f"/groups/{queue.per_diem}")
    markdown = {"answer": "A [link](https://ohchr.org) and [no link](javascript:alert(1))"}
    preview = await dashboard.post("/preview", markdown, **{"X-CSRF-Token": token})
    assert preview.status == 200
    html = await preview.text()
    assert (
        '<a href="https://ohchr.org">link</a>' in html
        and "javascript:" not in html.split("no link")[0].rsplit("<", 1)[-1]
    )
    assert 'href="javascript' not in html
    assert (await dashboard.post("/preview", markdown)).status == 403


async def test_the_pages_speak_the_moderators_language(dashboard: Dashboard, queue: Queue) -> None:
    spanish = await dashboard.http.get(
        dashboard.path("/queue"), headers={"Accept-Language": "es-419,es;q=0.9,en;q=0.5"}
    )
    page = await shown(spanish)
    assert '<html lang="es">' in page and "Preguntas pendientes para la Secretaría" in page
    assert "Kenia" in page and "3 días" in page
    chosen = await dashboard.http.get(
        dashboard.path("/language/fr"),
        params={"next": f"/dashboard/groups/{queue.per_diem}"},
        allow_redirects=False,
    )
    assert chosen.headers["Location"] == f"/dashboard/groups/{queue.per_diem}"
    french = await shown(
        await dashboard.http.get(chosen.headers["Location"], headers={"Accept-Language": "es"})
    )
    assert '<html lang="fr">' in french
    assert "Répondre aussi à ces formulations" in french and "il y a 3 jours" in french
    token = await dashboard.csrf_token(f"/groups/{queue.per_diem}")
    empty = await dashboard.post(
        f"/groups/{queue.per_diem}/answer", {"csrf_token": token, "answer": ""}
    )
    assert "Écrivez la réponse." in await shown(empty)
