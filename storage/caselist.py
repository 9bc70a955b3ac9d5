"""The cases and /akut alerts a viewer may find again (/arenden), read through the one rule.

Cases come from :func:`storage.access.visible_cases` (the SQL form of the access rule):
open ones, then those closed within the last ``closed_within``. /akut alerts (no report)
come only to the people they were sent to, while their role still fits the alert.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, case, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.access import Access, alert_in_scope, case_access, visible_cases
from storage.models import Alert, AlertRecipient, AlertStatus, Report, ReportStatus
from storage.viewer import Viewer

CLOSED_WITHIN = timedelta(days=90)
AKUT_WITHIN = timedelta(days=30)  # an /akut alert is never closed: listed for a month


@dataclass(frozen=True, slots=True)
class Found:
    """A case the viewer may access, with what they may do and its first (report) alert."""

    report: Report
    access: Access
    alert: Alert | None


class CaseListRepo:
    """Finds a viewer's cases and alerts. Never commits."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def cases(
        self, viewer: Viewer, now: datetime, closed_within: timedelta = CLOSED_WITHIN
    ) -> list[Found]:
        """The cases the viewer may access: open first (newest first), then the ones
        closed within ``closed_within`` (latest closed first); each once. A drill's case is
        not among them: it is opened from the drill's alert (or /arende REF)."""
        still_open = Report.status == ReportStatus.SUBMITTED
        recent = and_(Report.status == ReportStatus.CLOSED, Report.closed_at >= now - closed_within)
        stmt = (
            select(Report)
            .where(visible_cases(viewer), or_(still_open, recent), Report.drill_id.is_(None))
            .order_by(
                case((still_open, 0), else_=1),
                Report.closed_at.desc(),
                Report.submitted_at.desc(),
                Report.id,
            )
        )
        reports = list(dict.fromkeys((await self.session.scalars(stmt)).all()))
        found: list[Found] = []
        for report in reports:
            access = await case_access(self.session, viewer, report)  # the same rule, per case
            if access is Access.NONE:
                continue
            found.append(Found(report, access, await self.first_alert(report)))
        return found

    async def first_alert(self, report: Report) -> Alert | None:
        """The case's first report alert (its status says who took the case), if any."""
        return (
            await self.session.scalars(
                select(Alert)
                .where(Alert.report_id == report.id, Alert.kind == "report")
                .order_by(Alert.created_at)
            )
        ).first()

    async def akut_alerts(
        self, viewer: Viewer, now: datetime, within: timedelta = AKUT_WITHIN
    ) -> list[Alert]:
        """/akut alerts (no report) sent to the viewer within ``within``, newest first, that
        their role still fits."""
        if viewer.person_id is None or not viewer.registered:
            return []
        stmt = (
            select(Alert)
            .join(AlertRecipient, AlertRecipient.alert_id == Alert.id)
            .where(
                Alert.report_id.is_(None),
                Alert.kind == "akut",
                Alert.drill_id.is_(None),  # a drill is not a case
                Alert.status != AlertStatus.WITHDRAWN,
                Alert.created_at >= now - within,
                AlertRecipient.person_id == viewer.person_id,
                AlertRecipient.removed.is_(False),
                AlertRecipient.notified_at.is_not(None),
            )
            .order_by(Alert.created_at.desc())
        )
        alerts = list(dict.fromkeys((await self.session.scalars(stmt)).all()))
        return [a for a in alerts if alert_in_scope(viewer, a)]
