"""`GET /calendar/{ISO3}.ics`: one address per country, cacheable, answered 304 when unchanged."""

from __future__ import annotations

import vobject
from aiohttp.test_utils import TestClient, TestServer
from icalendar import Calendar

from adapters.cli.calendar import sample_calendar_text
from adapters.server import FEED_MAX_AGE_SECONDS, build_web_app
from bot.calendar.rows import parse_calendar_csv
from bot.calendar.store import store_calendar
from bot.db.engine import Database


async def test_the_feed_has_one_address_per_country_and_answers_conditional_requests(
    database: Database,
) -> None:
    async with database.transaction() as session:
        await store_calendar(session, parse_calendar_csv(sample_calendar_text()))
    async with TestClient(TestServer(build_web_app(database=database))) as http:
        for other in ("ken", "KE", "Kenya"):
            moved = await http.get(f"/calendar/{other}.ics", allow_redirects=False)
            assert (moved.status, moved.headers["Location"]) == (301, "/calendar/KEN.ics")
        feed = await http.get("/calendar/KEN.ics")
        assert feed.status == 200
        body = await feed.read()
        etag, modified = feed.headers["ETag"], feed.headers["Last-Modified"]
        assert feed.headers["Cache-Control"] == f"public, max-age={FEED_MAX_AGE_SECONDS}"
        assert modified.endswith(" GMT")
        again = await http.get("/calendar/KEN.ics", headers={"If-None-Match": etag})
        assert again.status == 304 and await again.read() == b""
        since = await http.get("/calendar/KEN.ics", headers={"If-Modified-Since": modified})
        assert since.status == 304
        stale = await http.get("/calendar/KEN.ics", headers={"If-None-Match": '"other"'})
        assert stale.status == 200
    # the feed parses in two independent parsers, with its refresh interval
    calendar = Calendar.from_ical(body)
    assert str(calendar["refresh-interval"].to_ical(), "ascii") == "PT12H"
    assert len(calendar.walk("VEVENT")) == len(list(vobject.readOne(body.decode()).vevent_list))
    assert b"UID:upr-49-KEN-review@huribot.calendar" in body
