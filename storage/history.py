"""A case's alerts as a history: when each went to whom, and who took it when.

Those who handle the case read all of it; the reporter reads who took her alerts and when
(she was told so in her chat); anyone else, the municipal director too, reads none of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.access import Access, case_access
from storage.models import Alert, AlertRecipient, Report
from storage.viewer import Viewer

SENT = "sent"
TAKEN = "taken"


@dataclass(frozen=True, slots=True)
class AlertEvent:
    """One step of an alert: sent to a person (at a level of the plan), or taken by one."""

    at: datetime
    what: str  # SENT | TAKEN
    alert_kind: str  # akut | report | checkin
    person_id: int | None
    level: int


async def alert_history(session: AsyncSession, viewer: Viewer, report: Report) -> list[AlertEvent]:
    """The alerts of a case as the viewer may read them, oldest first (none for a drill's
    case: its alerts are practice, kept out of every case file)."""
    if report.drill_id is not None:
        return []
    level = await case_access(session, viewer, report)
    if level not in (Access.OWN, Access.HANDLER):
        return []
    alerts = list(await session.scalars(select(Alert).where(Alert.report_id == report.id)))
    kinds = {a.id: a.kind for a in alerts}
    # every take, also one handed on since (Pia took it, then Per when she left the role)
    took = (
        await session.execute(
            select(
                AlertRecipient.alert_id,
                AlertRecipient.person_id,
                AlertRecipient.level,
                AlertRecipient.took_at,
            ).where(AlertRecipient.alert_id.in_(list(kinds)), AlertRecipient.took_at.is_not(None))
        )
    ).all()
    events = [
        AlertEvent(at, TAKEN, kinds[alert_id], person_id, step)
        for alert_id, person_id, step, at in took
        if at is not None
    ]
    kept = {(e.person_id, e.at) for e in events}
    events += [  # taken before takes were kept with the recipient
        AlertEvent(a.acknowledged_at, TAKEN, a.kind, a.acknowledged_by, a.level)
        for a in alerts
        if a.acknowledged_at is not None and (a.acknowledged_by, a.acknowledged_at) not in kept
    ]
    if level is Access.HANDLER and alerts:
        rows = await session.execute(
            select(
                AlertRecipient.alert_id,
                AlertRecipient.person_id,
                AlertRecipient.level,
                AlertRecipient.notified_at,
            ).where(
                AlertRecipient.alert_id.in_(list(kinds)), AlertRecipient.notified_at.is_not(None)
            )
        )
        events += [
            AlertEvent(at, SENT, kinds[alert_id], person_id, step)
            for alert_id, person_id, step, at in rows
            if at is not None
        ]
    order = {SENT: 0, TAKEN: 1}
    return sorted(events, key=lambda e: (e.at, order[e.what], e.person_id or 0))
