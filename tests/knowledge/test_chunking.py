"""Splitting documents into passages that follow their structure."""

from __future__ import annotations

import re

import pytest

from knowledge.ingest.blocks import Block, Heading, Text
from knowledge.ingest.chunking import MAX_WORDS, MIN_WORDS, chunk_blocks
from knowledge.ingest.sentences import split_sentences

TOPICS = (
    "the national human rights institution",
    "the country team",
    "women's organisations",
    "persons with disabilities",
    "the treaty body",
    "local authorities",
)

FILLER = ("and", "its", "follow-up", "work", "in", "every", "region")


def sentences(tag: str, count: int, words: int = 12) -> list[str]:
    """Distinct sentences of exactly `words` words, each ending with a full stop."""
    out = []
    for index in range(count):
        topic = TOPICS[index % len(TOPICS)]
        base = f"{tag} point {index} concerns {topic}".split()
        filler = [FILLER[i % len(FILLER)] for i in range(words - len(base))]
        out.append(" ".join(base + filler) + ".")
    assert all(len(s.split()) == words for s in out)
    return out


def paragraph(tag: str, count: int, words: int = 12) -> Text:
    return Text(" ".join(sentences(tag, count, words)))


def word_count(text: str) -> int:
    return len(text.split())


def normalised(text: str) -> str:
    return " ".join(text.split())


def guidance_document() -> list[Block]:
    """A realistic guidance note: a title, chapters, sections, lists, long and short text."""
    return [
        Heading(0, "Guidance note on follow-up"),
        paragraph("Intro", 3),  # 36 words: too short alone, merged forward
        Heading(1, "1. Scope"),
        paragraph("ScopeA", 5),
        paragraph("ScopeB", 5),
        paragraph("ScopeC", 4),
        Heading(1, "2. Treaty bodies"),
        paragraph("TreatyA", 9),
        Heading(2, "2.1 Reporting"),
        paragraph("Reporting", 40),  # 480 words in one paragraph: split at sentence ends
        Heading(2, "2.2 Concluding observations"),
        paragraph("ObsA", 8),
        Text("Share them with the country team.", "list_item"),
        Text("Plan joint follow-up.", "list_item"),
        Text("Report on progress.", "list_item"),
        paragraph("ObsB", 10),
        Heading(1, "3. Universal Periodic Review"),
        paragraph("UprA", 12),
        paragraph("UprB", 12),
        paragraph("UprC", 12),
    ]


def all_sentences(blocks: list[Block]) -> list[str]:
    found: list[str] = []
    for block in blocks:
        if isinstance(block, Text):
            found.extend(split_sentences(block.text))
    return found


def test_passages_stay_within_word_bounds() -> None:
    passages = chunk_blocks(guidance_document())

    sizes = [word_count(p.text) for p in passages]
    assert len(passages) >= 6
    assert all(MIN_WORDS <= size <= MAX_WORDS for size in sizes), sizes


def test_every_sentence_appears_whole_in_exactly_one_passage() -> None:
    blocks = guidance_document()
    passages = chunk_blocks(blocks)
    texts = [normalised(p.text) for p in passages]

    for sentence in all_sentences(blocks):
        holders = [t for t in texts if sentence in t]
        assert len(holders) == 1, sentence


def test_text_keeps_document_order() -> None:
    blocks = guidance_document()
    joined = normalised(" ".join(p.text for p in chunk_blocks(blocks)))

    positions = [joined.index(sentence) for sentence in all_sentences(blocks)]
    assert positions == sorted(positions)


def test_positions_count_from_zero_in_document_order() -> None:
    passages = chunk_blocks(guidance_document())

    assert [p.position for p in passages] == list(range(len(passages)))


def test_heading_paths_are_outermost_first() -> None:
    passages = chunk_blocks(guidance_document())
    by_tag = {
        tag: next(p for p in passages if f"{tag} point 0 " in p.text)
        for tag in ("Intro", "TreatyA", "Reporting", "ObsA", "UprA")
    }

    # The short introduction was merged with section 1, so only the title is shared.
    assert by_tag["Intro"].heading_path == ("Guidance note on follow-up",)
    assert "\n\n1. Scope\n\nScopeA point 0 " in by_tag["Intro"].text
    assert by_tag["TreatyA"].heading_path == ("Guidance note on follow-up", "2. Treaty bodies")
    assert by_tag["Reporting"].heading_path == (
        "Guidance note on follow-up",
        "2. Treaty bodies",
        "2.1 Reporting",
    )
    assert by_tag["ObsA"].heading_path == (
        "Guidance note on follow-up",
        "2. Treaty bodies",
        "2.2 Concluding observations",
    )
    assert by_tag["UprA"].heading_path == (
        "Guidance note on follow-up",
        "3. Universal Periodic Review",
    )


def test_short_paragraphs_under_one_heading_are_merged() -> None:
    passages = chunk_blocks(
        [Heading(1, "Scope"), paragraph("A", 3), paragraph("B", 3), paragraph("C", 3)]
    )

    (passage,) = passages
    assert passage.heading_path == ("Scope",)
    assert passage.text.count("\n\n") == 2
    assert word_count(passage.text) == 108


