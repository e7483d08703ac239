"""Contact details taken out of a question before anyone else reads it: e-mail addresses and
telephone numbers, which name a person (often a victim or a defender) more surely than the
question itself does. Optional (`HURIBOT_REDACT_CONTACTS`): on, the question log never holds
them, so neither moderators nor reports see them."""

from __future__ import annotations

import re

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(r"(?<![\w+(])[+(]?\d(?:[\s.()/-]*\d){7,14}(?!\w)")
"""Eight to fifteen digits (the ITU's longest number), with the usual separators; a year or a
document symbol (A/HRC/55/12) is too short or has letters around it."""
DATE = re.compile(r"\d{4}-\d{2}-\d{2}|\d{2}[./-]\d{2}[./-]\d{4}")
"""Dates have eight digits too, and are kept."""
EMAIL_MARK = "[e-mail]"
PHONE_MARK = "[phone]"


def redact_contacts(text: str) -> str:
    """`text` with e-mail addresses and telephone numbers replaced by a mark saying what was
    there (a moderator still sees that the member gave one)."""

    def phone(match: re.Match[str]) -> str:
        return match.group() if DATE.fullmatch(match.group()) else PHONE_MARK

    return PHONE.sub(phone, EMAIL.sub(EMAIL_MARK, text))
