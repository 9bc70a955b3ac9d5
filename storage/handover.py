"""Handing a case over to another security contact of its party, or to the municipal unit.

The receiver gets the case through the one access rule (storage.access): they are added
to the case's first alert as alerted now (as :meth:`AlertRepo.bring_in` does), and the
alert is recorded as theirs (reminders and nudges go to who has it). The giver stays on
the alert and so keeps reading the case while their role fits it, as everyone it was
sent to does; they are no longer the one who has it.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.access import INTERNAL, Access, case_access, in_scope
from storage.errors import NotFound
from storage.models import Alert, AlertRecipient, AlertStatus, Person, Report, ReportStatus, Role
from storage.viewer import Viewer

HANDLERS = (Role.PARTY_SECURITY, Role.MUNICIPAL_SECURITY)


class HandoverRepo:
    """Who a case may go to, and handing it over. Never commits."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def may_hand_over(self, viewer: Viewer, report: Report) -> bool:
        """True if the viewer handles the open case now as a security contact or the unit
        (an internal case stays with the people the targeted person chose)."""
        return (
            viewer.role in HANDLERS
            and report.status is ReportStatus.SUBMITTED
            and report.category != INTERNAL
            and await case_access(self.session, viewer, report) is Access.HANDLER
        )

    async def candidates(self, viewer: Viewer, report: Report) -> list[Person]:
        """The people the viewer may hand the case to: the security contacts of its party
        in its municipality and the municipality's unit, as the directory is now."""
        if not await self.may_hand_over(viewer, report):
            raise NotFound("case")
        people = await self.session.scalars(
            select(Person)
            .where(
                Person.municipality_id == report.municipality_id,
                Person.role.in_(HANDLERS),
                Person.id != viewer.person_id,
                Person.erased_at.is_(None),
            )
            .order_by(Person.id)
        )
        taken_off = set(
            (
                await self.session.scalars(
                    select(AlertRecipient.person_id)
                    .join(Alert, Alert.id == AlertRecipient.alert_id)
                    .where(Alert.report_id == report.id, AlertRecipient.removed.is_(True))
                )
            ).all()
        )  # named as the threat: never offered
        kept = [
            p
            for p in people
            if in_scope(Viewer.of(p), report.municipality_id, report.party_id)
            and p.id != report.reporter_id
            and p.id not in taken_off
        ]
        return sorted(kept, key=lambda p: p.role is Role.MUNICIPAL_SECURITY)  # the party first

    async def hand_over(
        self, viewer: Viewer, report: Report, person_id: int, now: datetime
    ) -> Alert:
        """Give the case to ``person_id``; return its alert (now theirs). NotFound if the
        viewer may not hand it over or the person may not receive it."""
        if person_id not in {p.id for p in await self.candidates(viewer, report)}:
            raise NotFound("person")
        alert = (
            await self.session.scalars(
                select(Alert).where(Alert.report_id == report.id).order_by(Alert.created_at)
            )
        ).first()
        if alert is None:
            raise NotFound("alert")
        row = (
            await self.session.scalars(
                select(AlertRecipient).where(
                    AlertRecipient.alert_id == alert.id, AlertRecipient.person_id == person_id
                )
            )
        ).first()
        if row is not None and row.removed:
            raise NotFound("person")  # taken off this case: a handover does not bring them back
        if row is None:
            row = AlertRecipient(alert_id=alert.id, person_id=person_id, level=alert.level)
            self.session.add(row)
        row.notified_at = row.notified_at or now
        row.took_at = now  # theirs now; who had it before stays in its history
        alert.status = AlertStatus.ACKNOWLEDGED
        alert.acknowledged_by, alert.acknowledged_at = person_id, now
        report.updated_at = now
        await self.session.flush()
        return alert

    async def keep_away(
        self, viewer: Viewer, report: Report, person_ids: Collection[int], now: datetime
    ) -> list[int]:
        """The reporter named these people as the threat: take them off her case (they no
        longer read it nor are told of it, and a handover does not bring them back); an
        alert they had taken is open again. Return those taken off. NotFound unless the
        viewer is the reporter."""
        if viewer.person_id is None or report.reporter_id != viewer.person_id:
            raise NotFound("case")
        ids = [i for i in person_ids if i != viewer.person_id]
        alerts = list(
            (await self.session.scalars(select(Alert).where(Alert.report_id == report.id))).all()
        )
        rows = (
            await self.session.scalars(
                select(AlertRecipient).where(
                    AlertRecipient.alert_id.in_([a.id for a in alerts]),
                    AlertRecipient.person_id.in_(ids),
                    AlertRecipient.removed.is_(False),
                )
            )
        ).all()
        for row in rows:
            row.removed = True
        for alert in alerts:
            if alert.acknowledged_by in ids:
                alert.status, alert.acknowledged_by, alert.acknowledged_at = (
                    AlertStatus.OPEN,
                    None,
                    None,
                )
        report.updated_at = now
        return sorted({row.person_id for row in rows})
