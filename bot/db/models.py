"""The database schema: every table's ORM model, on one `Base`, so one Alembic history covers
the whole schema and tests/bot/db/test_migrations.py compares it with the migrations as one.

Kept as one module past the ~300-line guide on purpose: it is declarations only, and a reader
checking a column or a relation finds the whole schema in one place.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from bot.db.types import UTCDateTime
from knowledge.records import MAX_OWNER_CHARS, MAX_SLUG_CHARS, MAX_SOURCE_CHARS, MAX_TITLE_CHARS

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utc_now() -> datetime:
    """Now, to the microsecond (the database's own clock keeps only seconds on SQLite), so
    that every change moves `updated_at` and other processes notice it."""
    return datetime.now(UTC)


class Base(DeclarativeBase):
    """Declarative base with constraint names that are stable across SQLite and PostgreSQL."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        dict[str, Any]: JSON,
        list[str]: JSON,
        list[int]: JSON,
        list[dict[str, str]]: JSON,
    }


class ConsolidatedReply(Base):
    """A curated question and answer, the preferred kind of answer."""

    __tablename__ = "consolidated_reply"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(MAX_SLUG_CHARS), unique=True)
    question: Mapped[str] = mapped_column(Text)
    alt_questions: Mapped[list[str]] = mapped_column(default=list)
    answer_md: Mapped[str] = mapped_column(Text)
    tags: Mapped[list[str]] = mapped_column(default=list)
    language: Mapped[str] = mapped_column(String(8), default="en")
    sources: Mapped[list[dict[str, str]]] = mapped_column(default=list)
    status: Mapped[str] = mapped_column(String(16), default="published", index=True)
    last_reviewed: Mapped[date | None] = mapped_column(Date)
    review_by: Mapped[date | None] = mapped_column(Date)
    owner: Mapped[str | None] = mapped_column(String(MAX_OWNER_CHARS))
    origin: Mapped[str] = mapped_column(String(500), default="")
    content_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utc_now, server_default=func.now()
    )
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utc_now, server_default=func.now(), onupdate=utc_now
    )


class GuidanceDocument(Base):
    """A guidance document whose passages are searchable."""

    __tablename__ = "guidance_document"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(MAX_SLUG_CHARS), unique=True)
    title: Mapped[str] = mapped_column(String(MAX_TITLE_CHARS))
    source: Mapped[str] = mapped_column(String(MAX_SOURCE_CHARS))
    content_hash: Mapped[str] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(8), default="en")
    origin: Mapped[str] = mapped_column(String(500), default="")
    ingested_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utc_now, server_default=func.now(), onupdate=utc_now
    )
    passages: Mapped[list[Passage]] = relationship(
        back_populates="document",
        cascade="all, delete-orphan",
        order_by="Passage.position",
        passive_deletes=True,
    )


