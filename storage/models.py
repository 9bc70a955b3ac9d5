"""SQLAlchemy 2 models: the organisation directory, conversations and delivery."""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """Return the current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware datetime stored as UTC; naive values are refused."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime refused: use timezone-aware datetimes")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:  # SQLite returns naive values; they were stored as UTC
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Role(enum.StrEnum):
    """What a person is in the organisation."""

    OFFICIAL = "official"
    PARTY_SECURITY = "party_security"
    MUNICIPAL_SECURITY = "municipal_security"
    MUNICIPAL_DIRECTOR = "municipal_director"
    ADMIN = "admin"
    UNREGISTERED = "unregistered"


class Municipality(Base):
    __tablename__ = "municipality"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str | None] = mapped_column(String(200))  # the org file's English name
    security_unit_phone: Mapped[str] = mapped_column(String(40))
    switchboard_phone: Mapped[str | None] = mapped_column(String(40))
    pack: Mapped[str] = mapped_column(String(32), default="oxelosund")
    retention_months: Mapped[int] = mapped_column(Integer, default=24)  # closed and idle cases
    alert_retention_months: Mapped[int] = mapped_column(Integer, default=12)  # /akut alerts
    audit_retention_months: Mapped[int] = mapped_column(Integer, default=60)  # archive decision
    quiet_hours: Mapped[str] = mapped_column(String(5), default="21-08")  # no nudges: from-until

    parties: Mapped[list[Party]] = relationship(back_populates="municipality")


class Party(Base):
    __tablename__ = "party"
    __table_args__ = (UniqueConstraint("municipality_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"))
    key: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    pack: Mapped[str | None] = mapped_column(String(32))  # a party pack on top, if any

    municipality: Mapped[Municipality] = relationship(back_populates="parties")


class Person(Base):
    """Someone who uses Trygg; directory people carry a role, party and municipality."""

    __tablename__ = "person"

    id: Mapped[int] = mapped_column(primary_key=True)
    handle: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(
        Enum(Role, native_enum=False, length=32, values_callable=lambda e: [m.value for m in e])
    )
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipality.id"))
    party_id: Mapped[int | None] = mapped_column(ForeignKey("party.id"))
    phone: Mapped[str | None] = mapped_column(String(40))
    locale: Mapped[str | None] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    in_org_file: Mapped[bool] = mapped_column(Boolean, default=False)  # from `trygg org load`
    # the elected official's function and committee, e.g. "Ledamot, byggnadsnämnden" (the
    # paper form asks for it; the org file may give it, so the report need not ask)
    assignment: Mapped[str | None] = mapped_column(String(200))

    municipality: Mapped[Municipality | None] = relationship()
    party: Mapped[Party | None] = relationship()


class ErasedHandle(Base):
    """A tombstone: a keyed hash of an erased person's handle, so that loading the org file
    again does not bring them back (unless the operator restores them on purpose)."""

    __tablename__ = "erased_handle"

    id: Mapped[int] = mapped_column(primary_key=True)
    handle_mac: Mapped[str] = mapped_column(String(64), unique=True)
    erased_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ChannelBinding(Base):
    """Links an address on a transport (a Telegram chat, a console handle) to a person."""

    __tablename__ = "channel_binding"
    __table_args__ = (UniqueConstraint("channel", "address"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    address: Mapped[str] = mapped_column(String(128))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # their last message
    # The platform says the address is gone (Signal: no longer registered): nothing is sent.
    dead_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The address's identity changed (Signal: a new safety number): no case content goes
    # there until the person is confirmed again (a fresh invite, or the unit confirms).
    held_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Confirmed after a hold, and the platform not yet told to trust the new identity.
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class TransportStatus(Base):
    """What a channel's platform last said about the bot's own account (e.g. a captcha)."""

    __tablename__ = "transport_status"

    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    state: Mapped[str] = mapped_column(String(32))  # ok | proof_required | disconnected ...
    detail: Mapped[str | None] = mapped_column(String(200))  # never personal data
    since: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class OfferedChoices(Base):
    """On a channel without buttons: the choices last offered to an address, numbered."""

    __tablename__ = "offered_choices"

    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    address: Mapped[str] = mapped_column(String(128), primary_key=True)
    token: Mapped[str] = mapped_column(String(64))
    buttons: Mapped[list[Any]] = mapped_column(JSON)  # [[id, label], ...] in order
    offered_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class SentMessage(Base):
    """A message the bot sent, by its platform id, while it may still delete it."""

    __tablename__ = "sent_message"
    __table_args__ = (Index("ix_sent_message_address", "channel", "address", "platform_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    address: Mapped[str] = mapped_column(String(128))
    platform_id: Mapped[str] = mapped_column(String(32))  # Signal: its 13-digit timestamp
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)


class Conversation(Base):
    """Where a person is in the dialogue: flow, state, the open prompt and its buttons."""

    __tablename__ = "conversation"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), primary_key=True
    )
    flow: Mapped[str | None] = mapped_column(String(32))
    state: Mapped[str | None] = mapped_column(String(64))
    step: Mapped[int] = mapped_column(Integer, default=0)
    prompt: Mapped[bytes | None] = mapped_column(LargeBinary)  # sealed: it may quote answers
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # ids and flags only
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Replies survive a crash between commit and send: each event's replies are numbered
    # and sealed with its step (they quote answers); the transport's confirmation moves
    # sent_no up to reply_no and drops them, so reply_no > sent_no means "send again".
    reply_no: Mapped[int] = mapped_column(Integer, default=0)
    sent_no: Mapped[int] = mapped_column(Integer, default=0)
    replies: Mapped[bytes | None] = mapped_column(LargeBinary)
    resent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # after a crash


class HandledEvent(Base):
    """An inbound event id that has been handled; makes redelivery idempotent."""

    __tablename__ = "handled_event"

    event_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    handled_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class OutboxStatus(enum.StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


class OutboxMessage(Base):
    """A message to someone other than the sender, committed with its cause, sent after."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "status", "priority", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(32))
    priority: Mapped[int] = mapped_column(Integer, default=5)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    # None: the recipient's channel last used; set: that channel only (an alert goes out
    # on every channel the person is bound on, one row each)
    channel: Mapped[str | None] = mapped_column(String(16))
    status: Mapped[OutboxStatus] = mapped_column(
        Enum(
            OutboxStatus,
            native_enum=False,
            length=16,
            values_callable=lambda e: [m.value for m in e],
        ),
        default=OutboxStatus.PENDING,
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(String(200))
    drill_id: Mapped[int | None] = mapped_column(ForeignKey("drill.id"), index=True)  # an övning


class Drill(Base):
    """An övning: an alert run for practice, sped up, marked and removed when it ends; only
    its summary stays (counts, times and person ids, never free text)."""

    __tablename__ = "drill"

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"))
    started_by: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    speed: Mapped[int] = mapped_column(Integer, default=60)  # timers run this many times faster
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    summary: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class ReportStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    CLOSED = "closed"


class Report(Base):
    """An incident report (a case once submitted). Answers are sealed, never in clear."""

    __tablename__ = "report"
    __table_args__ = (Index("ix_report_reporter_status", "reporter_id", "status"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    ref: Mapped[str] = mapped_column(String(16), unique=True)
    status: Mapped[ReportStatus] = mapped_column(
        Enum(
            ReportStatus,
            native_enum=False,
            length=16,
            values_callable=lambda e: [m.value for m in e],
        ),
        default=ReportStatus.DRAFT,
    )
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    targeted_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipality.id"))
    party_id: Mapped[int | None] = mapped_column(ForeignKey("party.id"))
    pack: Mapped[str] = mapped_column(String(32))
    category: Mapped[str | None] = mapped_column(String(16))
    unverified: Mapped[bool] = mapped_column(Boolean, default=False)
    answers: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    checkins: Mapped[bool] = mapped_column(Boolean, default=True)  # the targeted may opt out
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_by: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    evaluation: Mapped[bytes | None] = mapped_column(LargeBinary)  # sealed closing evaluation
    hold: Mapped[bool] = mapped_column(Boolean, default=False)  # kept past retention (e.g. trial)
    drill_id: Mapped[int | None] = mapped_column(ForeignKey("drill.id"), index=True)  # an övning


class Evidence(Base):
    """A file or forwarded message kept with a report: sealed content, size and SHA-256."""

    __tablename__ = "evidence"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    report_id: Mapped[str] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    size: Mapped[int] = mapped_column(Integer)
    # Legacy: the SHA-256 in clear would confirm a known file to whoever holds the database.
    # It is kept in the sealed ``meta`` now; `App.migrate` moves old values there.
    sha256: Mapped[str | None] = mapped_column(String(64))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    meta: Mapped[bytes] = mapped_column(LargeBinary)  # sealed: file name, MIME type, caption
    content: Mapped[bytes] = mapped_column(LargeBinary)  # sealed bytes


class AlertStatus(enum.StrEnum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    EXHAUSTED = "exhausted"  # every level was tried and nobody acknowledged
    WITHDRAWN = "withdrawn"  # the person it was about was erased: nobody is paged any more


class Alert(Base):
    """A push that a human must acknowledge, or it escalates level by level."""

    __tablename__ = "alert"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # akut | report | checkin
    subject_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL")
    )  # the person who needs help
    report_id: Mapped[str | None] = mapped_column(
        ForeignKey("report.id", ondelete="CASCADE"), index=True
    )
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipality.id"))
    party_id: Mapped[int | None] = mapped_column(ForeignKey("party.id"))  # whose contacts
    status: Mapped[AlertStatus] = mapped_column(
        Enum(
            AlertStatus,
            native_enum=False,
            length=16,
            values_callable=lambda e: [m.value for m in e],
        ),
        default=AlertStatus.OPEN,
    )
    level: Mapped[int] = mapped_column(Integer, default=1)
    levels: Mapped[int] = mapped_column(Integer, default=1)
    ack_minutes: Mapped[int] = mapped_column(Integer)
    acknowledged_by: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL")
    )
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    drill_id: Mapped[int | None] = mapped_column(ForeignKey("drill.id"), index=True)  # an övning
    # She took it back herself, a mistake she said (withdrawn for any other reason: None).
    taken_back_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @property
    def untaken(self) -> bool:
        """Whether it waits for someone to take it: escalating, or every level tried."""
        return self.status in (AlertStatus.OPEN, AlertStatus.EXHAUSTED)


class AlertRecipient(Base):
    """Who an alert goes to, at which level; ``removed`` people get nothing and see nothing."""

    __tablename__ = "alert_recipient"
    __table_args__ = (UniqueConstraint("alert_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[str] = mapped_column(ForeignKey("alert.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    level: Mapped[int] = mapped_column(Integer)
    notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    failed: Mapped[bool] = mapped_column(Boolean, default=False)
    removed: Mapped[bool] = mapped_column(Boolean, default=False)
    # when this person took it: kept when the alert is handed on to someone else later
    took_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # when it was last shown to this person again, as they came back while it still waited
    shown_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class AlertNote(Base):
    """Words the person wrote around her /akut alert, for those it went to (no case yet), and
    what those who may act on it wrote back to her."""

    __tablename__ = "alert_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[str] = mapped_column(ForeignKey("alert.id", ondelete="CASCADE"), index=True)
    # None: the alert's person wrote it; else the contact who wrote it to her through Trygg
    author_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    text: Mapped[bytes] = mapped_column(LargeBinary)  # sealed
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class TimerState(enum.StrEnum):
    PENDING = "pending"
    FIRED = "fired"
    CANCELLED = "cancelled"


class Timer(Base):
    """Something that must happen at a time: a row, so restarts and crashes lose nothing."""

    __tablename__ = "timer"
    __table_args__ = (
        Index("ix_timer_due", "state", "due_at"),
        Index("ix_timer_subject", "kind", "subject"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str] = mapped_column(String(64))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    state: Mapped[TimerState] = mapped_column(
        Enum(
            TimerState,
            native_enum=False,
            length=16,
            values_callable=lambda e: [m.value for m in e],
        ),
        default=TimerState.PENDING,
    )
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    fired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    drill_id: Mapped[int | None] = mapped_column(ForeignKey("drill.id"), index=True)  # an övning


class ChecklistAnswer(Base):
    """One answer to a checklist item of a case (Ja / Nej / Inte aktuellt), who and when."""

    __tablename__ = "checklist_answer"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[str] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[str] = mapped_column(String(32))
    answer: Mapped[str] = mapped_column(String(8))  # yes | no | na | text
    comment: Mapped[bytes | None] = mapped_column(LargeBinary)  # sealed
    answered_by: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CaseNote(Base):
    """Something written about a case after it was sent: a reply to a check-in, a note."""

    __tablename__ = "case_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[str] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(16))  # checkin (the targeted person's reply) ...
    text: Mapped[bytes] = mapped_column(LargeBinary)  # sealed
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class FollowUp(Base):
    """A follow-up conversation (1–3): planned, not needed, or documented. A planned call
    is booked for a time (``planned_for``) or, said as "in two weeks", planned for a day
    without one (``planned_day``, a Stockholm date) until a time is booked."""

    __tablename__ = "followup"
    __table_args__ = (UniqueConstraint("report_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[str] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))  # planned | not_needed | documented
    planned_for: Mapped[datetime | None] = mapped_column(UTCDateTime())
    planned_day: Mapped[date | None] = mapped_column(Date())  # a day, no time booked yet
    notes: Mapped[bytes | None] = mapped_column(LargeBinary)  # sealed: date, present, notes
    documented_by: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    documented_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Invite(Base):
    """A one-time code that grants a role; only a keyed hash of the code is stored."""

    __tablename__ = "invite"

    id: Mapped[int] = mapped_column(primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[Role] = mapped_column(
        Enum(Role, native_enum=False, length=32, values_callable=lambda e: [m.value for m in e])
    )
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"))
    party_id: Mapped[int | None] = mapped_column(ForeignKey("party.id"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    used_by: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    code: Mapped[bytes | None] = mapped_column(LargeBinary)  # sealed: re-hashed when keys rotate


class AuditEntry(Base):
    """Append-only: who did what, when (views of reports, role changes, erasure, purges)."""

    __tablename__ = "audit"
    __table_args__ = (Index("ix_audit_municipality_at", "municipality_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    actor: Mapped[str] = mapped_column(String(64))  # a handle, "operator" or "system"
    action: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str] = mapped_column(String(64))  # a reference or handle, never text
    municipality_id: Mapped[int | None] = mapped_column(Integer)
    # The case an entry is about: shown only to people who may access that case now;
    # ``restricted`` (an internal case) keeps it from anyone once the case is purged.
    report_id: Mapped[str | None] = mapped_column(String(32), index=True)
    restricted: Mapped[bool] = mapped_column(Boolean, default=False)
    # The alert an entry is about: shown only to people who may see that alert now (it
    # went to them and their role still fits it); ``restricted`` keeps it from anyone
    # once the alert is gone.
    alert_id: Mapped[str | None] = mapped_column(String(32), index=True)


class WebLogin(Base):
    """A one-time link into the web console, sent in the chat: only a hash of its token is
    kept; single use, short-lived, bound to one person."""

    __tablename__ = "web_login"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class WebSession(Base):
    """A signed-in browser: only a hash of its cookie is kept, with its CSRF token and the
    times that end it (idle and absolute), so every process sees the same sessions."""

    __tablename__ = "web_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    csrf: Mapped[str] = mapped_column(String(64))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    notice: Mapped[bytes | None] = mapped_column(LargeBinary)  # sealed: shown once, next page


class ReceiverLease(Base):
    """Which process reads a channel's updates (long polling, the Signal daemon) until
    when: one reader per channel across processes; see storage.leases."""

    __tablename__ = "receiver_lease"

    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    holder: Mapped[str] = mapped_column(String(64))
    taken_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
