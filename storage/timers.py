"""Durable timers: rows with a due time. Claimed by a conditional update, so a timer fires
once even with several processes on one database (PostgreSQL also skips locked rows)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import bindparam, insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.leases import person_key
from storage.models import Timer, TimerState, utcnow
from storage.prepared import Prepared, run_all


class Planned(NamedTuple):
    """A timer to schedule with :meth:`TimerRepo.schedule_all`."""

    kind: str
    subject: str
    due_at: datetime
    payload: dict[str, Any]
    drill_id: int | None = None  # a drill's timer (removed when the drill ends)


# A submitted case plans its follow-ups and check-ins at once (see storage.prepared).
_SCHEDULE = Prepared(
    insert(Timer).values(
        kind=bindparam("v_kind"),
        subject=bindparam("v_subject"),
        due_at=bindparam("v_due_at"),
        state=TimerState.PENDING,
        payload=bindparam("v_payload"),
        created_at=bindparam("v_created_at"),
        drill_id=bindparam("v_drill"),
    )
)


class TimerRepo:
    """Schedules, cancels and claims timers. Never commits."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def schedule(
        self,
        kind: str,
        subject: str,
        due_at: datetime,
        payload: dict[str, Any] | None = None,
        drill_id: int | None = None,
    ) -> Timer:
        timer = Timer(
            kind=kind,
            subject=subject,
            due_at=due_at,
            state=TimerState.PENDING,
            payload=payload or {},
            drill_id=drill_id,
        )
        self.session.add(timer)
        return timer

    async def schedule_all(self, timers: Sequence[Planned]) -> None:
        """Schedule several timers with prepared INSERTs in one hop, no ORM objects; like
        :meth:`schedule`'s, they are visible to the rest of the unit of work."""
        created = utcnow()
        rows = [
            {
                "v_kind": t.kind,
                "v_subject": t.subject,
                "v_due_at": t.due_at,
                "v_payload": t.payload,
                "v_created_at": created,
                "v_drill": t.drill_id,
            }
            for t in timers
        ]
        await run_all(self.session, ((_SCHEDULE, row) for row in rows))

    async def cancel(self, kind: str, subject: str) -> int:
        """Cancel every pending timer of this kind for this subject."""
        result = await self.session.execute(
            update(Timer)
            .where(Timer.kind == kind, Timer.subject == subject, Timer.state == TimerState.PENDING)
            .values(state=TimerState.CANCELLED)
        )
        return int(getattr(result, "rowcount", 0) or 0)

    async def one_at_a_time(self, kind: str, subject: str) -> None:
        """On PostgreSQL, hold (until commit) a lock on (kind, subject): processes that
        check and schedule the same timer at once then do it one after the other."""
        connection = await self.session.connection()
        if connection.dialect.name == "postgresql":
            key = person_key(f"timer:{kind}", subject)
            await connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})

    async def pending(self, kind: str, subject: str) -> Sequence[Timer]:
        return (
            await self.session.scalars(
                select(Timer).where(
                    Timer.kind == kind,
                    Timer.subject == subject,
                    Timer.state == TimerState.PENDING,
                )
            )
        ).all()

    async def latest(self, kind: str, subject: str) -> Timer | None:
        """The last timer of this kind for this subject, in any state (fired and cancelled
        ones are kept a while)."""
        return (
            await self.session.scalars(
                select(Timer)
                .where(Timer.kind == kind, Timer.subject == subject)
                .order_by(Timer.id.desc())
                .limit(1)
            )
        ).first()

    async def due(self, now: datetime, limit: int, *, skip_locked: bool) -> Sequence[Timer]:
        """Return pending timers due by ``now``, oldest first."""
        stmt = (
            select(Timer)
            .where(Timer.state == TimerState.PENDING, Timer.due_at <= now)
            .order_by(Timer.due_at, Timer.id)
            .limit(limit)
        )
        if skip_locked:
            stmt = stmt.with_for_update(skip_locked=True)
        return (await self.session.scalars(stmt)).all()

    async def claim(self, timer_id: int, now: datetime) -> bool:
        """Mark a pending timer fired; True only for the one caller that won it."""
        result = await self.session.execute(
            update(Timer)
            .where(Timer.id == timer_id, Timer.state == TimerState.PENDING)
            .values(state=TimerState.FIRED, fired_at=now)
            .execution_options(synchronize_session=False)
        )
        return int(getattr(result, "rowcount", 0) or 0) == 1

    async def next_due(self) -> datetime | None:
        return (
            await self.session.scalars(
                select(Timer.due_at)
                .where(Timer.state == TimerState.PENDING)
                .order_by(Timer.due_at)
                .limit(1)
            )
        ).first()
