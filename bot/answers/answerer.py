"""From a question to a `Reply`: search, let the policy decide, cite sources."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from bot.answers.excerpts import answering_excerpt, shown_whole
from bot.answers.policy import AnsweringPolicy, Decision, Verdict
from bot.answers.wording import other_language_notice
from bot.clock import Clock, system_clock
from bot.kb.service import KnowledgeService
from bot.messages import Reply, ReplyKind, SourceRef, Suggestion
from knowledge.ingest.sentences import split_sentences
from knowledge.query import QueryPlanner
from knowledge.search_types import Hit, SearchDoc

MAX_SUGGESTIONS = 3
CANDIDATES = 8

TENTATIVE_TEXT = "I'm not fully sure this is what you need."
OUTDATED_TEXT = "This answer may be outdated: it is past its review date and is being re-checked."
ABSTAIN_TEXT = (
    "I don't know the answer to that yet, and I'd rather not guess. "
    "I've noted your question for the Secretariat's moderators."
)


class Answerer:
    """Answers questions from the knowledge base, saying plainly when it does not know."""

    def __init__(
        self, *, knowledge: KnowledgeService, policy: AnsweringPolicy, clock: Clock = system_clock
    ) -> None:
        self._knowledge = knowledge
        self._policy = policy
        self._clock = clock

    @property
    def knowledge(self) -> KnowledgeService:
        """The knowledge base searched."""
        return self._knowledge

    @property
    def policy(self) -> AnsweringPolicy:
        """The policy that chooses and decides."""
        return self._policy

    @property
    def planner(self) -> QueryPlanner:
        """The query analysis the policy uses (shared with question grouping)."""
        return self._policy.planner

    def assess(
        self, question: str, *, top_k: int = CANDIDATES, language: str | None = None
    ) -> Verdict:
        """Search and decide, without composing a reply (used by `ask --json`)."""
        hits = self._knowledge.search(question, top_k=max(top_k, 2), language=language)
        verdict = self._policy.decide(
            question, hits, index=self._knowledge.index, language=language
        )
        return dataclasses.replace(verdict, hits=verdict.hits[:top_k])

    async def answer(self, question: str, *, language: str | None = None) -> Reply:
        """A complete reply: the answer with its sources, or an honest abstention."""
        await self._knowledge.prepare(question)
        verdict = self.assess(question, language=language)
        if not verdict.answered:
            return Reply(
                kind=ReplyKind.ABSTAIN,
                text=_with_suggestions(ABSTAIN_TEXT, verdict.hits[:MAX_SUGGESTIONS]),
                suggestions=_suggestions(verdict.hits[:MAX_SUGGESTIONS]),
                confidence=verdict.confidence,
            )
        best = verdict.hits[0]
        tentative = verdict.decision is Decision.ANSWER_WITH_ALTERNATIVES
        others = (
            verdict.hits[1:]
            if tentative
            else [h for h in verdict.hits[1:] if h.doc.kind == "reply"]
        )
        reply = await self._compose(
            best.doc,
            confidence=verdict.confidence,
            alternatives=_distinct(best.doc, others)[:MAX_SUGGESTIONS],
            tentative=tentative,
            excerpt=self._excerpt(question, best.doc),
        )
        notice = other_language_notice(best.doc.language, verdict.language)
        return dataclasses.replace(reply, notice=notice, text=f"{notice}\n\n{reply.text}".strip())

    async def present(self, item_id: str) -> Reply | None:
        """One knowledge-base item as a reply (a member clicked a related suggestion)."""
        doc = await self._knowledge.lookup(item_id)
        if doc is None:
            return None
        return await self._compose(doc, confidence=None, alternatives=(), tentative=False)

    def _excerpt(self, question: str, doc: SearchDoc) -> str | None:
        """The sentences of a passage that answer the question (None: show it whole)."""
        if doc.kind != "passage":
            return None
        sentences = split_sentences(doc.text)
        if shown_whole(doc.text, sentences):
            return None
        scores = self._knowledge.sentence_similarities(question, doc)
        if not scores:
            units = self.planner.plan(question).units
            scores = {
                sentence: sum(u.found_in(terms) for u in units) / max(1, len(units))
                for sentence, terms in self._policy.extractor.sentence_terms(doc)
            }
        return answering_excerpt(doc.text, scores)

    async def _compose(
        self,
        doc: SearchDoc,
        *,
        confidence: float | None,
        alternatives: Sequence[Hit],
        tentative: bool,
        excerpt: str | None = None,
    ) -> Reply:
        sources, outdated = await self._citations(doc)
        heading = doc.title if doc.kind == "reply" else _passage_heading(doc)
        shown = excerpt or doc.text
        text = f"{heading}\n\n{shown}\n\n" + _sources_text(sources)
        if outdated:
            text = f"{OUTDATED_TEXT}\n\n{text}"
        if tentative:
            text = _with_suggestions(TENTATIVE_TEXT + "\n\n" + text, alternatives)
        return Reply(
            kind=ReplyKind.ANSWER,
            text=text.strip(),
            answer_md=shown,
            sources=sources,
            suggestions=_suggestions(alternatives),
            confidence=confidence,
            item_id=doc.id,
            tentative=tentative,
            outdated=outdated,
            whole_item_id=doc.id if excerpt else None,
        )

    async def _citations(self, doc: SearchDoc) -> tuple[tuple[SourceRef, ...], bool]:
        """The sources to cite, and whether the reply is past its review date."""
        if doc.kind == "passage":
            section = " › ".join(doc.heading_path)
            return (SourceRef(title=doc.title, location=doc.source, section=section),), False
        meta = await self._knowledge.reply_meta(doc.id)
        sources = tuple(SourceRef(title=s["title"], location=s["url"]) for s in meta.sources)
        outdated = meta.review_by is not None and meta.review_by < self._clock().date()
        return sources, outdated


def _passage_heading(doc: SearchDoc) -> str:
    path = " › ".join(doc.heading_path)
    return f"From “{doc.title}”" + (f", section {path}" if path else "")


def _sources_text(sources: Sequence[SourceRef]) -> str:
    lines = ["Sources:"]
    for source in sources:
        section = f" ({source.section})" if source.section else ""
        lines.append(f"- {source.title}{section}: {source.location}")
    return "\n".join(lines) if sources else ""


def _distinct(answer: SearchDoc, hits: Sequence[Hit]) -> list[Hit]:
    """Hits that add something to the answer: not its own document, one per document, no
    two with the same title."""
    documents = {_document_of(answer)}
    titles = {_suggestion_title(Hit(doc=answer, score=0.0))}
    kept = []
    for hit in hits:
        document, title = _document_of(hit.doc), _suggestion_title(hit)
        if document in documents or title in titles:
            continue
        documents.add(document)
        titles.add(title)
        kept.append(hit)
    return kept


def _document_of(doc: SearchDoc) -> str:
    """A passage's document id (`guide-upr#4` -> `guide-upr`), a reply's own id."""
    return doc.id.partition("#")[0]


def _suggestions(hits: Sequence[Hit]) -> tuple[Suggestion, ...]:
    return tuple(Suggestion(id=h.doc.id, title=_suggestion_title(h)) for h in hits)


def _suggestion_title(hit: Hit) -> str:
    if hit.doc.kind == "reply":
        return hit.doc.title
    return " › ".join((hit.doc.title, *hit.doc.heading_path))


def _with_suggestions(text: str, hits: Sequence[Hit]) -> str:
    if not hits:
        return text
    lines = "\n".join(f"- {_suggestion_title(h)}" for h in hits)
    return f"{text}\n\nYou may also mean:\n{lines}"