class Passage(Base):
    """A chunk of a guidance document, with the headings it sits under."""

    __tablename__ = "passage"
    __table_args__ = (UniqueConstraint("document_id", "position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("guidance_document.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    heading_path: Mapped[list[str]] = mapped_column(default=list)
    text: Mapped[str] = mapped_column(Text)
    document: Mapped[GuidanceDocument] = relationship(back_populates="passages")


class ItemEmbedding(Base):
    """The embedding of a reply or passage by one model, stored so it is computed only once
    (a passage takes a tenth of a second); `text_hash` tells when the text changed since."""

    __tablename__ = "item_embedding"
    __table_args__ = (UniqueConstraint("item_id", "model"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[str] = mapped_column(String(300))
    model: Mapped[str] = mapped_column(String(120))
    text_hash: Mapped[str] = mapped_column(String(64))
    vector: Mapped[bytes] = mapped_column(LargeBinary)
    """float32 values, little-endian."""


class Question(Base):
    """Every question a member asked, written before the platform is acknowledged.

    The conversation reference is kept so the Secretariat's answer can reach the asker in the
    same thread later, even after restarts; `event_key` de-duplicates platform retries.
    """

    __tablename__ = "question"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    conversation: Mapped[dict[str, Any]] = mapped_column()
    user_id: Mapped[str] = mapped_column(String(128), index=True)
    text: Mapped[str] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(8))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    event_key: Mapped[str | None] = mapped_column(String(255), unique=True)
    status: Mapped[str] = mapped_column(String(24), default="received", index=True)
    reply_kind: Mapped[str | None] = mapped_column(String(16))
    item_id: Mapped[str | None] = mapped_column(String(255))
    confidence: Mapped[float | None] = mapped_column(Float)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    feedback: Mapped[str | None] = mapped_column(String(24))
    feedback_by: Mapped[str | None] = mapped_column(String(128))
    feedback_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("question_group.id", ondelete="SET NULL"), index=True
    )
    conversation_id: Mapped[str | None] = mapped_column(String(255))
    """`conversation`'s id (cut to fit as event keys are), for the flood check's index: a
    conversation's questions of the last minute are counted without reading everyone's."""

    __table_args__ = (
        Index("ix_question_conversation_received", "platform", "conversation_id", "received_at"),
    )


class QuestionGroup(Base):
    """Open questions that mean the same thing, answered once by a moderator."""

    __tablename__ = "question_group"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    status: Mapped[str] = mapped_column(String(24), default="open", index=True)
    title: Mapped[str] = mapped_column(Text)
    """The first wording, shown to moderators."""
    language: Mapped[str] = mapped_column(String(8), default="en")
    assigned_to: Mapped[str | None] = mapped_column(String(160))
    assignee_name: Mapped[str | None] = mapped_column(String(200))
    """The assignee's display name as their platform gave it (cards show it, not an id)."""
    reply_id: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    card: Mapped[dict[str, Any] | None] = mapped_column()
    """Where the moderators' card about this group was posted (platform, channel, message)."""
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AuditEvent(Base):
    """Who changed what, when, with the state before and after."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    actor: Mapped[str] = mapped_column(String(160))
    action: Mapped[str] = mapped_column(String(40))
    target: Mapped[str] = mapped_column(String(200), index=True)
    before: Mapped[dict[str, Any] | None] = mapped_column()
    after: Mapped[dict[str, Any] | None] = mapped_column()


class OutboxMessage(Base):
    """A message to deliver to a conversation, sent at least once and recorded exactly once.

    The idempotency key (e.g. `answer:group:5:question:12`) makes enqueueing the same
    notification twice a no-op; a dispatcher delivers pending rows through the adapters.
    """

    __tablename__ = "outbox_message"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(255), unique=True)
    platform: Mapped[str] = mapped_column(String(16), index=True)
    conversation: Mapped[dict[str, Any]] = mapped_column()
    payload: Mapped[dict[str, Any]] = mapped_column()
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class CalendarEvent(Base):
    """One dated engagement of a country with a human-rights mechanism, as published.

    Dates are stored only as published (never computed from a rule), with their precision;
    `sequence` grows whenever the dates move, as iCalendar subscribers expect.
    """

    __tablename__ = "calendar_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[str] = mapped_column(String(120), unique=True)
    mechanism: Mapped[str] = mapped_column(String(8))
    body: Mapped[str] = mapped_column(String(200))
    session: Mapped[str] = mapped_column(String(60), default="")
    country: Mapped[str] = mapped_column(String(3), index=True)
    event_type: Mapped[str] = mapped_column(String(40))
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    date_precision: Mapped[str] = mapped_column(String(8))
    deadline_for: Mapped[str] = mapped_column(String(120), default="")
    status: Mapped[str] = mapped_column(String(16))
    source_url: Mapped[str] = mapped_column(String(1000), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    previous_start: Mapped[date | None] = mapped_column(Date)
    """Where the event stood before its last move (digests mark it as moved)."""
    source_retrieved: Mapped[date | None] = mapped_column(Date)
    """When the source was read: the newest of these is the calendar's "data as of"."""
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utc_now, server_default=func.now(), onupdate=utc_now
    )


class KnownConversation(Base):
    """A conversation that has talked to the bot, with what a proactive send needs to reach it
    again (Teams needs its service URL and tenant, which only an incoming activity tells)."""

    __tablename__ = "known_conversation"
    __table_args__ = (UniqueConstraint("platform", "conversation_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    conversation_id: Mapped[str] = mapped_column(String(255))
    reference: Mapped[dict[str, Any]] = mapped_column()
    first_seen: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen: Mapped[datetime] = mapped_column(UTCDateTime)


class Unct(Base):
    """A UN Country Team and the countries it covers (a multi-country office covers several)."""

    __tablename__ = "unct"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    countries: Mapped[list[str]] = mapped_column(default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Subscription(Base):
    """One conversation's calendar digests and reminders, for a UNCT's countries or its own.

    `next_digest_at` is the scheduled work: the loop sends the digest once it is due and moves
    it to the cadence's next time. `digest_snapshot` is what the last digest showed, so the
    next one can mark what is new, moved or cancelled.
    """

    __tablename__ = "subscription"
    __table_args__ = (UniqueConstraint("platform", "conversation_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    conversation_id: Mapped[str] = mapped_column(String(255))
    conversation: Mapped[dict[str, Any]] = mapped_column()
    unct_id: Mapped[int | None] = mapped_column(
        ForeignKey("unct.id", ondelete="SET NULL"), index=True
    )
    countries: Mapped[list[str]] = mapped_column(default=list)
    cadence: Mapped[str] = mapped_column(String(100))
    """Cron expression in the subscription's time zone, e.g. `0 9 1 * *` (the 1st at 09:00)."""
    reminder_time: Mapped[str] = mapped_column(String(5), default="09:00")
    lead_days: Mapped[list[int]] = mapped_column(default=list)
    timezone: Mapped[str] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(8), default="en")
    created_by: Mapped[str] = mapped_column(String(160))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    next_digest_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    last_digest_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    digest_snapshot: Mapped[dict[str, Any] | None] = mapped_column()
    unct: Mapped[Unct | None] = relationship(lazy="selectin")


class CalendarReminder(Base):
    """A reminder due `lead_days` before an event, for one subscription.

    Rows are planned ahead, so a reminder whose time passed while the bot was down is still
    found (and sent late). A move re-arms the row for the new date.
    """

    __tablename__ = "calendar_reminder"
    __table_args__ = (UniqueConstraint("subscription_id", "event_id", "lead_days"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subscription_id: Mapped[int] = mapped_column(
        ForeignKey("subscription.id", ondelete="CASCADE"), index=True
    )
    event_id: Mapped[str] = mapped_column(String(120))
    lead_days: Mapped[int] = mapped_column(Integer)
    event_date: Mapped[date] = mapped_column(Date)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    queued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ModeratorSession(Base):
    """A moderator signed in to the web dashboard. The browser holds a random token; only its
    SHA-256 is stored, so reading this table signs nobody in."""

    __tablename__ = "moderator_session"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    platform: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[str] = mapped_column(String(128))
    name: Mapped[str | None] = mapped_column(String(200))
    method: Mapped[str] = mapped_column(String(24))
    """How they signed in: an identity provider's key, or the set-up token."""
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class SetupTokenUse(Base):
    """A one-time set-up token that has been used (by its fingerprint, never the token), so
    it signs in once even across restarts and processes."""

    __tablename__ = "setup_token_use"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)
    used_at: Mapped[datetime] = mapped_column(UTCDateTime)


class KnowledgeChange(Base):
    """One change to the knowledge base (a reply or a document added, edited, retired or
    removed), written in the transaction that made it. Every bot process reads the ones it
    has not seen yet and updates its own index for just those items, so a change made through
    any replica is searchable on the others within a second, without a rebuild."""

    __tablename__ = "knowledge_change"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    """"reply" or "document"."""
    item: Mapped[str] = mapped_column(String(255))
    """The reply's or the document's slug."""
    at: Mapped[datetime] = mapped_column(UTCDateTime)


class ReplyVersion(Base):
    """One state a consolidated reply has had (every field a reader sees), written in the
    transaction of the change that made it, by whom and how: the history moderators compare
    versions in, and the base an edit must still be on to be saved."""

    __tablename__ = "reply_version"
    __table_args__ = (UniqueConstraint("reply_slug", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reply_slug: Mapped[str] = mapped_column(String(MAX_SLUG_CHARS), index=True)
    number: Mapped[int] = mapped_column(Integer)
    """1 for the reply's first version, then one more for each change."""
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(160))
    action: Mapped[str] = mapped_column(String(40))
    """"create", "edit" or "retire"."""
    content: Mapped[dict[str, Any]] = mapped_column()


class StagedUpload(Base):
    """A file a moderator uploaded to import, kept between its preview and their
    confirmation (which another server process may receive); `id` is the random token the
    confirmation form carries."""

    __tablename__ = "staged_upload"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(24))
    filename: Mapped[str] = mapped_column(String(255))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    options: Mapped[dict[str, Any]] = mapped_column(JSON)
    """What the moderator chose with the file (prune, format...), applied as previewed."""
    staged_by: Mapped[str] = mapped_column(String(160))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
