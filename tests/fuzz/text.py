"""Hostile text for every parser: control characters, every script, odd Unicode, great length.

Hypothesis' own `text()` draws from all of Unicode (controls included, lone surrogates not);
these strategies add what it rarely reaches by chance: whole words of many scripts, the
invisible and direction-changing characters, Markdown and Slack markup, and length.
"""

from __future__ import annotations

from hypothesis import strategies as st

SCRIPTS = (
    "human rights",  # Latin
    "droits de l'homme à l'ONU",  # Latin with diacritics
    "права человека",  # Cyrillic
    "حقوق الإنسان",  # Arabic (right to left)
    "זכויות אדם",  # Hebrew
    "मानवाधिकार",  # Devanagari
    "মানবাধিকার",  # Bengali
    "สิทธิมนุษยชน",  # Thai (no spaces between words)
    "人权理事会",  # Chinese
    "人権理事会の審査",  # Japanese
    "인권 이사회",  # Hangul
    "ανθρώπινα δικαιώματα",  # Greek
    "ადამიანის უფლებები",  # Georgian
    "մարդու իրավունքներ",  # Armenian
    "የሰብአዊ መብቶች",  # Ethiopic
    "ᐃᓄᐃᑦ",  # Canadian syllabics
    "𐌷𐌰𐌿𐍃",  # Gothic (outside the Basic Multilingual Plane)
    "👩🏽‍⚖️ 🏳️‍🌈 🇰🇪",  # emoji with joiners, skin tones, flags
    "Z̸̡̢͈̈́a̷̛͇l̶̠̇g̵̱̓o̸̧͐",  # stacked combining marks
    "ＵＰＲ　ｆｕｌｌｗｉｄｔｈ",  # full-width forms, ideographic space
    "ﬁﬂ ǅ ẞ İı",  # ligatures, title case, case mappings that change length
)
INVISIBLE = (
    "\x00",  # NUL
    "\x07\x08\x0b\x0c\x1b",  # bell, backspace, vertical tab, form feed, escape
    "\x7f\x85",  # delete, next line
    "\u200b\u200c\u200d\u2060",  # zero-width space, non-joiner, joiner, word joiner
    "\ufeff",  # byte-order mark
    "\u202e\u202d\u2066\u2069",  # right-to-left override, isolates
    "\u2028\u2029",  # line and paragraph separators
    "\r\n\r",  # Windows and old Mac line ends
    "\t \xa0\u3000",  # tab, no-break space, ideographic space
    "\ufffd\uffff",  # replacement character, a noncharacter
)
MARKUP = (
    "<@U061F7AUR>",
    "<!channel> <!here|here>",
    "<#C0LAN2Q65|general>",
    "<https://example.org|a link>",
    "&amp; &lt; &gt; &#x27;",
    "<at>HuriBot</at>",
    "<script>alert(1)</script>",
    "*bold* _it_ ~strike~ `code` ```block```",
    "# Heading\n## Sub\n- item\n1. one\n> quote",
    "---\nid: x\n---",
    "| a | b |\n|---|---|",
    '"quoted, with ""quotes"""',
    "{{ template }} ${var} %s %(x)s",
    "'; DROP TABLE question; --",
    "../../etc/passwd",
    "\\N \\x00 \\u0000",
)
PUNCTUATION = st.text(alphabet=st.characters(categories=["P", "S"]), min_size=1, max_size=40)

pieces = st.one_of(
    st.sampled_from(SCRIPTS),
    st.sampled_from(INVISIBLE),
    st.sampled_from(MARKUP),
    PUNCTUATION,
    st.text(max_size=30),
)
hostile_text = st.lists(pieces, max_size=12).map(" ".join) | st.text(max_size=200)
"""Up to a few hundred characters of mixed scripts, controls, markup and random code points."""


def long_text(limit: int) -> st.SearchStrategy[str]:
    """Text up to `limit` characters: a hostile piece repeated, often to the very limit."""
    repeated = st.builds(
        lambda piece, size: (piece * (size // max(1, len(piece)) + 1))[:size],
        st.lists(pieces, min_size=1, max_size=4).map(" ".join).filter(bool),
        st.one_of(st.just(limit), st.integers(min_value=1, max_value=limit)),
    )
    return hostile_text | repeated
