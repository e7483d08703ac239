"""The production search engine: tantivy over terms produced by our own analysis.

Text is analysed in Python (the same `Analyzer` the reference engine uses) and handed to
tantivy as whitespace-separated terms, so stemming, symbols and the glossary stay ours while
tantivy does the indexing and BM25 scoring in Rust. Fields are weighted (questions and titles
above body text) and replies get a small lift over passages when equally relevant.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import structlog
import tantivy

from knowledge.doc_analysis import ANALYSIS_VERSION, AnalysedDoc, DocAnalyser
from knowledge.hashing import stable_hash
from knowledge.index import IndexStats, SearchFilters
from knowledge.index_snapshots import link_files
from knowledge.query import QueryPlan, QueryPlanner, WeightedTerm
from knowledge.search_types import Hit, SearchDoc

logger = structlog.get_logger(__name__)

FUZZY_MIN_LENGTH = 5
MAX_FUZZY_TERMS = 2
COMMIT_EVERY = 100_000
"""During a large load, commit this often so segments merge as they go (a single commit of a
million docs leaves dozens of small segments that slow every search afterwards)."""
FUZZY_DISCOUNT = 0.6
WRITER_THREADS = 1
"""Each indexing thread writes a segment of its own at every commit, and every search (a
fuzzy term above all) walks each segment: with one thread the sample and 10k passages make two
segments instead of four and a search costs a third less (0.37-0.41 against 0.55 ms, real
questions), the load even goes faster (the analysis in Python is the bottleneck, not tantivy)."""
SCHEMA_VERSION = "1"
"""Names the schema and what each field holds (`_schema`, `_document`); change it when they
change, so indexes kept on disk are rebuilt."""
EXPORT_ATTEMPTS = 3
"""A merge may remove the files being linked by `export`; it starts again with the new ones."""
FREQUENCIES_KEPT = 50_000
"""Document frequencies remembered between commits at most (members' words are unbounded)."""


@dataclass(frozen=True, slots=True)
class FieldWeights:
    """How much a match in each field counts. `body` holds all of a doc's text (its question,
    phrasings and headings included, as BM25 expects); `question` (a reply's question and
    phrasings, a passage's document title) adds a bonus for matching there. A separate
    headings bonus measured no better on the evaluation set, so headings live in `body` only."""

    question: float = 0.5
    body: float = 1.0

    def items(self) -> tuple[tuple[str, float], ...]:
        """(field name, weight) pairs, zero weights left out."""
        pairs = (("question", self.question), ("body", self.body))
        return tuple((name, weight) for name, weight in pairs if weight > 0)


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw")
    builder.add_text_field("kind", tokenizer_name="raw", index_option="basic")
    builder.add_text_field("lang", tokenizer_name="raw", index_option="basic")
    for name in ("question", "body"):
        builder.add_text_field(name, tokenizer_name="whitespace", index_option="freq")
    builder.add_float_field("lift", fast=True)
    return builder.build()


class TantivyIndex:
    """An in-memory tantivy index behind the `SearchIndex` interface."""

    def __init__(
        self,
        *,
        planner: QueryPlanner,
        weights: FieldWeights | None = None,
        reply_lift: float = 0.02,
        writer_heap_bytes: int = 100_000_000,
        writer_threads: int = WRITER_THREADS,
        workspace: Path | None = None,
    ) -> None:
        """`workspace` (the caller's, a temporary folder removed at exit by default) holds the
        index files: memory-mapped files let the OS keep only the hot parts of a large index
        in RAM."""
        self._planner = planner
        self._weights = weights or FieldWeights()
        self._reply_lift = reply_lift
        self._analyser = DocAnalyser(keep_whole=planner.glossary.acronyms())
        self._schema = _schema()
        self._temporary: tempfile.TemporaryDirectory[str] | None = None
        if workspace is None:
            self._temporary = tempfile.TemporaryDirectory(prefix="huribot-index-")
            workspace = Path(self._temporary.name)
        self._workspace = workspace
        self._heap = writer_heap_bytes
        self._threads = writer_threads
        self._generation = 0
        self._folder = self._new_folder()
        self._index = tantivy.Index(self._schema, path=str(self._folder))
        self._writer = self._index.writer(heap_size=self._heap, num_threads=self._threads)
        self._searcher = self._index.searcher()
        self._docs: dict[str, SearchDoc] = {}
        """Every indexed doc by id: hits are read from here, tantivy stores only ids."""
        self._stats = IndexStats(documents=0, replies=0, passages=0)
        self._frequencies: dict[str, int] = {}
        """Live document frequencies counted since the last commit: every answer asks them
        for each of its terms, and a count is a search of its own."""
        self._none_deleted = True
        """Whether the searcher's segments hold no deleted doc: tantivy's own statistic is
        then exact and no count is needed."""

    @property
    def fingerprint(self) -> str:
        """Changes whenever the same docs would be indexed differently: a snapshot made under
        another fingerprint must be rebuilt."""
        acronyms = sorted(self._planner.glossary.acronyms())
        engine = metadata.version("tantivy")
        return stable_hash(
            SCHEMA_VERSION, ANALYSIS_VERSION, engine, repr(self._reply_lift), *acronyms
        )

    def docs(self) -> list[SearchDoc]:
        """Every indexed doc (what a snapshot stores beside the engine's files)."""
        return list(self._docs.values())

    def export(self, target: Path) -> None:
        """Write the files of the last commit into `target` as hard links (tantivy never
        changes a file it wrote), to be reopened by `restore` in this or another process."""
        for attempt in range(EXPORT_ATTEMPTS):
            meta = (self._folder / "meta.json").read_bytes()
            segments = {s["segment_id"].replace("-", "") for s in json.loads(meta)["segments"]}
            names = [p.name for p in self._folder.iterdir() if p.name.split(".")[0] in segments]
            try:
                link_files(self._folder, target, names=names)
            except FileNotFoundError:  # a merge finished and removed its inputs meanwhile
                shutil.rmtree(target, ignore_errors=True)
                if attempt == EXPORT_ATTEMPTS - 1:
                    raise
                continue
            (target / "meta.json").write_bytes(meta)
            return

    def restore(self, files: Path, docs: Sequence[SearchDoc]) -> None:
        """Reopen exported files with the docs they were exported with, in place of what this
        index holds; ValueError when the files do not open or do not hold those docs."""
        folder = self._new_folder()
        try:
            names = [p.name for p in files.iterdir() if not p.name.startswith(".")]
            link_files(files, folder, names=names)
            index = tantivy.Index.open(str(folder))
            searcher = index.searcher()
            if searcher.num_docs != len(docs):
                raise ValueError(f"the files hold {searcher.num_docs} docs, not {len(docs)}")
            writer = index.writer(heap_size=self._heap, num_threads=self._threads)
        except (OSError, ValueError):
            shutil.rmtree(folder, ignore_errors=True)
            raise
        old = self._folder
        self._index, self._writer, self._searcher, self._folder = index, writer, searcher, folder
        self._docs = {doc.id: doc for doc in docs}
        self._stats = self._count_kinds()
        self._frequencies.clear()
        self._none_deleted = self._holds_no_deleted()
        shutil.rmtree(old, ignore_errors=True)

    def _new_folder(self) -> Path:
        self._generation += 1
        folder = self._workspace / f"live-{self._generation}"
        folder.mkdir(parents=True)
        return folder

    def add(self, docs: Iterable[SearchDoc]) -> None:
        """Insert or replace docs and make them searchable at once."""
        added = 0
        for analysed in map(self._analyser.analyse, docs):
            doc = analysed.doc
            if doc.id in self._docs:
                self._writer.delete_documents_by_term("id", doc.id)
            self._docs[doc.id] = doc
            self._writer.add_document(self._document(analysed))
            added += 1
            if added % COMMIT_EVERY == 0:
                self._writer.commit()
        if added:
            self._commit()

    def remove(self, ids: Iterable[str]) -> None:
        """Delete docs by id and make the removal visible at once."""
        removed = 0
        for doc_id in ids:
            if self._docs.pop(doc_id, None) is not None:
                self._writer.delete_documents_by_term("id", doc_id)
                removed += 1
        if removed:
            self._commit()

    def search(
        self,
        query: str,
        *,
        top_k: int = 10,
        filters: SearchFilters | None = None,
        language: str | None = None,
    ) -> Sequence[Hit]:
        """Best hits for the query, replies lifted slightly over passages."""
        plan = self._planner.plan(query, language=language)
        return self.search_plan(plan, top_k=top_k, filters=filters)

    def search_plan(
        self, plan: QueryPlan, *, top_k: int = 10, filters: SearchFilters | None = None
    ) -> Sequence[Hit]:
        """Search with an already analysed query (lets callers reuse one analysis)."""
        if not plan.terms or top_k < 1:
            return []
        query = self._query(plan.terms, filters)
        searcher = self._searcher
        result = searcher.search(query, limit=top_k, count=False, weight_by_field="lift")
        return [
            Hit(doc=self._docs[searcher.doc(address)["id"][0]], score=float(score))
            for score, address in result.hits
        ]

    def stats(self) -> IndexStats:
        """Counts by kind (kept up to date at every commit)."""
        return self._stats

    def _count_kinds(self) -> IndexStats:
        replies = self._count(tantivy.Query.term_query(self._schema, "kind", "reply"))
        passages = self._count(tantivy.Query.term_query(self._schema, "kind", "passage"))
        return IndexStats(documents=replies + passages, replies=replies, passages=passages)

    def document_frequency(self, term: str) -> int:
        """Live docs whose text contains the term. Tantivy's own statistic still counts
        replaced and deleted docs until their segments merge: while any are held, each term
        is counted instead (once per commit)."""
        if self._none_deleted:
            return int(self._searcher.doc_freq("body", term))
        known = self._frequencies.get(term)
        if known is not None:
            return known
        count = 0
        if self._searcher.doc_freq("body", term) > 0:
            count = self._count(tantivy.Query.term_query(self._schema, "body", term))
        if len(self._frequencies) >= FREQUENCIES_KEPT:
            self._frequencies.clear()
        self._frequencies[term] = count
        return count

    def _document(self, analysed: AnalysedDoc) -> tantivy.Document:
        doc = analysed.doc
        document = tantivy.Document()
        document.add_text("id", doc.id)
        document.add_text("kind", doc.kind)
        document.add_text("lang", doc.language)
        document.add_text("question", analysed.question)
        document.add_text("body", analysed.body)
        document.add_float("lift", self._reply_lift if doc.kind == "reply" else 0.0)
        return document

    def _query(self, terms: Sequence[WeightedTerm], filters: SearchFilters | None) -> tantivy.Query:
        searcher = self._searcher
        clauses: list[tuple[tantivy.Occur, tantivy.Query]] = []
        unknown: list[WeightedTerm] = []
        for term in terms:
            known = False
            for field, weight in self._weights.items():
                if searcher.doc_freq(field, term.text) == 0:
                    continue
                known = True
                clause = tantivy.Query.term_query(self._schema, field, term.text)
                clauses.append((tantivy.Occur.Should, _boost(clause, weight * term.weight)))
            if not known and _typo_candidate(term):
                unknown.append(term)
        clauses.extend(self._fuzzy_clause(term) for term in unknown[:MAX_FUZZY_TERMS])
        query = tantivy.Query.boolean_query(clauses)
        must = self._filter_clauses(filters)
        if not must:
            return query
        return tantivy.Query.boolean_query([(tantivy.Occur.Must, query), *must])

    def _fuzzy_clause(self, term: WeightedTerm) -> tuple[tantivy.Occur, tantivy.Query]:
        """A misspelt rare word (one edit away) still finds its document, at a discount.

        Both the stem and the word as typed are tried (stemming can mangle a misspelling), in
        body text only (it holds every field's terms) and for a couple of words per query,
        because each fuzzy term walks the whole term dictionary."""
        variants = dict.fromkeys(v for v in (term.text, term.surface) if v)
        fuzzy = [
            (
                tantivy.Occur.Should,
                tantivy.Query.fuzzy_term_query(self._schema, "body", variant, 1, True, False),
            )
            for variant in variants
        ]
        query = fuzzy[0][1] if len(fuzzy) == 1 else tantivy.Query.boolean_query(fuzzy)
        return tantivy.Occur.Should, _boost(query, FUZZY_DISCOUNT * term.weight)

    def _filter_clauses(
        self, filters: SearchFilters | None
    ) -> list[tuple[tantivy.Occur, tantivy.Query]]:
        if filters is None:
            return []
        must: list[tuple[tantivy.Occur, tantivy.Query]] = []
        if filters.kinds is not None:
            must.append((tantivy.Occur.Must, self._any_of("kind", filters.kinds)))
        if filters.languages is not None:
            must.append((tantivy.Occur.Must, self._any_of("lang", filters.languages)))
        return must

    def _any_of(self, field: str, values: Iterable[str]) -> tantivy.Query:
        return tantivy.Query.term_set_query(self._schema, field, sorted(values))

    def _count(self, query: tantivy.Query) -> int:
        result: Any = self._searcher.search(query, limit=1, count=True)
        return int(result.count or 0)

    def _commit(self) -> None:
        self._writer.commit()
        self._index.reload()
        self._searcher = self._index.searcher()
        self._frequencies.clear()
        self._stats = self._count_kinds()
        self._none_deleted = self._holds_no_deleted()

    def _holds_no_deleted(self) -> bool:
        """True when the segments count every doc they hold as live: every doc has one kind,
        and tantivy's statistic counts deleted docs where `num_docs` does not."""
        held = sum(self._searcher.doc_freq("kind", kind) for kind in ("reply", "passage"))
        return held == self._searcher.num_docs


def _typo_candidate(term: WeightedTerm) -> bool:
    """Long enough to be a misspelling rather than another word, and not a document symbol."""
    return term.fuzzy and len(term.text) >= FUZZY_MIN_LENGTH and "/" not in term.text


def _boost(query: tantivy.Query, weight: float) -> tantivy.Query:
    return query if weight == 1.0 else tantivy.Query.boost_query(query, weight)
