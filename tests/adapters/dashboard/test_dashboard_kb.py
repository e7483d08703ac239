"""The knowledge base on the dashboard, through the same core as chat and the command line:
search with the bot's own index and why each hit ranks; a reply with everything about it;
creating and editing (each save a version, the changes shown line by line, an edit from an
older version refused); retiring (the bot no longer answers with it); the replies due for
review by date and owner; on SQLite and PostgreSQL. Nobody without a moderator's session
sees any of it, and no form is taken without its CSRF token."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.db.audit import audit_trail
from tests.adapters.dashboard.conftest import MEMBER, MODERATOR, Dashboard, running_dashboard, shown

SLUG = "per-diem-nairobi"
QUESTION = "What per diem applies to a mission in Nairobi?"
FIRST = "Per diem rates are set by the **ICSC**.\nSee the DSA circular."
SECOND = "Per diem rates are set by the **ICSC**.\nAsk the travel unit for the current DSA."
ACTOR = f"teams:{MODERATOR.user_id}"


@pytest.fixture
async def kb(tmp_path: Path, sample_database: Path, knowledge_url: str) -> AsyncIterator[Dashboard]:
    """The dashboard over the sample knowledge base, on SQLite and on PostgreSQL; a moderator
    signed in."""
    async with running_dashboard(tmp_path, sample_database, database_url=knowledge_url) as running:
        assert (await running.sign_in()).status == 303
        yield running


def reply_form(token: str, **fields: str) -> dict[str, str]:
    return {
        "csrf_token": token,
        "slug": SLUG,
        "question": QUESTION,
        "alt_questions": "per diem Nairobi?\r\nDSA for Nairobi",
        "answer": FIRST,
        "tags": "admin, travel",
        "sources": "ICSC DSA rates <https://icsc.un.org/>",
        "language": "en",
        "status": "published",
        "owner": "admin-team",
        "last_reviewed": "2026-11-01",
        "review_by": "2027-11-01",
        "intent": "save",
    } | fields


async def create(kb: Dashboard, **fields: str) -> str:
    """A new reply from the form; the reply page's address."""
    token = await kb.csrf_token("/kb/new")
    created = await kb.post("/kb/new", reply_form(token, **fields))
    assert created.status == 303, await shown(created)
    return created.headers["Location"]


async def test_search_shows_each_hit_with_its_score_and_why_it_ranks(kb: Dashboard) -> None:
    page = await shown(await kb.http.get(kb.path("/kb"), params={"q": "what is the HRBA?"}))
    assert 'aria-current="page">Knowledge base' in page
    hit = page.split("hrba-overview", 1)[1].split("</li>\n  \n", 1)[0]
    assert "Score" in hit and "Lexical score (words)" in hit and "Found by" in hit
    assert "Terms it holds:" in hit and "hrba</span> in question, alternative questions" in hit
    assert 'href="/dashboard/kb/replies/hrba-overview"' in page
    hits = kb.services.knowledge.search("what is the HRBA?", top_k=10)
    assert page.index(hits[0].doc.id) < page.index(hits[1].doc.id)  # the bot's own order
    empty = await shown(await kb.http.get(kb.path("/kb"), params={"q": "zzyzx qwertyuiop"}))
    assert "Nothing in the knowledge base matches this question" in empty


async def test_a_reply_is_shown_with_everything_about_it_its_markdown_made_safe(
    kb: Dashboard,
) -> None:
    address = await create(kb, answer="See **the ICSC** <script>alert(1)</script>")
    assert address == f"/dashboard/kb/replies/{SLUG}?done=created"
    response = await kb.http.get(address)
    raw, page = await response.text(), await shown(response)
    assert "The reply is stored" in page
    for seen in (QUESTION, "per diem Nairobi?", "DSA for Nairobi", "admin-team", "Nov 1, 2027"):
        assert seen in page
    assert '<a href="https://icsc.un.org/" rel="noopener noreferrer">ICSC DSA rates</a>' in page
    assert "<strong>the ICSC</strong>" in raw and "<script>alert(1)" not in raw
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in raw  # shown as text
    assert "Version 1" in page and f"{ACTOR} created" in page
    hits = kb.services.knowledge.search("per diem mission Nairobi", top_k=3)
    assert hits[0].doc.id == SLUG  # searchable at once
    missing = await kb.http.get(kb.path("/kb/replies/no-such-reply"))
    assert missing.status == 404 and "No consolidated reply has the id" in await shown(missing)


