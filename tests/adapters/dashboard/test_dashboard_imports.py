"""The knowledge-base and calendar imports of the dashboard: a preview that changes nothing,
a confirmation that applies exactly what was previewed (also from another browser's
session only by whoever uploaded), problems by line and nothing imported, files past the
limit refused with their size, and the usual guards (CSRF, moderators only)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import timedelta

import aiohttp
import pytest
from sqlalchemy import func, select

from adapters.cli.calendar import sample_calendar_text
from bot.calendar.store import events_for
from bot.db.audit import audit_trail
from bot.db.models import StagedUpload
from bot.kb.queries import get_reply, list_replies
from bot.staging import StagedUploads
from tests.adapters.dashboard.conftest import MEMBER, Dashboard, dashboard_at, shown

REPLIES = (
    "id,question,answer\n"
    "import-visa,How do I get a visa for a mission?,Ask the travel unit for a note verbale.\n"
    "import-per-diem,Who sets the per diem rates?,The ICSC sets them.\n"
)
REPLIES_AGAIN = (
    "id,question,answer\n"
    "import-per-diem,Who sets the per diem rates?,The ICSC sets them; see the DSA circular.\n"
    "import-laptop,How do I get a laptop?,Ask the ICT help desk.\n"
)
BROKEN = "id,question,answer\nimport-visa,,Ask the travel unit.\nimport-short,Only a question\n"
CALENDAR_LINES = sample_calendar_text().splitlines(keepends=True)
CALENDAR = "".join(CALENDAR_LINES[:5])
"""The sample calendar's comment, header and first three events."""


@pytest.fixture
async def moderator(knowledge_url: str) -> AsyncIterator[Dashboard]:
    """The dashboard over the sample knowledge base (on SQLite, then on PostgreSQL) with a
    moderator signed in."""
    async with dashboard_at(knowledge_url) as running:
        assert (await running.sign_in()).status == 303
        yield running


async def upload(
    dashboard: Dashboard,
    path: str,
    name: str,
    content: str | bytes,
    *,
    csrf: str | None = None,
    **fields: str,
) -> aiohttp.ClientResponse:
    """Choose a file in the import form and press Preview."""
    form = aiohttp.FormData()
    form.add_field("csrf_token", csrf if csrf is not None else await dashboard.csrf_token(path))
    for key, value in fields.items():
        form.add_field(key, value)
    data = content.encode() if isinstance(content, str) else content
    form.add_field("file", data, filename=name, content_type="application/octet-stream")
    return await dashboard.http.post(
        dashboard.path(path), data=form, headers={"Origin": dashboard.origin}
    )


async def words(response: aiohttp.ClientResponse) -> str:
    """The page's text without its tags, as read on screen."""
    return re.sub(r"<[^>]+>", "", await shown(response))


def staged_token(page: str) -> str:
    found = re.search(r'name="staged" value="([^"]+)"', page)
    assert found, page[:3000]
    return found.group(1)


async def confirm(dashboard: Dashboard, path: str, token: str) -> aiohttp.ClientResponse:
    csrf = await dashboard.csrf_token(path)
    return await dashboard.post(f"{path}/confirm", {"csrf_token": csrf, "staged": token})


async def reply_slugs(dashboard: Dashboard) -> dict[str, str]:
    async with dashboard.services.database.sessions() as session:
        return {r.slug: r.status for r in await list_replies(session) if r.slug.startswith("imp")}


async def staged_count(dashboard: Dashboard) -> int:
    async with dashboard.services.database.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(StagedUpload)) or 0)


