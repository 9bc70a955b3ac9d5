"""Alerts: who must acknowledge, at which level, and who took it (first one wins)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, bindparam, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.access import alert_in_scope
from storage.errors import NotFound
from storage.models import Alert, AlertRecipient, AlertStatus, Person, Report, ReportStatus
from storage.prepared import Prepared, run_all
from storage.viewer import Viewer

# Every submitted report and every /akut creates an alert (see storage.prepared).
_CREATE = Prepared(
    insert(Alert).values(
        id=bindparam("v_id"),
        kind=bindparam("v_kind"),
        subject_id=bindparam("v_subject"),
        report_id=bindparam("v_report"),
        municipality_id=bindparam("v_municipality"),
        party_id=bindparam("v_party"),
        status=AlertStatus.OPEN,
        level=1,
        levels=bindparam("v_levels"),
        ack_minutes=bindparam("v_ack_minutes"),
        created_at=bindparam("v_now"),
        drill_id=bindparam("v_drill"),
    )
)
_ADD_RECIPIENT = Prepared(
    insert(AlertRecipient).values(
        alert_id=bindparam("v_alert"),
        person_id=bindparam("v_person"),
        level=bindparam("v_level"),
        notified_at=bindparam("v_notified"),
        reminded_at=None,
        failed=False,
        removed=False,
    )
)


def _same_drill(alert: Alert) -> ColumnElement[bool]:
    """Alerts of the same drill as this one (or, for a real alert, real ones): the two never
    mix."""
    if alert.drill_id is None:
        return Alert.drill_id.is_(None)
    return Alert.drill_id == alert.drill_id


# Asked at every report sent about the reporter herself (see storage.prepared): mostly none.
_STANDING_AKUT = Prepared(
    select(Alert.id)
    .where(
        Alert.subject_id == bindparam("subject"),
        Alert.kind == "akut",
        Alert.report_id.is_(None),
        Alert.status != AlertStatus.WITHDRAWN,
        Alert.created_at >= bindparam("since"),
        Alert.drill_id.is_(None),
    )
    .order_by(Alert.created_at.desc(), Alert.id)
)

REACHED = (AlertRecipient.notified_at.is_not(None), AlertRecipient.removed.is_(False))
"""An alert's recipient it has gone to, and who was not taken off it since."""


