"""A case's alerts as a history: when each went to whom, and who took it when.

Those who handle the case read all of it; the reporter reads who took her alerts and when
(she was told so in her chat); anyone else, the municipal director too, reads none of it.

A case's alerts include the /akut alerts of the person it is about that belong to it: raised
while it was open, or shortly before it was sent (the link the chat makes between them).
Whether she wrote with one is told, never what (her words are for those it went to).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.access import Access, case_access
from storage.models import Alert, AlertNote, AlertRecipient, AlertStatus, Report, ReportStatus
from storage.viewer import Viewer

SENT = "sent"
TAKEN = "taken"
RAISED = "raised"  # the person pressed /akut


@dataclass(frozen=True, slots=True)
class AlertEvent:
    """One step of an alert: sent to a person (at a level of the plan), or taken by one."""

    at: datetime
    what: str  # SENT | TAKEN
    alert_kind: str  # akut | report | checkin
    person_id: int | None
    level: int
    wrote: bool = False  # RAISED: she wrote with it (what, the case file does not hold)
    alert_id: str = ""


def _case_of(alert: Alert, cases: list[Report], before: timedelta) -> str | None:
    """The case an /akut alert belongs to: the newest of her cases open when she raised it,
    else the first she sent within ``before`` after it."""
    at = alert.created_at
    open_then = [
        c
        for c in cases
        if c.submitted_at is not None
        and c.submitted_at <= at
        and (c.closed_at is None or c.closed_at > at)
    ]
    if open_then:
        return max(open_then, key=lambda c: c.submitted_at or at).id
    after = [c for c in cases if c.submitted_at is not None and at < c.submitted_at <= at + before]
    return min(after, key=lambda c: c.submitted_at or at).id if after else None


async def case_akut(
    session: AsyncSession, report: Report, person_id: int, before: timedelta
) -> list[Alert]:
    """The /akut alerts of ``person_id`` (whom the case is about) that belong to the case:
    raised while it was open, or within ``before`` before it was sent; none withdrawn."""
    if report.submitted_at is None or report.drill_id is not None:
        return []
    stmt = select(Alert).where(
        Alert.subject_id == person_id,
        Alert.kind == "akut",
        Alert.report_id.is_(None),
        Alert.drill_id.is_(None),
        Alert.status != AlertStatus.WITHDRAWN,
        Alert.created_at >= report.submitted_at - before,
    )
    if report.closed_at is not None:
        stmt = stmt.where(Alert.created_at < report.closed_at)
    akut = list(await session.scalars(stmt))
    if not akut:
        return []
    cases = list(
        await session.scalars(
            select(Report).where(
                Report.targeted_id == person_id,
                Report.status != ReportStatus.DRAFT,
                Report.drill_id.is_(None),
            )
        )
    )
    return [a for a in akut if _case_of(a, cases, before) == report.id]


async def _routed_with(
    session: AsyncSession, viewer: Viewer, report: Report, akut: list[Alert]
) -> list[Alert]:
    """The /akut alerts a handler reads with the case: those routed as the case is (to its
    party's contacts), or that went to them. One she sent to the security unit instead, the
    threat being from within her party, is not shown to her party's contacts."""
    mine = set(
        await session.scalars(
            select(AlertRecipient.alert_id).where(
                AlertRecipient.alert_id.in_([a.id for a in akut]),
                AlertRecipient.person_id == viewer.person_id,
            )
        )
    )
    return [a for a in akut if a.party_id == report.party_id or a.id in mine]


async def alert_history(
    session: AsyncSession,
    viewer: Viewer,
    report: Report,
    akut_of: int | None = None,
    before: timedelta = timedelta(0),
) -> list[AlertEvent]:
    """The alerts of a case as the viewer may read them (by their role now), oldest first
    (none for a drill's case: its alerts are practice, kept out of every case file);
    ``akut_of``: the person the case is about, whose /akut alerts that belong to it (see
    :func:`case_akut`) are part of it."""
    if report.drill_id is not None:
        return []
    level = await case_access(session, viewer, report)
    if level not in (Access.OWN, Access.HANDLER):
        return []
    alerts = list(await session.scalars(select(Alert).where(Alert.report_id == report.id)))
    akut = await case_akut(session, report, akut_of, before) if akut_of is not None else []
    if akut and level is Access.HANDLER:
        akut = await _routed_with(session, viewer, report, akut)
    alerts += akut
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
        AlertEvent(at, TAKEN, kinds[alert_id], person_id, step, alert_id=alert_id)
        for alert_id, person_id, step, at in took
        if at is not None
    ]
    kept = {(e.person_id, e.at) for e in events}
    events += [  # taken before takes were kept with the recipient
        AlertEvent(a.acknowledged_at, TAKEN, a.kind, a.acknowledged_by, a.level, alert_id=a.id)
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
            AlertEvent(at, SENT, kinds[alert_id], person_id, step, alert_id=alert_id)
            for alert_id, person_id, step, at in rows
            if at is not None
        ]
    for alert in akut:
        wrote = await session.scalar(
            select(func.count(AlertNote.id)).where(
                AlertNote.alert_id == alert.id, AlertNote.author_id.is_(None)
            )
        )
        events.append(
            AlertEvent(
                alert.created_at, RAISED, alert.kind, alert.subject_id, 0, bool(wrote), alert.id
            )
        )
    order = {RAISED: 0, SENT: 1, TAKEN: 2}
    return sorted(
        events, key=lambda e: (e.at, order[e.what], e.person_id or 0, e.alert_kind == "akut")
    )
