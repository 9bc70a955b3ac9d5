"""Drills (övningar): who may start one, the drill's rows, and removing them when it ends."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, delete, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.crypto import Keyring
from storage.errors import NotAllowed, NotFound
from storage.models import (
    Alert,
    AlertRecipient,
    CaseNote,
    ChannelBinding,
    ChecklistAnswer,
    Drill,
    Evidence,
    FollowUp,
    OutboxMessage,
    OutboxStatus,
    Person,
    Report,
    ReportStatus,
    Role,
    Timer,
    TimerState,
)
from storage.reports import unused_reference
from storage.viewer import Viewer

MAX_SPEED = 3600  # an hour a second: faster and the steps blur into one


async def may_start(session: AsyncSession, viewer: Viewer, municipality_id: int) -> bool:
    """True if the viewer may run a drill in this municipality: the operator, or the
    municipality's security unit as the directory says now (not as the viewer was loaded)."""
    if viewer.person_id is None:
        return viewer.is_admin
    person = await session.get(Person, viewer.person_id)
    return (
        person is not None
        and person.revoked_at is None
        and person.erased_at is None
        and person.role is Role.MUNICIPAL_SECURITY
        and person.municipality_id == municipality_id
    )


class DrillRepo:
    """Starts, finds and clears drills. Never commits."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def start(self, viewer: Viewer, municipality_id: int, speed: int, now: datetime) -> Drill:
        """Record a new drill; NotAllowed unless the viewer may start one (:func:`may_start`)."""
        if not await may_start(self.session, viewer, municipality_id):
            raise NotAllowed("drill")
        drill = Drill(
            municipality_id=municipality_id,
            started_by=viewer.person_id,
            speed=max(1, min(int(speed), MAX_SPEED)),
            started_at=now,
        )
        self.session.add(drill)
        await self.session.flush()
        return drill

    async def get(self, drill_id: int) -> Drill | None:
        return await self.session.get(Drill, drill_id)

    async def running(self, municipality_id: int) -> Drill | None:
        """The municipality's drill that has not ended, if any."""
        return (
            await self.session.scalars(
                select(Drill)
                .where(Drill.municipality_id == municipality_id, Drill.ended_at.is_(None))
                .order_by(Drill.id.desc())
                .limit(1)
            )
        ).first()

    async def listed(self, viewer: Viewer, limit: int = 50) -> list[Drill]:
        """The drills of the viewer's municipality, newest first: for its security unit only
        (NotFound for anyone else; the operator sees every municipality's)."""
        stmt = select(Drill).order_by(Drill.started_at.desc(), Drill.id.desc()).limit(limit)
        if viewer.person_id is None and viewer.is_admin:
            return list((await self.session.scalars(stmt)).all())
        if viewer.municipality_id is None or not await may_start(
            self.session, viewer, viewer.municipality_id
        ):
            raise NotFound("drills")
        stmt = stmt.where(Drill.municipality_id == viewer.municipality_id)
        return list((await self.session.scalars(stmt)).all())

    async def officials(self, municipality_id: int, limit: int = 20) -> list[int]:
        """Elected officials of the municipality with a party, first registered first."""
        rows = await self.session.scalars(
            select(Person.id)
            .where(
                Person.municipality_id == municipality_id,
                Person.role == Role.OFFICIAL,
                Person.party_id.is_not(None),
                Person.revoked_at.is_(None),
                Person.erased_at.is_(None),
            )
            .order_by(Person.id)
            .limit(limit)
        )
        return list(rows)

    async def speed(self, drill_id: int | None) -> int:
        """How many times faster a drill's timers run (1: not a drill)."""
        if drill_id is None:
            return 1
        drill = await self.session.get(Drill, drill_id)
        return drill.speed if drill is not None else 1

    async def add_case(
        self,
        keyring: Keyring,
        drill: Drill,
        subject: Person,
        pack: str,
        answers: dict[str, Any],
        now: datetime,
    ) -> Report:
        """The drill's case: submitted for the official, its answers sealed as any case's."""
        report_id = uuid.uuid4().hex
        ref = await unused_reference(self.session)
        report = Report(
            id=report_id,
            ref=ref,
            status=ReportStatus.SUBMITTED,
            reporter_id=subject.id,
            targeted_id=subject.id,
            municipality_id=subject.municipality_id,
            party_id=subject.party_id,
            pack=pack,
            unverified=False,
            answers=keyring.seal_json(answers, table="report", column="answers", row=report_id),
            created_at=now,
            updated_at=now,
            submitted_at=now,
            drill_id=drill.id,
        )
        self.session.add(report)
        await self.session.flush()
        return report

    async def cases(self, drill_id: int) -> list[Report]:
        return list(
            (await self.session.scalars(select(Report).where(Report.drill_id == drill_id))).all()
        )

    async def answered(self, report_id: str) -> list[str]:
        """The checklist items of a drill's case that someone answered, in the order answered."""
        rows = await self.session.scalars(
            select(ChecklistAnswer.item_id)
            .where(ChecklistAnswer.report_id == report_id)
            .order_by(ChecklistAnswer.id)
        )
        return list(dict.fromkeys(rows))

    async def alerts(self, drill_id: int) -> list[Alert]:
        return list(
            (
                await self.session.scalars(
                    select(Alert).where(Alert.drill_id == drill_id).order_by(Alert.created_at)
                )
            ).all()
        )

    async def fired(self, subject: str) -> list[Timer]:
        """The drill timers about this subject that have fired."""
        return list(
            (
                await self.session.scalars(
                    select(Timer).where(
                        Timer.subject == subject,
                        Timer.drill_id.is_not(None),
                        Timer.state == TimerState.FIRED,
                    )
                )
            ).all()
        )

    async def outbox(self, drill_id: int) -> list[OutboxMessage]:
        return list(
            (
                await self.session.scalars(
                    select(OutboxMessage)
                    .where(OutboxMessage.drill_id == drill_id)
                    .order_by(OutboxMessage.id)
                )
            ).all()
        )

    async def _timers(self, drill_id: int) -> ColumnElement[bool]:
        """The drill's timers: its own, and any about its cases (a follow-up booked in one is
        about "case" or "case:number")."""
        ids = list(await self.session.scalars(select(Report.id).where(Report.drill_id == drill_id)))
        return or_(
            Timer.drill_id == drill_id,
            Timer.subject.in_(ids),
            *(Timer.subject.startswith(f"{report_id}:") for report_id in ids),
        )

    async def counts(self, drill_id: int) -> dict[str, int]:
        """How many rows of each table belong to the drill."""
        alerts = select(Alert.id).where(Alert.drill_id == drill_id)
        reports = select(Report.id).where(Report.drill_id == drill_id)
        counted: dict[str, Any] = {
            "timer": await self._timers(drill_id),
            "alert": Alert.drill_id == drill_id,
            "alert_recipient": AlertRecipient.alert_id.in_(alerts),
            "outbox": OutboxMessage.drill_id == drill_id,
            "report": Report.drill_id == drill_id,
            "evidence": Evidence.report_id.in_(reports),
            "checklist_answer": ChecklistAnswer.report_id.in_(reports),
            "case_note": CaseNote.report_id.in_(reports),
            "followup": FollowUp.report_id.in_(reports),
        }
        tables = {
            "alert": Alert,
            "alert_recipient": AlertRecipient,
            "timer": Timer,
            "outbox": OutboxMessage,
            "report": Report,
            "evidence": Evidence,
            "checklist_answer": ChecklistAnswer,
            "case_note": CaseNote,
            "followup": FollowUp,
        }
        return {
            name: int(
                await self.session.scalar(
                    select(func.count()).select_from(tables[name]).where(where)
                )
                or 0
            )
            for name, where in counted.items()
        }

    async def unreachable(self, person_ids: list[int]) -> dict[int, str]:
        """Why people could not be reached: "no_binding" (never linked a chat), "dead" (the
        platform says the address is gone) or "held" (a changed identity not yet confirmed);
        people with a live binding are not in the answer."""
        rows = await self.session.execute(
            select(ChannelBinding.person_id, ChannelBinding.dead_at, ChannelBinding.held_at).where(
                ChannelBinding.person_id.in_(person_ids)
            )
        )
        states: dict[int, set[str]] = {}
        for person_id, dead_at, held_at in rows:
            state = "dead" if dead_at is not None else "held" if held_at is not None else "live"
            states.setdefault(person_id, set()).add(state)
        why: dict[int, str] = {}
        for person_id in person_ids:
            found = states.get(person_id, set())
            if "live" not in found:
                why[person_id] = "held" if "held" in found else "dead" if found else "no_binding"
        return why

    async def delivered(self, drill_id: int, kind: str) -> set[int]:
        """The people a drill's messages of this kind reached (sent on some channel)."""
        rows = await self.session.scalars(
            select(OutboxMessage.recipient_id).where(
                OutboxMessage.drill_id == drill_id,
                OutboxMessage.kind == kind,
                OutboxMessage.status == OutboxStatus.SENT,
            )
        )
        return set(rows)

    async def finish(self, drill: Drill, summary: dict[str, Any], now: datetime) -> None:
        """End the drill: keep its summary, remove every row it created."""
        drill.ended_at = now
        drill.summary = summary
        alerts = select(Alert.id).where(Alert.drill_id == drill.id)
        reports = select(Report.id).where(Report.drill_id == drill.id)
        timers = await self._timers(drill.id)
        for statement in (
            delete(OutboxMessage).where(OutboxMessage.drill_id == drill.id),
            delete(Timer).where(timers),
            delete(AlertRecipient).where(AlertRecipient.alert_id.in_(alerts)),
            delete(Alert).where(Alert.drill_id == drill.id),
            delete(Evidence).where(Evidence.report_id.in_(reports)),
            delete(ChecklistAnswer).where(ChecklistAnswer.report_id.in_(reports)),
            delete(CaseNote).where(CaseNote.report_id.in_(reports)),
            delete(FollowUp).where(FollowUp.report_id.in_(reports)),
            delete(Report).where(Report.drill_id == drill.id),
        ):
            await self.session.execute(statement.execution_options(synchronize_session=False))