def test_long_paragraph_is_split_at_sentence_ends_into_balanced_parts() -> None:
    text = paragraph("Long", 30)  # 360 words
    passages = chunk_blocks([Heading(1, "Section"), text])

    assert [word_count(p.text) for p in passages] == [180, 180]
    assert all(p.text.endswith(".") for p in passages)
    assert all(p.heading_path == ("Section",) for p in passages)


def test_sections_of_fair_size_are_not_merged_across_headings() -> None:
    passages = chunk_blocks(
        [Heading(1, "One"), paragraph("A", 6), Heading(1, "Two"), paragraph("B", 6)]
    )

    assert [p.heading_path for p in passages] == [("One",), ("Two",)]
    assert [word_count(p.text) for p in passages] == [72, 72]


def test_tiny_section_is_merged_forward_into_the_next_under_the_same_parent() -> None:
    blocks: list[Block] = [
        Heading(1, "2. Follow-up"),
        paragraph("Lead", 2),  # 24 words, tiny
        Heading(2, "2.1 Treaty bodies"),
        paragraph("Body", 10),
        Heading(2, "2.2 Special procedures"),
        paragraph("Special", 10),
    ]

    passages = chunk_blocks(blocks)

    assert [p.heading_path for p in passages] == [
        ("2. Follow-up",),
        ("2. Follow-up", "2.2 Special procedures"),
    ]
    first = passages[0].text
    assert first.startswith("Lead point 0")
    assert "\n\n2.1 Treaty bodies\n\nBody point 0" in first


def test_tiny_last_section_joins_its_previous_sibling() -> None:
    blocks: list[Block] = [
        Heading(1, "Chapter"),
        Heading(2, "Long section"),
        paragraph("Long", 10),
        Heading(2, "Contacts"),
        paragraph("Contact", 1),
    ]

    (passage,) = chunk_blocks(blocks)

    assert passage.heading_path == ("Chapter",)
    assert passage.text.startswith("Long section\n\nLong point 0")
    assert "\n\nContacts\n\nContact point 0" in passage.text


def test_tiny_section_is_not_merged_into_an_unrelated_branch() -> None:
    blocks: list[Block] = [
        Heading(1, "A"),
        Heading(2, "A.1"),
        paragraph("Deep", 10),
        Heading(1, "B"),
        paragraph("Short", 2),
    ]

    passages = chunk_blocks(blocks)

    assert [p.heading_path for p in passages] == [("A", "A.1"), ("B",)]
    assert word_count(passages[1].text) == 24


def test_list_items_are_kept_as_lines() -> None:
    blocks: list[Block] = [
        Heading(1, "Steps"),
        Text("Three steps help:"),
        Text("Map who is left behind.", "list_item"),
        Text("Agree on priorities.", "list_item"),
    ]

    (passage,) = chunk_blocks(blocks)

    assert passage.text == "Three steps help:\n\n- Map who is left behind.\n- Agree on priorities."


def test_text_before_any_heading_has_an_empty_path() -> None:
    (passage,) = chunk_blocks([paragraph("Free", 6)])

    assert passage.heading_path == ()


def test_headings_without_text_give_no_passage() -> None:
    assert chunk_blocks([Heading(1, "Only"), Heading(2, "Headings"), Text("   ")]) == ()


def test_one_huge_sentence_is_cut_only_as_a_last_resort() -> None:
    passages = chunk_blocks([Text(" ".join(f"word{i}" for i in range(600)))])

    assert [word_count(p.text) for p in passages] == [200, 200, 200]


def test_chunking_is_deterministic() -> None:
    first = chunk_blocks(guidance_document())

    assert chunk_blocks(guidance_document()) == first
    assert chunk_blocks(list(guidance_document())) == first


def test_custom_bounds_are_respected() -> None:
    passages = chunk_blocks(guidance_document(), min_words=20, max_words=80)

    assert all(word_count(p.text) <= 80 for p in passages)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Support partners, e.g. UNICEF and UN Women. Then report.",
            ["Support partners, e.g. UNICEF and UN Women.", "Then report."],
        ),
        (
            "Use the right data, i.e. Disaggregated data. It matters.",
            ["Use the right data, i.e. Disaggregated data.", "It matters."],
        ),
        (
            "See General Comment No. 24 on this. It is recent.",
            ["See General Comment No. 24 on this.", "It is recent."],
        ),
        (
            "As stated in para. 12 of the report. Next point.",
            ["As stated in para. 12 of the report.", "Next point."],
        ),
        (
            "The Council adopted A/HRC/60/8. It calls on States. See E/C.12/GC/24 too.",
            ["The Council adopted A/HRC/60/8.", "It calls on States.", "See E/C.12/GC/24 too."],
        ),
        (
            "Ask J. Smith. Was it done? Yes! «Bien» dit-elle.",
            ["Ask J. Smith.", "Was it done?", "Yes!", "«Bien» dit-elle."],
        ),
        (
            "¿Qué hace el ACNUDH? Apoya a los Estados.",
            ["¿Qué hace el ACNUDH?", "Apoya a los Estados."],
        ),
        ("lowercase after. does not split", ["lowercase after. does not split"]),
    ],
)
def test_sentence_splitting_respects_abbreviations(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


def test_sentence_splitting_keeps_every_word() -> None:
    text = "One. Two e.g. three. Four? Five! Six art. 7. Eight"

    assert re.sub(r"\s+", " ", " ".join(split_sentences(text))) == text
