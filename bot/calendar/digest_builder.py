"""Calendar digests and reminders built from stored events: what a country team reads.

Why apart from `bot.calendar.digest`: the platforms and the outbox need only the digest's
structure; choosing what is upcoming, marking what changed since the previous digest and
wording each engagement happen here, once, for all of them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any

from bot.calendar.actions import MECHANISM_PAGES, RELATED_QUERIES, action_for
from bot.calendar.dates import describe_dates, plural_form
from bot.calendar.digest import Digest, DigestItem, DigestSection
from bot.calendar.freshness import Freshness
from bot.calendar.titles import event_title, for_stakeholders
from bot.calendar.upcoming import is_upcoming
from bot.calendar.wording import MECHANISM_NAMES, local_country_name, named, phrase
from bot.db.models import CalendarEvent
from bot.messages import Suggestion

WITHDRAWN = frozenset({"postponed", "cancelled"})
MECHANISM_ORDER = ("UPR", "TB", "SP", "HRC")
RELATED_PER_MECHANISM = 2

RelatedReplies = Callable[[str], Sequence[Suggestion]]
"""Consolidated replies about a topic (the knowledge base's search), for the digest's links."""


def _empty_note(freshness: Freshness | None, today: date, language: str) -> str:
    if freshness is not None and freshness.is_stale(today):
        return freshness.note(language)
    return phrase("nothing_upcoming", language)


def event_state(event: CalendarEvent) -> dict[str, str | None]:
    """What a digest remembers of an event to notice changes next time."""
    return {
        "start": event.start_date.isoformat() if event.start_date else None,
        "end": event.end_date.isoformat() if event.end_date else None,
        "precision": event.date_precision,
        "status": event.status,
    }


def snapshot(events: Sequence[CalendarEvent]) -> dict[str, Any]:
    """The state of the events a digest showed, keyed by event id."""
    return {event.event_id: event_state(event) for event in events}


TITLE_CHARS = 150
"""The shortest title the chat platforms show whole (a Slack header holds 150 characters)."""


def reminder_title(what: str, *, days: int, language: str) -> str:
    """ "Reminder: {what} in {days} days", the event shortened rather than the countdown cut."""
    key = "reminder_title_one" if plural_form(days, language) == "one" else "reminder_title"
    room = TITLE_CHARS - len(phrase(key, language, what="", days=days))
    if len(what) > room:
        what = what[: room - 1].rsplit(" ", 1)[0].rstrip(" ,;:—-") + "…"
    return phrase(key, language, what=what, days=days)


def _labels(language: str) -> dict[str, str]:
    keys = (
        "what_to_do",
        "related",
        "source",
        "new",
        "moved",
        "postponed",
        "cancelled",
        "more_not_shown",
    )
    return {key: phrase(key, language) for key in keys}


def _moved_away(event: CalendarEvent, previous: Mapping[str, Any] | None, today: date) -> bool:
    """An event the last digest showed that has since moved beyond the horizon: the team
    must hear that it moved."""
    if previous is None or event.event_id not in previous or event.start_date is None:
        return False
    return event.start_date > today and _marker(event, previous[event.event_id]) == "moved"


def _marker(event: CalendarEvent, before: Mapping[str, Any] | None) -> str:
    if before is None:
        return "new"
    if event.status in WITHDRAWN and before.get("status") != event.status:
        return event.status
    now = event_state(event)
    if (before.get("start"), before.get("end")) != (now["start"], now["end"]):
        return "moved"
    return ""


def _former_dates(before: Mapping[str, Any], language: str) -> str:
    start, end = before.get("start"), before.get("end")
    former = describe_dates(
        date.fromisoformat(start) if start else None,
        date.fromisoformat(end) if end else None,
        str(before.get("precision", "day")),
        language,
    )
    return phrase("was", language, dates=former)


class DigestBuilder:
    """Turns a subscription's events into a digest or a reminder."""

    def __init__(self, *, related: RelatedReplies | None = None) -> None:
        self._related = related

    def digest(
        self,
        events: Sequence[CalendarEvent],
        *,
        countries: Sequence[str],
        language: str,
        today: date,
        previous: Mapping[str, Any] | None,
        late: bool = False,
        freshness: Freshness | None = None,
    ) -> tuple[Digest, dict[str, Any]]:
        """The digest as of `today` and the snapshot to keep for the next one. With no
        previous digest nothing is marked (everything would be 'new'). An empty digest says
        "nothing is scheduled" only of a calendar `freshness` shows to be current."""
        upcoming = [
            event
            for event in events
            if is_upcoming(event, today) or _moved_away(event, previous, today)
        ]
        items = [self._item(event, language, previous) for event in upcoming]
        # a withdrawn event is news once, in the digest after it was withdrawn
        shown = [(e, i) for e, i in items if e.status not in WITHDRAWN or i.marker == e.status]
        names = ", ".join(local_country_name(code, language) for code in countries)
        digest = Digest(
            title=phrase("digest_title", language, countries=names),
            language=language,
            sections=self._sections(shown, language),
            empty_note="" if shown else _empty_note(freshness, today, language),
            late_note=phrase("late", language) if late else "",
            labels=_labels(language),
        )
        return digest, snapshot(upcoming)

    def reminder(
        self, event: CalendarEvent, *, days: int, language: str, late: bool = False
    ) -> Digest:
        """A reminder `days` before an event."""
        _, item = self._item(event, language, None)
        return Digest(
            title=reminder_title(item.title, days=days, language=language),
            language=language,
            sections=(self._section(event.mechanism, [item], language, related=False),),
            late_note=phrase("late", language) if late else "",
            labels=_labels(language),
        )

    def _sections(
        self, shown: Sequence[tuple[CalendarEvent, DigestItem]], language: str
    ) -> tuple[DigestSection, ...]:
        by_mechanism: dict[str, list[DigestItem]] = {}
        for event, item in shown:
            by_mechanism.setdefault(event.mechanism, []).append(item)
        order = sorted(
            by_mechanism, key=lambda m: MECHANISM_ORDER.index(m) if m in MECHANISM_ORDER else 9
        )
        return tuple(
            self._section(mechanism, by_mechanism[mechanism], language, related=True)
            for mechanism in order
        )

    def _section(
        self, mechanism: str, items: Sequence[DigestItem], language: str, *, related: bool
    ) -> DigestSection:
        query = RELATED_QUERIES.get(mechanism, mechanism)
        found = self._related(query) if related and self._related is not None else ()
        return DigestSection(
            mechanism=mechanism,
            heading=named(MECHANISM_NAMES, mechanism, language),
            link=MECHANISM_PAGES.get(mechanism, ""),
            items=tuple(items),
            related=tuple(found[:RELATED_PER_MECHANISM]),
        )

    @staticmethod
    def _item(
        event: CalendarEvent, language: str, previous: Mapping[str, Any] | None
    ) -> tuple[CalendarEvent, DigestItem]:
        """The event as an item, marked against the previous digest's snapshot (if any)."""
        before = None if previous is None else previous.get(event.event_id)
        marker = "" if previous is None else _marker(event, before)
        when = describe_dates(event.start_date, event.end_date, event.date_precision, language)
        item = DigestItem(
            event_id=event.event_id,
            when=when,
            title=event_title(event, language),
            status=event.status,
            action=action_for(
                event.mechanism, event.event_type, language, stakeholders=for_stakeholders(event)
            ),
            link=event.source_url,
            marker=marker,
            previously=_former_dates(before, language) if marker == "moved" and before else "",
        )
        return event, item
