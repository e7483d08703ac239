"""A small known corpus used by several test modules."""

from __future__ import annotations

from knowledge.records import (
    DocumentRecord,
    IngestBatch,
    PassageRecord,
    ReplyRecord,
    ReplyStatus,
    SourceLink,
)

UPR_REPLY = ReplyRecord(
    slug="upr-unct-submission",
    question="How does a UN Country Team prepare its submission to the Universal Periodic Review?",
    alt_questions=("What goes into a UNCT report for the UPR?",),
    answer_md="The UNCT submission summarises the country situation against earlier UPR "
    "recommendations and is sent to OHCHR before the stakeholder deadline.",
    tags=("UPR", "UNCT"),
    sources=(SourceLink(title="OHCHR UPR", url="https://www.ohchr.org/en/hr-bodies/upr/upr-main"),),
)
HRBA_REPLY = ReplyRecord(
    slug="hrba-programming",
    question="What is the human rights-based approach to programming?",
    answer_md="A human rights-based approach anchors programmes in international human rights "
    "standards, targets rights-holders and duty-bearers, and values participation.",
    tags=("HRBA",),
    sources=(SourceLink(title="UNSDG HRBA portal", url="https://unsdg.un.org/2030-agenda/hrba"),),
)
DRAFT_REPLY = ReplyRecord(
    slug="draft-wifi",
    question="How does the office wifi work?",
    answer_md="Draft: not yet checked by the Secretariat.",
    status=ReplyStatus.DRAFT,
)
GUIDE = DocumentRecord(
    slug="guide-visits",
    title="Preparing special procedures visits",
    source="guide-visits.md",
    content_hash="hash-v1",
    passages=(
        PassageRecord(
            position=0,
            heading_path=("Before the visit",),
            text="The Resident Coordinator Office helps the mandate holder's team draft the "
            "terms of reference and the programme of meetings with the government.",
        ),
        PassageRecord(
            position=1,
            heading_path=("After the visit",),
            text="Follow-up to the rapporteur's report is tracked with the national mechanism "
            "for implementation, reporting and follow-up.",
        ),
    ),
)

SMALL_BATCH = IngestBatch(replies=(UPR_REPLY, HRBA_REPLY, DRAFT_REPLY), documents=(GUIDE,))
