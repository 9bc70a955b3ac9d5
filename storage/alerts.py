"""Alerts: who must acknowledge, at which level, and who took it (first one wins)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.errors import NotFound
from storage.models import Alert, AlertRecipient, AlertStatus, Report, ReportStatus
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
        status=AlertStatus.OPEN,
        level=1,
        levels=bindparam("v_levels"),
        ack_minutes=bindparam("v_ack_minutes"),
        created_at=bindparam("v_now"),
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
        levels: Sequence[Sequence[int]],
        ack_minutes: int,
        now: datetime,
    ) -> str:
        """Create an alert whose recipients are grouped in escalation levels (1-based);
        return its id.

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
            "v_levels": len(levels),
            "v_ack_minutes": ack_minutes,
            "v_now": now,
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
        """Return the viewer's place on an alert; NotFound unless they are a recipient."""
        if viewer.person_id is None or not viewer.registered:
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
            alert = await self.session.get(Alert, alert_id)
            if alert is not None:
                await self.session.refresh(alert)
        return won

    async def escalate(self, alert: Alert, now: datetime) -> list[AlertRecipient]:
        """Move to the next level; return its (newly notified) recipients."""
        alert.level += 1
        people = await self.recipients(alert.id, level=alert.level)
        for row in people:
            row.notified_at = now
        return people

    async def remind_earlier(self, alert: Alert, now: datetime) -> list[AlertRecipient]:
        """Return earlier-level recipients not yet reminded (each is re-notified once)."""
        rows = [
            r
            for r in await self.recipients(alert.id)
            if r.level < alert.level and r.reminded_at is None and not r.failed
        ]
        for row in rows:
            row.reminded_at = now
        return rows

    async def mark_failed(self, alert_id: str, person_id: int) -> bool:
        """Record that delivery to a recipient failed for good; True if their level is lost."""
        rows = await self.recipients(alert_id)
        mine = [r for r in rows if r.person_id == person_id]
        for row in mine:
            row.failed = True
        alert = await self.session.get(Alert, alert_id)
        if alert is None or alert.status is not AlertStatus.OPEN or not mine:
            return False
        level = [r for r in rows if r.level == alert.level]
        return all(r.failed for r in level)

    async def report_recipients(self, report_id: str) -> set[int]:
        """Everyone alerted about a report so far (and not removed from it)."""
        rows = await self.session.scalars(
            select(AlertRecipient.person_id)
            .join(Alert, Alert.id == AlertRecipient.alert_id)
            .where(Alert.report_id == report_id, AlertRecipient.removed.is_(False))
        )
        return set(rows)

    async def remove_recipient(self, alert_id: str, person_id: int) -> None:
        await self.session.execute(
            update(AlertRecipient)
            .where(AlertRecipient.alert_id == alert_id, AlertRecipient.person_id == person_id)
            .values(removed=True)
        )

    async def open_cases(self, viewer: Viewer) -> list[tuple[Alert, Report | None]]:
        """Alerts the viewer received that are not closed, newest first."""
        if viewer.person_id is None or not viewer.registered:
            return []
        stmt = (
            select(Alert, Report)
            .join(AlertRecipient, AlertRecipient.alert_id == Alert.id)
            .outerjoin(Report, Report.id == Alert.report_id)
            .where(
                AlertRecipient.person_id == viewer.person_id,
                AlertRecipient.removed.is_(False),
                AlertRecipient.notified_at.is_not(None),
                (Report.id.is_(None)) | (Report.status != ReportStatus.CLOSED),
            )
            .order_by(Alert.created_at.desc())
            .limit(30)
        )
        return [(alert, report) for alert, report in (await self.session.execute(stmt)).all()]
