"""What a version changed: only the fields that differ, lists one item a line, sources as
`Title <url>`, and everything for a first version."""

from __future__ import annotations

from bot.kb.reply_diff import diff_versions

OLD = {
    "question": "What is the HRBA?",
    "alt_questions": ["HRBA?"],
    "answer_md": "It anchors programmes.\nIt values participation.",
    "tags": ["HRBA"],
    "sources": [{"title": "UNSDG", "url": "https://unsdg.un.org/"}],
    "status": "published",
    "review_by": "2027-01-01",
}


def test_only_the_changed_fields_are_listed_line_by_line() -> None:
    new = OLD | {
        "alt_questions": ["HRBA?", "rights-based approach?"],
        "sources": [{"title": "UNSDG portal", "url": "https://unsdg.un.org/"}],
        "review_by": None,
    }
    changes = {change.name: change.lines for change in diff_versions(OLD, new)}
    assert list(changes) == ["alt_questions", "sources", "review_by"]
    assert [(line.kind, line.text) for line in changes["alt_questions"]] == [
        ("same", "HRBA?"),
        ("added", "rights-based approach?"),
    ]
    assert [(line.kind, line.text) for line in changes["sources"]] == [
        ("removed", "UNSDG <https://unsdg.un.org/>"),
        ("added", "UNSDG portal <https://unsdg.un.org/>"),
    ]
    assert [line.kind for line in changes["review_by"]] == ["removed"]


def test_a_first_version_shows_everything_it_said() -> None:
    changes = diff_versions(None, OLD)
    assert [change.name for change in changes] == [
        "question", "alt_questions", "answer_md", "tags", "sources", "status", "review_by",
    ]  # fmt: skip
    assert all(line.kind == "added" for change in changes for line in change.lines)
    assert diff_versions(OLD, dict(OLD)) == []
