"""The field glossary: acronyms, synonyms and English/French/Spanish equivalents, as data.

It expands queries so that "EPU" or "examen périodique universel" also searches for "UPR" and
"universal periodic review". Moderators extend it by editing `knowledge/data/glossary.yaml`
(or a file named by the caller); entries are read once at start.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import yaml

from knowledge.analysis import fold, tokenize

AMBIGUOUS_ACRONYMS = frozenset(
    {"cat", "odd", "sin", "pas", "ai", "ni", "ce", "sr", "ced", "tb", "loi", "who", "osc", "rc"}
)
"""Acronyms that are also everyday words: matched only when typed in capitals."""


class GlossaryError(ValueError):
    """The glossary file is malformed; the message names the entry."""


@dataclass(frozen=True, slots=True)
class GlossaryEntry:
    """One concept: its acronyms and phrases per language, preferred phrase first."""

    id: str
    acronyms: dict[str, tuple[str, ...]]
    terms: dict[str, tuple[str, ...]]

    def preferred(self) -> dict[str, tuple[str, ...]]:
        """Per language: the preferred phrase and the acronyms, what a query is expanded with."""
        languages = set(self.terms) | set(self.acronyms)
        return {
            lang: (*self.terms.get(lang, ())[:1], *self.acronyms.get(lang, ()))
            for lang in sorted(languages)
        }


@dataclass(frozen=True, slots=True)
class Mention:
    """A concept named in a text, at tokens [start, end)."""

    entry: GlossaryEntry
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class _Phrase:
    tokens: tuple[str, ...]
    entry: GlossaryEntry
    capitals_only: str | None


class Glossary:
    """Finds glossary concepts mentioned in a text."""

    def __init__(self, entries: Sequence[GlossaryEntry]) -> None:
        self.entries = tuple(entries)
        self._by_first: dict[str, list[_Phrase]] = {}
        for entry in self.entries:
            for phrase, capitals in _phrases(entry):
                tokens = tuple(tokenize(phrase))
                if tokens:
                    self._by_first.setdefault(tokens[0], []).append(
                        _Phrase(tokens, entry, capitals)
                    )
        for candidates in self._by_first.values():
            candidates.sort(key=lambda p: -len(p.tokens))

    def acronyms(self) -> frozenset[str]:
        """Every acronym, folded: analysers keep these whole instead of stemming them."""
        return frozenset(
            fold(acronym)
            for entry in self.entries
            for values in entry.acronyms.values()
            for acronym in values
        )

    def find(self, text: str) -> list[GlossaryEntry]:
        """Entries mentioned in `text`, longest phrase first at each position, in order."""
        found: list[GlossaryEntry] = []
        for mention in self.mentions(text):
            if mention.entry not in found:
                found.append(mention.entry)
        return found

    def mentions(self, text: str) -> list[Mention]:
        """Where `text` mentions each concept, by token position (as `tokenize` counts)."""
        tokens = tokenize(text)
        found: list[Mention] = []
        position = 0
        while position < len(tokens):
            match = self._match_at(tokens, position, text)
            if match is None:
                position += 1
                continue
            found.append(Mention(match.entry, position, position + len(match.tokens)))
            position += len(match.tokens)
        return found

    def _match_at(self, tokens: list[str], position: int, original: str) -> _Phrase | None:
        for candidate in self._by_first.get(tokens[position], ()):
            end = position + len(candidate.tokens)
            if tuple(tokens[position:end]) != candidate.tokens:
                continue
            if candidate.capitals_only and not _typed_in_capitals(
                candidate.capitals_only, original
            ):
                continue
            return candidate
        return None


def _typed_in_capitals(acronym: str, text: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(acronym)}(?!\w)", text) is not None


def _phrases(entry: GlossaryEntry) -> Iterable[tuple[str, str | None]]:
    for values in entry.terms.values():
        for phrase in values:
            yield phrase, None
    for values in entry.acronyms.values():
        for acronym in values:
            yield acronym, acronym if fold(acronym) in AMBIGUOUS_ACRONYMS else None


def _languages(raw: object, entry_id: str, key: str) -> dict[str, tuple[str, ...]]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise GlossaryError(f"glossary entry {entry_id!r}: {key} must map languages to lists")
    result: dict[str, tuple[str, ...]] = {}
    for language, values in raw.items():
        items = [values] if isinstance(values, str) else values
        if not isinstance(items, list) or not all(isinstance(v, str) for v in items):
            raise GlossaryError(f"glossary entry {entry_id!r}: {key}.{language} must be a list")
        result[str(language)] = tuple(items)
    return result


SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's safe loader when PyYAML has it: ten times faster on the shipped glossary, which
every command reads at start."""


def parse_glossary(text: str) -> Glossary:
    """A glossary from YAML text (a list of entries with id, acronyms, terms)."""
    data = yaml.load(text, Loader=SAFE_LOADER) or []
    if not isinstance(data, list):
        raise GlossaryError("the glossary must be a YAML list of entries")
    entries = []
    for number, raw in enumerate(data, start=1):
        if not isinstance(raw, dict) or "id" not in raw or "terms" not in raw:
            raise GlossaryError(f"glossary entry {number} needs an id and terms")
        entry_id = str(raw["id"])
        entries.append(
            GlossaryEntry(
                id=entry_id,
                acronyms=_languages(raw.get("acronyms"), entry_id, "acronyms"),
                terms=_languages(raw["terms"], entry_id, "terms"),
            )
        )
    return Glossary(entries)


def load_glossary(extra: Path | None = None) -> Glossary:
    """The shipped glossary, extended by the entries of `extra` (same id: `extra` wins)."""
    shipped = resources.files("knowledge.data").joinpath("glossary.yaml")
    entries = {e.id: e for e in parse_glossary(shipped.read_text(encoding="utf-8")).entries}
    if extra is not None:
        try:
            added = parse_glossary(extra.read_text(encoding="utf-8")).entries
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            raise GlossaryError(f"cannot read the glossary {extra}: {exc}") from exc
        entries.update((e.id, e) for e in added)
    return Glossary(list(entries.values()))
