"""Retention: how long each kind of record is kept, and the deletes that enforce it.

A case carries its own evidence, checklist, follow-ups and alerts; everything else has a
rule here. Periods set per municipality (its archive decision) live on the municipality
row; the rest are fixed below. Nothing here commits.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, delete, exists, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from storage.models import (
    Alert,
    AuditEntry,
    Conversation,
    Evidence,
    Invite,
    Municipality,
    OutboxMessage,
    OutboxStatus,
    Report,
    ReportStatus,
    Timer,
    TimerState,
)

ABANDONED_DRAFT = timedelta(days=30)  # an unsent report nobody touched for a month
IDLE_CONVERSATION = timedelta(days=30)  # the open question may quote a draft's answers
DELIVERY_ROWS = timedelta(days=30)  # sent/failed messages, fired/cancelled timers: ids only
SPENT_INVITES = timedelta(days=30)  # used or expired invite codes (keyed hashes)
WARN_AHEAD = timedelta(days=7)  # a case is announced this long before it is purged
# Used where a record has no municipality (e.g. /akut by someone unregistered); the same
# as the columns' defaults on Municipality.
CASE_MONTHS = 24
ALERT_MONTHS = 12
AUDIT_MONTHS = 60


def add_months(moment: datetime, months: int) -> datetime:
    """The same day and time ``months`` later (earlier if negative), clamped to month end."""
    year, month = divmod(moment.month - 1 + months, 12)
    year += moment.year
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def _count(result: object) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


@dataclass(frozen=True, slots=True)
class IdleCase:
    """An open case without activity, and when it may be purged."""

    report_id: str
    purge_at: datetime


class RetentionRepo:
    """Deletes what has outlived its retention period; each method returns a count."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def _months(self, column: str) -> dict[int, int]:
        rows = await self.session.execute(select(Municipality.id, getattr(Municipality, column)))
        return {municipality_id: months for municipality_id, months in rows.all()}

    async def _per_municipality(
        self,
        model: type[Alert] | type[AuditEntry],
        column: str,
        default: int,
        at: InstrumentedAttribute[datetime],
        municipality: InstrumentedAttribute[int | None],
        now: datetime,
        *where: ColumnElement[bool],
    ) -> int:
        """Delete rows older than their municipality's period (``default`` without one)."""
        months = await self._months(column)
        total = 0
        for municipality_id, keep in months.items():
            result = await self.session.execute(
                delete(model)
                .where(municipality == municipality_id, at < add_months(now, -keep), *where)
                .execution_options(synchronize_session=False)
            )
            total += _count(result)
        homeless = or_(municipality.is_(None), municipality.not_in(list(months) or [-1]))
        result = await self.session.execute(
            delete(model)
            .where(homeless, at < add_months(now, -default), *where)
            .execution_options(synchronize_session=False)
        )
        return total + _count(result)

    async def abandoned_drafts(self, now: datetime) -> int:
        """Unsent reports untouched (answers and evidence) for 30 days, with their evidence."""
        cutoff = now - ABANDONED_DRAFT
        recent_evidence = exists(
            select(Evidence.id).where(
                Evidence.report_id == Report.id, Evidence.received_at >= cutoff
            )
        )
        result = await self.session.execute(
            delete(Report)
            .where(
                Report.status == ReportStatus.DRAFT,
                Report.updated_at < cutoff,
                ~recent_evidence,
            )
            .execution_options(synchronize_session=False)
        )
        return _count(result)

    async def akut_alerts(self, now: datetime) -> int:
        """/akut alerts (no case) older than the municipality's alert period, with their
        recipients."""
        return await self._per_municipality(
            Alert,
            "alert_retention_months",
            ALERT_MONTHS,
            Alert.created_at,
            Alert.municipality_id,
            now,
            Alert.report_id.is_(None),
        )

    async def audit(self, now: datetime) -> int:
        """Audit entries older than the municipality's archive decision."""
        return await self._per_municipality(
            AuditEntry,
            "audit_retention_months",
            AUDIT_MONTHS,
            AuditEntry.at,
            AuditEntry.municipality_id,
            now,
        )

    async def delivered_messages(self, now: datetime) -> int:
        """Sent or failed outbox rows older than 30 days."""
        result = await self.session.execute(
            delete(OutboxMessage).where(
                OutboxMessage.status.in_((OutboxStatus.SENT, OutboxStatus.FAILED)),
                OutboxMessage.created_at < now - DELIVERY_ROWS,
            )
        )
        return _count(result)

    async def finished_timers(self, now: datetime) -> int:
        """Fired or cancelled timers that were due more than 30 days ago."""
        result = await self.session.execute(
            delete(Timer).where(
                Timer.state.in_((TimerState.FIRED, TimerState.CANCELLED)),
                Timer.due_at < now - DELIVERY_ROWS,
            )
        )
        return _count(result)

    async def idle_conversations(self, now: datetime) -> int:
        """Forget where a person was (and the sealed question) after 30 days of silence;
        the step stays, so buttons of that time stay stale."""
        result = await self.session.execute(
            update(Conversation)
            .where(
                Conversation.updated_at < now - IDLE_CONVERSATION,
                or_(
                    Conversation.flow.is_not(None),
                    Conversation.state.is_not(None),
                    Conversation.prompt.is_not(None),
                ),
            )
            .values(flow=None, state=None, prompt=None, data={})
            .execution_options(synchronize_session=False)
        )
        return _count(result)

    async def spent_invites(self, now: datetime) -> int:
        """Invite codes used, or expired unused, more than 30 days ago."""
        cutoff = now - SPENT_INVITES
        result = await self.session.execute(
            delete(Invite).where(
                or_(
                    Invite.used_at < cutoff,
                    and_(Invite.used_at.is_(None), Invite.expires_at < cutoff),
                )
            )
        )
        return _count(result)

    # --- open cases --------------------------------------------------------------------

    async def case_months(self, report: Report) -> int:
        """The retention period of a case: its municipality's decision."""
        if report.municipality_id is None:
            return CASE_MONTHS
        municipality = await self.session.get(Municipality, report.municipality_id)
        return municipality.retention_months if municipality else CASE_MONTHS

    async def idle_until(self, report: Report) -> datetime:
        """When an open case may be purged if nothing more happens to it."""
        return add_months(report.updated_at, await self.case_months(report))

    async def idle_cases(self, by: datetime) -> list[IdleCase]:
        """Open cases, not held, that will have had no activity for their municipality's
        retention period by ``by``."""
        rows = await self.session.execute(
            select(Report.id, Report.updated_at, Municipality.retention_months)
            .outerjoin(Municipality, Municipality.id == Report.municipality_id)
            .where(Report.status == ReportStatus.SUBMITTED, Report.hold.is_(False))
            .order_by(Report.updated_at)
        )
        found = []
        for report_id, updated_at, months in rows.all():
            purge_at = add_months(updated_at, months or CASE_MONTHS)
            if purge_at <= by:
                found.append(IdleCase(report_id, purge_at))
        return found

    async def purge_case(self, report: Report) -> None:
        """Delete a case with everything it carries; nothing planned for it fires any more."""
        alerts = select(Alert.id).where(Alert.report_id == report.id).scalar_subquery()
        await self.session.execute(
            update(Timer)
            .where(
                Timer.state == TimerState.PENDING,
                or_(
                    Timer.subject == report.id,
                    Timer.subject.startswith(f"{report.id}:"),
                    Timer.subject.in_(alerts),
                ),
            )
            .values(state=TimerState.CANCELLED)
            .execution_options(synchronize_session=False)
        )
        await self.session.delete(report)