class AlertRepo:
    """Creates alerts and records acknowledgements. Never commits."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def create(
        self,
        *,
        kind: str,
        subject_id: int | None,
        report_id: str | None,
        municipality_id: int | None,
        party_id: int | None,
        levels: Sequence[Sequence[int]],
        ack_minutes: int,
        now: datetime,
        drill_id: int | None = None,
    ) -> str:
        """Create an alert whose recipients are grouped in escalation levels (1-based);
        return its id. ``party_id``: whose security contacts it is for (None: the
        municipality's unit only).

        Prepared INSERTs in one hop, no ORM objects (callers need only the id; :meth:`get`
        loads the alert as an object). They don't flush what the unit of work changed
        before: nothing here reads it, and it is flushed at the commit as ever."""
        alert_id = uuid.uuid4().hex
        alert = {
            "v_id": alert_id,
            "v_kind": kind,
            "v_subject": subject_id,
            "v_report": report_id,
            "v_municipality": municipality_id,
            "v_party": party_id,
            "v_levels": len(levels),
            "v_ack_minutes": ack_minutes,
            "v_now": now,
            "v_drill": drill_id,
        }
        rows: list[dict[str, object]] = []
        seen: set[int] = set()
        for number, people in enumerate(levels, start=1):
            for person_id in people:
                if person_id in seen:
                    continue
                seen.add(person_id)
                rows.append(
                    {
                        "v_alert": alert_id,
                        "v_person": person_id,
                        "v_level": number,
                        "v_notified": now if number == 1 else None,
                    }
                )

        await run_all(self.session, [(_CREATE, alert), *((_ADD_RECIPIENT, r) for r in rows)])
        return alert_id

    async def get(self, alert_id: str) -> Alert | None:
        return await self.session.get(Alert, alert_id)

    async def recipients(self, alert_id: str, *, level: int | None = None) -> list[AlertRecipient]:
        stmt = select(AlertRecipient).where(
            AlertRecipient.alert_id == alert_id, AlertRecipient.removed.is_(False)
        )
        if level is not None:
            stmt = stmt.where(AlertRecipient.level == level)
        return list((await self.session.scalars(stmt.order_by(AlertRecipient.id))).all())

    async def recipient(self, viewer: Viewer, alert_id: str) -> AlertRecipient:
        """Return the viewer's place on an alert; NotFound unless they were alerted and their
        role still fits it now (storage.access)."""
        if viewer.person_id is None or not viewer.registered:
            raise NotFound("alert")
        alert = await self.session.get(Alert, alert_id)
        if alert is None or alert.status is AlertStatus.WITHDRAWN:
            raise NotFound("alert")  # withdrawn: the person asked to be forgotten
        if not alert_in_scope(viewer, alert):
            raise NotFound("alert")
        row = (
            await self.session.scalars(
                select(AlertRecipient).where(
                    AlertRecipient.alert_id == alert_id,
                    AlertRecipient.person_id == viewer.person_id,
                    AlertRecipient.removed.is_(False),
                    AlertRecipient.notified_at.is_not(None),
                )
            )
        ).first()
        if row is None:
            raise NotFound("alert")
        return row

    async def taken_back(self, viewer: Viewer, alert_id: str) -> Alert | None:
        """The alert, if its person took it back herself and it had reached the viewer, whose
        role still fits it now; else None (an alert withdrawn for any other reason says
        nothing of itself)."""
        alert = await self.session.get(Alert, alert_id)
        if alert is None or alert.taken_back_at is None or viewer.person_id is None:
            return None
        if not viewer.registered or not alert_in_scope(viewer, alert):
            return None
        reached = await self.notified_at(alert.id, viewer.person_id)
        return alert if reached is not None else None

    async def may_act(self, alert: Alert, person_id: int) -> bool:
        """True if the person is on the alert and their role still fits it now."""
        person = await self.session.get(Person, person_id)
        if person is None or not alert_in_scope(Viewer.of(person), alert):
            return False
        row = await self.session.scalar(
            select(AlertRecipient.id).where(
                AlertRecipient.alert_id == alert.id,
                AlertRecipient.person_id == person_id,
                AlertRecipient.removed.is_(False),
            )
        )
        return row is not None

    async def reachable(self, alert: Alert) -> list[int]:
        """People at the alert's current level who could be reached and may still act now."""
        rows = [
            r
            for r in await self.recipients(alert.id)
            if r.notified_at and not r.failed and r.level == alert.level
        ]
        return [r.person_id for r in rows if await self.may_act(alert, r.person_id)]

    async def acknowledge(self, viewer: Viewer, alert_id: str, now: datetime) -> bool:
        """Acknowledge for the viewer; True only for the first acknowledgement (atomic)."""
        await self.recipient(viewer, alert_id)
        result = await self.session.execute(
            update(Alert)
            .where(Alert.id == alert_id, Alert.status != AlertStatus.ACKNOWLEDGED)
            .values(
                status=AlertStatus.ACKNOWLEDGED,
                acknowledged_by=viewer.person_id,
                acknowledged_at=now,
            )
            .execution_options(synchronize_session=False)
        )
        won = int(getattr(result, "rowcount", 0) or 0) == 1
        if won:
            await self._took(alert_id, viewer.person_id, now)
            alert = await self.session.get(Alert, alert_id)
            if alert is not None:
                await self.session.refresh(alert)
        return won

    async def _took(self, alert_id: str, person_id: int | None, now: datetime) -> None:
        """Keep when this person took the alert, for its history (the alert row holds only
        who has it now)."""
        await self.session.execute(
            update(AlertRecipient)
            .where(AlertRecipient.alert_id == alert_id, AlertRecipient.person_id == person_id)
            .values(took_at=now)
            .execution_options(synchronize_session=False)
        )

    async def notify(self, alert: Alert, person_ids: Sequence[int], now: datetime) -> None:
        """Record that the alert's next level goes to these people now (adding them to the
        alert if the directory named them only after it was raised)."""
        alert.level += 1
        alert.levels = max(alert.levels, alert.level)
        rows = {r.person_id: r for r in await self.recipients(alert.id)}
        for person_id in person_ids:
            row = rows.get(person_id)
            if row is None:
                row = AlertRecipient(alert_id=alert.id, person_id=person_id, level=alert.level)
                self.session.add(row)
            row.level, row.notified_at = alert.level, now

    async def bring_in(self, report_id: str, person_ids: Sequence[int], now: datetime) -> None:
        """Send a case to more people (e.g. the unit when follow-up is overdue): they are
        added to its first alert as alerted now, which gives them the case."""
        alert = (
            await self.session.scalars(
                select(Alert).where(Alert.report_id == report_id).order_by(Alert.created_at)
            )
        ).first()
        if alert is None:
            return
        rows = {r.person_id: r for r in await self.recipients(alert.id)}
        for person_id in person_ids:
            row = rows.get(person_id)
            if row is None:
                row = AlertRecipient(alert_id=alert.id, person_id=person_id, level=alert.level)
                self.session.add(row)
            row.notified_at = row.notified_at or now

    async def of_report(self, report_id: str) -> list[Alert]:
        """The alerts about a case, oldest first."""
        stmt = select(Alert).where(Alert.report_id == report_id).order_by(Alert.created_at)
        return list((await self.session.scalars(stmt)).all())

    async def keep_off(self, alert_id: str, person_ids: Sequence[int]) -> None:
        """Never alert these people about it, at any level (she named them as the threat):
        a row marked removed, which no escalation or handover brings back."""
        rows = {
            r.person_id: r
            for r in await self.session.scalars(
                select(AlertRecipient).where(AlertRecipient.alert_id == alert_id)
            )
        }
        for person_id in person_ids:
            row = rows.get(person_id)
            if row is None:
                row = AlertRecipient(alert_id=alert_id, person_id=person_id, level=0)
                self.session.add(row)
            row.removed = True

    async def taken_off(self, alert_id: str) -> set[int]:
        """The people taken off the alert (never to be alerted about it again)."""
        stmt = select(AlertRecipient.person_id).where(
            AlertRecipient.alert_id == alert_id, AlertRecipient.removed.is_(True)
        )
        return set((await self.session.scalars(stmt)).all())

    async def report_taken_by(self, report_id: str) -> int | None:
        """Who took the case's first alert someone took (None: nobody has)."""
        taken = await self.report_taken(report_id)
        return taken[0] if taken is not None else None

    async def report_taken(self, report_id: str) -> tuple[int, datetime | None] | None:
        """Who took the case's first alert someone took, and when (a handover: when it was
        handed to them); None: nobody has."""
        stmt = (
            select(Alert.acknowledged_by, Alert.acknowledged_at)
            .where(Alert.report_id == report_id, Alert.acknowledged_by.is_not(None))
            .order_by(Alert.created_at)
            .limit(1)
        )
        row = (await self.session.execute(stmt)).first()
        return (row[0], row[1]) if row is not None and row[0] is not None else None

    async def notified_at(self, alert_id: str, person_id: int) -> datetime | None:
        """When the alert reached this person (None: it never did)."""
        stmt = select(AlertRecipient.notified_at).where(
            AlertRecipient.alert_id == alert_id, AlertRecipient.person_id == person_id
        )
        return (await self.session.scalars(stmt)).first()

    async def notified(self, alert_id: str) -> set[int]:
        """Everyone the alert has gone to so far (whether or not they could be reached)."""
        rows = await self.recipients(alert_id)
        return {r.person_id for r in rows if r.notified_at is not None}

    async def remind_earlier(
        self, alert: Alert, keep: set[int], now: datetime, *, also_current: bool = False
    ) -> list[AlertRecipient]:
        """Return earlier recipients not yet reminded, of those in ``keep`` (each once);
        ``also_current``: everyone it reached, at any level (nobody is left to page)."""
        rows = [
            r
            for r in await self.recipients(alert.id)
            if r.notified_at is not None
            and (r.level < alert.level or also_current)
            and r.reminded_at is None
            and not r.failed
            and r.person_id in keep
        ]
        for row in rows:
            row.reminded_at = now
        return rows

    async def mark_failed(self, alert_id: str, person_id: int) -> None:
        """Record that the alert can't reach this recipient (blocked, or no longer allowed)."""
        for row in await self.recipients(alert_id):
            if row.person_id == person_id:
                row.failed = True

    async def taken_by(self, person_ids: Sequence[int], since: datetime) -> list[Alert]:
        """Alerts that one of these people took: about a case still open, or an /akut alert
        (no case) taken since ``since``."""
        if not person_ids:
            return []
        stmt = (
            select(Alert)
            .outerjoin(Report, Report.id == Alert.report_id)
            .where(
                Alert.status == AlertStatus.ACKNOWLEDGED,
                Alert.acknowledged_by.in_(list(person_ids)),
                (Report.status == ReportStatus.SUBMITTED)
                | (Alert.report_id.is_(None) & (Alert.acknowledged_at >= since)),
            )
        )
        return list((await self.session.scalars(stmt)).all())

    async def taken_from(self, person_id: int, since: datetime) -> Alert | None:
        """The newest alert that reached this person and someone else took since ``since``."""
        stmt = (
            select(Alert)
            .join(AlertRecipient, AlertRecipient.alert_id == Alert.id)
            .where(AlertRecipient.person_id == person_id, *REACHED)
            .where(Alert.status == AlertStatus.ACKNOWLEDGED, Alert.acknowledged_at >= since)
            .where(Alert.acknowledged_by != person_id)
        )
        return (await self.session.scalars(stmt.order_by(Alert.acknowledged_at.desc()))).first()

    async def open_for(self, person_ids: Sequence[int], *, untaken: bool = False) -> list[Alert]:
        """Open alerts that have gone to any of these people (``untaken``: also those tried
        on every level that nobody took, which may still be taken)."""
        if not person_ids:
            return []
        statuses = [AlertStatus.OPEN, *([AlertStatus.EXHAUSTED] if untaken else [])]
        stmt = (
            select(Alert)
            .join(AlertRecipient, AlertRecipient.alert_id == Alert.id)
            .where(
                Alert.status.in_(statuses),
                AlertRecipient.person_id.in_(list(person_ids)),
                AlertRecipient.notified_at.is_not(None),
            )
            .distinct()
        )
        return list((await self.session.scalars(stmt)).all())

    async def waiting_on(self, person_id: int) -> list[tuple[Alert, AlertRecipient]]:
        """Alerts that reached this person and that nobody has taken yet, nor withdrawn (those
        tried on every level too: they may still be taken), with her place on each, newest
        first; only those about someone else, none of a drill. Callers check that she may
        still act (:meth:`may_act`)."""
        stmt = (
            select(Alert, AlertRecipient)
            .join(AlertRecipient, AlertRecipient.alert_id == Alert.id)
            .where(
                Alert.status.in_([AlertStatus.OPEN, AlertStatus.EXHAUSTED]),
                Alert.drill_id.is_(None),
                Alert.subject_id.is_not(None),
                Alert.subject_id != person_id,
                AlertRecipient.person_id == person_id,
                *REACHED,
            )
            .order_by(Alert.created_at.desc(), Alert.id)
        )
        return [(alert, row) for alert, row in (await self.session.execute(stmt)).all()]

    async def latest_report_to(self, person_id: int) -> str | None:
        """The report of the newest alert that reached this person (None: none did)."""
        stmt = (
            select(Alert.report_id)
            .join(AlertRecipient, AlertRecipient.alert_id == Alert.id)
            .where(AlertRecipient.person_id == person_id, Alert.report_id.is_not(None), *REACHED)
            .order_by(Alert.created_at.desc())
            .limit(1)
        )
        return (await self.session.scalars(stmt)).first()

    async def report_alerted(self, report_id: str) -> set[int]:
        """Everyone a report has been sent to so far: its later levels only once alerted."""
        rows = await self.session.scalars(
            select(AlertRecipient.person_id)
            .join(Alert, Alert.id == AlertRecipient.alert_id)
            .where(Alert.report_id == report_id, *REACHED)
        )
        return set(rows)

    async def report_reached_at(self, report_id: str) -> dict[int, datetime]:
        """When the report first reached each person it has been sent to so far."""
        rows = await self.session.execute(
            select(AlertRecipient.person_id, AlertRecipient.notified_at)
            .join(Alert, Alert.id == AlertRecipient.alert_id)
            .where(Alert.report_id == report_id, *REACHED)
        )
        first: dict[int, datetime] = {}
        for person_id, at in rows:
            if at is not None and (person_id not in first or at < first[person_id]):
                first[person_id] = at
        return first

    async def report_recipients(self, report_id: str) -> set[int]:
        """Everyone alerted about a report so far (and not removed from it)."""
        rows = await self.session.scalars(
            select(AlertRecipient.person_id)
            .join(Alert, Alert.id == AlertRecipient.alert_id)
            .where(Alert.report_id == report_id, AlertRecipient.removed.is_(False))
        )
        return set(rows)

    async def of_same_person(self, alert: Alert) -> list[Alert]:
        """The person's other alerts that nobody has taken yet (open or unanswered), oldest
        first."""
        if alert.subject_id is None:
            return []
        stmt = (
            select(Alert)
            .outerjoin(Report, Report.id == Alert.report_id)
            .where(
                Alert.subject_id == alert.subject_id,
                Alert.id != alert.id,
                Alert.status.in_([AlertStatus.OPEN, AlertStatus.EXHAUSTED]),
                (Report.id.is_(None)) | (Report.status != ReportStatus.CLOSED),
                _same_drill(alert),
            )
            .order_by(Alert.created_at)
        )
        return list((await self.session.scalars(stmt)).all())

    async def untaken_akut(self, subject_id: int, since: datetime) -> Alert | None:
        """The person's newest /akut alert raised since ``since`` that nobody has taken yet."""
        stmt = (
            select(Alert)
            .where(
                Alert.subject_id == subject_id,
                Alert.kind == "akut",
                Alert.status == AlertStatus.OPEN,
                Alert.created_at >= since,
                Alert.drill_id.is_(None),
            )
            .order_by(Alert.created_at.desc())
            .limit(1)
        )
        return (await self.session.scalars(stmt)).first()

    async def untaken_calls(self, report_id: str) -> list[Alert]:
        """Her asks for a call about the case ("ja, ring mig") that nobody has taken yet,
        the oldest first."""
        stmt = (
            select(Alert)
            .where(
                Alert.report_id == report_id,
                Alert.kind == "checkin",
                Alert.status.in_((AlertStatus.OPEN, AlertStatus.EXHAUSTED)),
            )
            .order_by(Alert.created_at)
        )
        return list((await self.session.scalars(stmt)).all())

    async def standing_akut(self, subject_id: int, since: datetime) -> list[Alert]:
        """The person's /akut alerts raised since ``since`` that still stand (open, taken,
        or tried on everyone; not withdrawn), outside any drill; the newest first."""
        params = {"subject": subject_id, "since": since}
        rows = await self.session.run_sync(
            lambda sync: _STANDING_AKUT.rows(sync.connection(), params)
        )
        if not rows:
            return []
        ids = [alert_id for (alert_id,) in rows]
        loaded = {
            a.id: a for a in (await self.session.scalars(select(Alert).where(Alert.id.in_(ids))))
        }
        return [loaded[i] for i in ids if i in loaded]

    async def latest_akut(self, subject_id: int, since: datetime) -> Alert | None:
        """The person's newest /akut alert since ``since`` that still stands."""
        standing = await self.standing_akut(subject_id, since)
        return standing[0] if standing else None

    async def checkin_since(self, viewer: Viewer, report: Report, since: datetime) -> bool:
        """Whether the reporter (the viewer) asked a check-in of her case for a call since
        ``since`` ("ja, ring mig")."""
        if viewer.person_id is None or report.reporter_id != viewer.person_id:
            raise NotFound("case")
        found = await self.session.scalar(
            select(Alert.id)
            .where(
                Alert.report_id == report.id,
                Alert.kind == "checkin",
                Alert.created_at >= since,
            )
            .limit(1)
        )
        return found is not None

    async def handler_of_person(self, alert: Alert, since: datetime) -> int | None:
        """Who already handles the alert's person and may act on this alert too: after this
        alert was raised they took another alert of the person, about a case still open (or
        an /akut alert, taken since ``since``). An alert raised after that is a new call for
        help and goes its own way."""
        if alert.subject_id is None:
            return None
        stmt = (
            select(Alert)
            .outerjoin(Report, Report.id == Alert.report_id)
            .where(
                Alert.subject_id == alert.subject_id,
                Alert.id != alert.id,
                Alert.status == AlertStatus.ACKNOWLEDGED,
                Alert.acknowledged_by.is_not(None),
                Alert.acknowledged_at > alert.created_at,
                ((Report.id.is_(None)) & (Alert.acknowledged_at >= since))
                | (Report.status == ReportStatus.SUBMITTED),
                _same_drill(alert),
            )
            .order_by(Alert.acknowledged_at.desc())
        )
        for taken in (await self.session.scalars(stmt)).all():
            taker = taken.acknowledged_by
            if taker is not None and await self.may_act(alert, taker):
                return taker
        return None

    async def take_for(self, alert: Alert, person_id: int, now: datetime) -> bool:
        """Record that ``person_id`` (who already handles the person) has this alert too;
        True if it was still untaken (atomic, like :meth:`acknowledge`)."""
        result = await self.session.execute(
            update(Alert)
            .where(Alert.id == alert.id, Alert.status != AlertStatus.ACKNOWLEDGED)
            .values(status=AlertStatus.ACKNOWLEDGED, acknowledged_by=person_id, acknowledged_at=now)
            .execution_options(synchronize_session=False)
        )
        won = int(getattr(result, "rowcount", 0) or 0) == 1
        if won:
            await self._took(alert.id, person_id, now)
            await self.session.refresh(alert)
        return won