async def test_a_knowledge_import_is_previewed_then_applied_exactly_as_previewed(
    moderator: Dashboard,
) -> None:
    first = await upload(moderator, "/kb/import", "replies.csv", REPLIES)
    assert first.status == 200
    await confirm(moderator, "/kb/import", staged_token(await first.text()))
    before = await reply_slugs(moderator)
    assert before == {"import-visa": "published", "import-per-diem": "published"}

    preview = await upload(moderator, "/kb/import", "replies.csv", REPLIES_AGAIN)
    text = await words(preview)
    assert preview.status == 200
    assert "What importing replies.csv would change" in text
    assert "Replies added (1)" in text and "import-laptop How do I get a laptop?" in text
    assert "Replies changed (1)" in text and "import-per-diem" in text
    assert "Replies retired (1)" in text and "import-visa" in text
    assert "Guidance documents added (0)" in text
    assert await reply_slugs(moderator) == before  # the preview changed nothing
    async with moderator.services.database.sessions() as session:
        assert "DSA circular" not in (await get_reply(session, "import-per-diem")).answer_md

    applied = await confirm(moderator, "/kb/import", staged_token(await preview.text()))
    text = await words(applied)
    assert applied.status == 200, text
    assert "Imported from replies.csv" in text and "3 items were imported." in text
    assert await reply_slugs(moderator) == {
        "import-visa": "retired",
        "import-per-diem": "published",
        "import-laptop": "published",
    }
    hits = moderator.services.knowledge.search("laptop ICT help desk", top_k=3)
    assert hits and hits[0].doc.id == "import-laptop"  # the index follows at once
    async with moderator.services.database.sessions() as session:
        [*_, audited] = await audit_trail(session, target="knowledge")
    assert audited.actor == "teams:aad-moderator" and audited.after is not None
    assert audited.after["replies_withdrawn"] == 1
    assert await staged_count(moderator) == 0  # a confirmed file is not kept


async def test_pruning_is_previewed_and_applied_as_chosen(moderator: Dashboard) -> None:
    preview = await upload(moderator, "/kb/import", "replies.csv", REPLIES, prune="on")
    text = await words(preview)
    retired = re.search(r"Replies retired \((\d+)\)", text)
    assert retired and int(retired.group(1)) > 10  # every sample reply, from other files
    removed = re.search(r"Guidance documents removed \((\d+)\)", text)
    assert removed and int(removed.group(1)) == 4
    applied = await confirm(moderator, "/kb/import", staged_token(await preview.text()))
    assert applied.status == 200
    async with moderator.services.database.sessions() as session:
        published = [r.slug for r in await list_replies(session) if r.status == "published"]
    assert sorted(published) == ["import-per-diem", "import-visa"]


async def test_a_broken_file_lists_its_problems_by_line_and_imports_nothing(
    moderator: Dashboard,
) -> None:
    refused = await upload(moderator, "/kb/import", "replies.csv", BROKEN)
    text = await words(refused)
    assert refused.status == 422
    assert "Nothing was imported: 2 problems to fix first" in text
    assert "replies.csv:2: question is empty" in text
    assert "replies.csv:3: row has 2 cells but the header has 3" in text
    assert 'name="staged"' not in text
    assert await reply_slugs(moderator) == {}
    assert await staged_count(moderator) == 0

    calendar = CALENDAR + "bad-event,UPR,,,XXX,Nowhere,review,not-a-date,,day,,,,,\n"
    refused = await upload(moderator, "/calendar/import", "calendar.csv", calendar)
    text = await words(refused)
    assert refused.status == 422 and "line 6" in text, text
    async with moderator.services.database.sessions() as session:
        assert list(await events_for(session, None)) == []


async def test_a_file_past_the_limit_is_refused_with_its_size(moderator: Dashboard) -> None:
    big = b"x" * (21 * 1024 * 1024)
    for path, name in (("/kb/import", "guide.txt"), ("/calendar/import", "calendar.csv")):
        refused = await upload(moderator, path, name, big)
        text = await words(refused)
        assert refused.status == 413, text
        assert "The file is 21.0 MB; the limit is 20 MB." in text
        assert "HURIBOT_MAX_IMPORT_MB" in text
    just_over = b"x" * (20 * 1024 * 1024 + 10)  # within the form's room: read, then refused
    refused = await upload(moderator, "/kb/import", "guide.txt", just_over)
    assert refused.status == 413 and "The file is 20.0 MB" in await shown(refused)
    assert await staged_count(moderator) == 0


