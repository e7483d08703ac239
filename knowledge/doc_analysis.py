"""Analysing docs for the index, in this process or, for large batches, in worker processes.

Analysis is pure Python and the slowest part of building an index, while tantivy indexes on
its own threads; spreading analysis over processes lets a whole knowledge base load on every
core. Workers are spawned (not forked) so they never inherit tantivy's running threads.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from itertools import islice

from knowledge.analysis import SUPPORTED_LANGUAGES, Analyzer
from knowledge.search_types import SearchDoc

CHUNK = 2_000
"""Docs analysed per task: large enough that sending them to a worker costs little."""
IN_FLIGHT_PER_WORKER = 2
"""Chunks queued per worker, so a stream of a million docs is never all in memory."""


@dataclass(frozen=True, slots=True)
class AnalysedDoc:
    """A doc with the index terms of its fields, space-separated."""

    doc: SearchDoc
    question: str
    body: str


class DocAnalyser:
    """Analyses docs with the analyser of each doc's language."""

    def __init__(self, *, keep_whole: frozenset[str]) -> None:
        self.keep_whole = keep_whole
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

    def analyse_many(self, docs: Iterable[SearchDoc], *, workers: int) -> Iterator[AnalysedDoc]:
        """Analysed docs in input order; batches beyond one chunk go to `workers` processes."""
        chunks = _chunks(docs)
        first = next(chunks, [])
        if len(first) < CHUNK or workers < 2:
            yield from map(self.analyse, first)
            for chunk in chunks:
                yield from map(self.analyse, chunk)
            return
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(
            max_workers=workers,
            mp_context=context,
            initializer=_start_worker,
            initargs=(self.keep_whole,),
        ) as pool:
            pending: deque[Future[list[AnalysedDoc]]] = deque()
            for chunk in _prepend(first, chunks):
                pending.append(pool.submit(_analyse_chunk, chunk))
                if len(pending) > IN_FLIGHT_PER_WORKER * workers:
                    yield from pending.popleft().result()
            while pending:
                yield from pending.popleft().result()


def _chunks(docs: Iterable[SearchDoc]) -> Iterator[list[SearchDoc]]:
    iterator = iter(docs)
    while chunk := list(islice(iterator, CHUNK)):
        yield chunk


def _prepend(first: list[SearchDoc], rest: Iterator[list[SearchDoc]]) -> Iterator[list[SearchDoc]]:
    yield first
    yield from rest


_worker: DocAnalyser | None = None


def _start_worker(keep_whole: frozenset[str]) -> None:
    global _worker  # noqa: PLW0603 - one analyser per worker process, built once
    _worker = DocAnalyser(keep_whole=keep_whole)


def _analyse_chunk(chunk: Sequence[SearchDoc]) -> list[AnalysedDoc]:
    assert _worker is not None, "worker not initialised"
    return [_worker.analyse(doc) for doc in chunk]