async def test_an_edit_is_a_new_version_whose_changes_are_shown_line_by_line(
    kb: Dashboard,
) -> None:
    await create(kb)
    edit = f"/kb/replies/{SLUG}/edit"
    token = await kb.csrf_token(edit)
    form_page = await shown(await kb.http.get(kb.path(edit)))
    assert 'name="based_on" value="1"' in form_page and "See the DSA circular." in form_page
    saved = await kb.post(edit, reply_form(token, answer=SECOND, based_on="1"))
    assert saved.headers["Location"] == f"/dashboard/kb/replies/{SLUG}?done=saved"
    page = await shown(await kb.http.get(saved.headers["Location"]))
    assert "saved as a new version" in page and "Version 2" in page and f"{ACTOR} edited" in page

    diff = await shown(await kb.http.get(kb.path(f"/kb/replies/{SLUG}/versions/2")))
    assert "Changes from version 1:" in diff
    assert '<del><span class="visually-hidden">removed: </span>See the DSA circular.</del>' in diff
    assert "added: </span>Ask the travel unit for the current DSA.</ins>" in diff
    assert '<li class="same">Per diem rates are set by the **ICSC**.</li>' in diff
    assert re.findall(r'<h2 id="diff-(\w+)"', diff) == ["answer_md"]  # only what changed
    doc = await kb.services.knowledge.lookup(SLUG)
    assert doc is not None and "travel unit" in doc.text  # the bot answers with the edit

    stale = await kb.post(edit, reply_form(token, answer="A third wording.", based_on="1"))
    assert stale.status == 409
    page = await shown(stale)
    assert "Someone saved version 2 of this reply while you were editing it" in page
    assert "A third wording." in page and 'name="based_on" value="2"' in page
    doc = await kb.services.knowledge.lookup(SLUG)
    assert doc is not None and "travel unit" in doc.text  # nothing overwritten
    async with kb.services.database.sessions() as session:
        trail = await audit_trail(session, target=f"reply:{SLUG}")
    assert [(e.actor, e.action) for e in trail] == [(ACTOR, "create"), (ACTOR, "edit")]


async def test_the_form_says_what_to_fix_keeping_what_was_typed(kb: Dashboard) -> None:
    token = await kb.csrf_token("/kb/new")
    typed = reply_form(token, slug="Not An Id", answer="  ", review_by="next year")
    refused = await kb.post("/kb/new", typed)
    page = await shown(refused)
    assert refused.status == 422
    assert "Give an id of lowercase letters" in page and "Write the answer." in page
    assert "Give a date as YYYY-MM-DD" in page and 'aria-invalid="true"' in page
    assert "Not An Id" in page and "next year" in page and "DSA for Nairobi" in page
    preview = await kb.post("/kb/new", reply_form(token, intent="preview"))
    assert preview.status == 200 and "<strong>ICSC</strong>" in await shown(preview)
    await create(kb)
    taken = await kb.post("/kb/new", reply_form(token))
    assert taken.status == 409 and f"A reply already has the id “{SLUG}”" in await shown(taken)


async def test_a_retired_reply_no_longer_answers(kb: Dashboard) -> None:
    question = "What is the human rights-based approach to programming?"
    assert kb.services.answerer.assess(question).hits[0].doc.id == "hrba-overview"
    confirm = "/kb/replies/hrba-overview/retire"
    page = await shown(await kb.http.get(kb.path(confirm)))
    assert "Retire “hrba-overview”?" in page and "stops answering with this reply" in page
    token = await kb.csrf_token(confirm)
    retired = await kb.post(confirm, {"csrf_token": token})
    assert retired.headers["Location"] == "/dashboard/kb/replies/hrba-overview?done=retired"
    page = await shown(await kb.http.get(retired.headers["Location"]))
    assert "The reply is retired" in page and "retired" in page and "Retire…" not in page
    assert "hrba-overview" not in [h.doc.id for h in kb.services.answerer.assess(question).hits]
    again = await kb.post(confirm, {"csrf_token": token})
    assert again.status == 409


async def test_replies_due_for_review_by_date_and_owner(kb: Dashboard) -> None:
    await create(kb, review_by="2026-01-15", owner="admin-team")
    await create(kb, slug="dsa-kampala", question="DSA in Kampala?", owner="travel-unit")
    overdue = await shown(await kb.http.get(kb.path("/kb/review"), params={"within": "0"}))
    assert QUESTION in overdue and "(overdue)" in overdue and "DSA in Kampala?" not in overdue
    year = await shown(await kb.http.get(kb.path("/kb/review"), params={"within": "365"}))
    assert year.index(QUESTION) < year.index("DSA in Kampala?")  # longest overdue first
    assert '<option value="travel-unit">travel-unit</option>' in year
    mine = await shown(
        await kb.http.get(kb.path("/kb/review"), params={"within": "365", "owner": "travel-unit"})
    )
    assert "DSA in Kampala?" in mine and QUESTION not in mine


async def test_nobody_but_a_moderator_sees_the_knowledge_base_and_forms_need_their_token(
    kb: Dashboard,
) -> None:
    address = await create(kb)
    token = await kb.csrf_token("/kb/new")
    for form in ({}, {"csrf_token": "forged"}):
        refused = await kb.post(f"/kb/replies/{SLUG}/retire", form)
        assert refused.status == 403 and "This form has expired" in await shown(refused)
        untokened = {k: v for k, v in reply_form(token, slug="other").items() if k != "csrf_token"}
        refused = await kb.post("/kb/new", untokened | form)
        assert refused.status == 403
    assert await kb.services.knowledge.lookup(SLUG) is not None  # still published
    assert (await kb.post(f"/kb/replies/{SLUG}/retire", {"csrf_token": token})).status == 303

    member = kb.another_browser()
    async with member.http:
        assert (await member.sign_in(MEMBER)).status == 403
        for page in ("/kb?q=per+diem", address, f"/kb/replies/{SLUG}/versions/1", "/kb/review"):
            answer = await member.http.get(member.path(page), allow_redirects=False)
            assert answer.status == 303 and "/dashboard/sign-in" in answer.headers["Location"]
            assert QUESTION not in await shown(answer)
        created = await member.post("/kb/new", reply_form("x", slug="intruder"))
        assert created.status == 403 and QUESTION not in await shown(created)
    assert await kb.services.knowledge.lookup("intruder") is None
