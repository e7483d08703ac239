"""Analysing docs for the index: the terms of each field, with each doc's own language."""

from __future__ import annotations

from dataclasses import dataclass

from knowledge.analysis import SUPPORTED_LANGUAGES, Analyzer
from knowledge.search_types import SearchDoc

ANALYSIS_VERSION = "1"
"""Names how text becomes index terms (this module, `Analyzer`, the stemmers and symbol rules);
change it when they change, so indexes kept on disk are rebuilt."""


@dataclass(frozen=True, slots=True)
class AnalysedDoc:
    """A doc with the index terms of its fields, space-separated."""

    doc: SearchDoc
    question: str
    body: str


class DocAnalyser:
    """Analyses docs with the analyser of each doc's language."""

    def __init__(self, *, keep_whole: frozenset[str]) -> None:
        self._analyzers = {
            lang: Analyzer(language=lang, keep_whole=keep_whole) for lang in SUPPORTED_LANGUAGES
        }

    def analyse(self, doc: SearchDoc) -> AnalysedDoc:
        """Question terms (question, phrasings or document title) and all-text terms."""
        analyzer = self._analyzers.get(doc.language, self._analyzers["en"])
        question = " ".join(analyzer.terms(" \n ".join((doc.title, *doc.alt_titles))))
        headings = analyzer.terms(" \n ".join(doc.heading_path))
        body = " ".join((question, *headings, *analyzer.terms(doc.text)))
        return AnalysedDoc(doc=doc, question=question, body=body)