async def test_a_calendar_import_is_previewed_then_applied(moderator: Dashboard) -> None:
    preview = await upload(moderator, "/calendar/import", "calendar.csv", CALENDAR)
    text = await words(preview)
    assert preview.status == 200, text
    assert "Events added (3)" in text and "Events changed (0)" in text
    assert "upr-47-NOR-review Norway — UPR: review (session 47)" in text
    async with moderator.services.database.sessions() as session:
        assert list(await events_for(session, None)) == []

    applied = await confirm(moderator, "/calendar/import", staged_token(await preview.text()))
    assert applied.status == 200 and "3 items were imported." in await shown(applied)
    async with moderator.services.database.sessions() as session:
        imported = [event.event_id for event in await events_for(session, None)]
    assert sorted(imported) == sorted(line.split(",")[0] for line in CALENDAR_LINES[2:5])

    moved = CALENDAR.replace("2024-11-04,2024-11-15", "2024-11-05,2024-11-16", 1)
    cancelled = moved.replace(",held,", ",cancelled,", 1) if ",held," in moved else moved
    again = await upload(moderator, "/calendar/import", "calendar.csv", cancelled)
    text = await words(again)
    assert "Events added (0)" in text and "upr-47-NOR-review" in text and "moved" in text


async def test_only_whoever_staged_a_file_may_confirm_it_and_only_while_it_lasts(
    moderator: Dashboard,
) -> None:
    preview = await upload(moderator, "/kb/import", "replies.csv", REPLIES)
    token = staged_token(await preview.text())
    services = moderator.services
    others = StagedUploads(database=services.database)
    theirs = await others.stage(
        kind="kb", filename="replies.csv", content=REPLIES.encode(), staged_by="teams:someone"
    )
    refused = await confirm(moderator, "/kb/import", theirs.token)
    assert refused.status == 403 and "Another moderator uploaded this file" in await shown(refused)
    wrong_kind = await confirm(moderator, "/calendar/import", token)
    assert wrong_kind.status == 403
    for unknown in ("", "no-such-token"):
        gone = await confirm(moderator, "/kb/import", unknown)
        assert gone.status == 410 and "This preview has expired" in await shown(gone)
    assert await reply_slugs(moderator) == {}

    assert (await confirm(moderator, "/kb/import", token)).status == 200
    twice = await confirm(moderator, "/kb/import", token)
    assert twice.status == 410


async def test_a_staged_file_expires_after_an_hour(moderator: Dashboard) -> None:
    preview = await upload(moderator, "/kb/import", "replies.csv", REPLIES)
    token = staged_token(await preview.text())
    async with moderator.services.database.transaction() as session:
        staged = await session.get(StagedUpload, token)
        assert staged is not None
        staged.created_at -= timedelta(hours=1, seconds=1)
    expired = await confirm(moderator, "/kb/import", token)
    assert expired.status == 410
    assert await reply_slugs(moderator) == {}


async def test_imports_need_the_forms_csrf_token_and_a_moderator(moderator: Dashboard) -> None:
    for path in ("/kb/import", "/calendar/import"):
        refused = await upload(moderator, path, "calendar.csv", CALENDAR, csrf="")
        assert refused.status == 403 and "This form has expired" in await shown(refused)
        preview = await upload(
            moderator,
            path,
            "replies.csv" if "kb" in path else "c.csv",
            REPLIES if "kb" in path else CALENDAR,
        )
        token = staged_token(await preview.text())
        no_csrf = await moderator.post(f"{path}/confirm", {"staged": token})
        assert no_csrf.status == 403
    assert await reply_slugs(moderator) == {}

    async with moderator.another_browser().http as visitor:
        for path in ("/kb/import", "/calendar/import"):
            answer = await visitor.get(moderator.path(path), allow_redirects=False)
            assert answer.status == 303
            assert answer.headers["Location"].startswith("/dashboard/sign-in")
    member = moderator.another_browser()
    async with member.http:
        assert (await member.sign_in(MEMBER)).status == 403
        for path in ("/kb/import", "/calendar/import/confirm"):
            answer = await member.post(path, {"csrf_token": "x", "staged": "x"})
            assert answer.status == 403


async def test_the_import_pages_speak_the_moderators_language(moderator: Dashboard) -> None:
    for language, heading in (("fr", "Importer des événements"), ("es", "Importar eventos")):
        page = await moderator.http.get(
            moderator.path("/calendar/import"), headers={"Accept-Language": language}
        )
        assert heading in await shown(page)
