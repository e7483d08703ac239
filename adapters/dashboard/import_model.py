"""What an import would change (its preview) or changed, as the import pages list it: by
kind of change, each item with its id and what it is called."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from adapters.dashboard.i18n import Gettext
from bot.calendar.rows import CalendarRow
from bot.calendar.store import CalendarImport
from bot.kb.store import StoreReport
from knowledge.records import IngestBatch


@dataclass(frozen=True, slots=True)
class Item:
    """One reply, document or event, by id and name."""

    id: str
    label: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class Section:
    """Every item of one kind of change ("Replies retired")."""

    key: str
    title: str
    items: tuple[Item, ...]


@dataclass(frozen=True, slots=True)
class Outcome:
    """An import's changes, section by section, and how many items it leaves as they are."""

    sections: tuple[Section, ...]
    unchanged: int

    @property
    def changes(self) -> int:
        """Items added, changed or withdrawn."""
        return sum(len(section.items) for section in self.sections)


def _section(key: str, title: str, ids: Iterable[str], labels: Mapping[str, str]) -> Section:
    return Section(key, title, tuple(Item(i, labels.get(i, "")) for i in ids))


def knowledge_outcome(report: StoreReport, batch: IngestBatch, _: Gettext) -> Outcome:
    """Replies and documents added, changed, and retired or removed (what the file no longer
    holds, or with pruning what no file read holds)."""
    labels = {reply.slug: reply.question for reply in batch.replies}
    labels.update({document.slug: document.title for document in batch.documents})
    replies, documents = report.replies, report.documents
    return Outcome(
        sections=(
            _section("replies-added", _("Replies added"), replies.added, labels),
            _section("replies-changed", _("Replies changed"), replies.updated, labels),
            _section("replies-retired", _("Replies retired"), replies.withdrawn, labels),
            _section("documents-added", _("Guidance documents added"), documents.added, labels),
            _section(
                "documents-changed", _("Guidance documents changed"), documents.updated, labels
            ),
            _section(
                "documents-removed", _("Guidance documents removed"), documents.withdrawn, labels
            ),
        ),
        unchanged=len(replies.unchanged) + len(documents.unchanged),
    )


def calendar_outcome(
    report: CalendarImport, rows: Sequence[CalendarRow], titles: Mapping[str, str], _: Gettext
) -> Outcome:
    """Events added, changed (moved ones said so), and cancelled, postponed or back."""
    moved_word = _("moved")
    notes = {
        row.event_id: " · ".join(
            filter(None, (_dates(row), moved_word if row.event_id in report.moved else ""))
        )
        for row in rows
    }
    withdrawn = set(report.withdrawn)

    def items(ids: Iterable[str]) -> tuple[Item, ...]:
        return tuple(Item(i, titles.get(i, ""), notes.get(i, "")) for i in ids)

    changed = [event_id for event_id in report.updated if event_id not in withdrawn]
    return Outcome(
        sections=(
            Section("events-added", _("Events added"), items(report.added)),
            Section("events-changed", _("Events changed"), items(changed)),
            Section(
                "events-withdrawn",
                _("Events cancelled, postponed or restored"),
                items(report.withdrawn),
            ),
        ),
        unchanged=len(report.unchanged),
    )


def _dates(row: CalendarRow) -> str:
    """The event's dates as the file gives them (ISO: read alike in every language)."""
    if row.start_date is None:
        return ""
    end = (
        f" – {row.end_date.isoformat()}" if row.end_date and row.end_date != row.start_date else ""
    )
    return f"{row.start_date.isoformat()}{end}"
