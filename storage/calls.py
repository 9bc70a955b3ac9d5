"""Follow-up calls and a case's schedule: booking a call, its log, and moving what is planned.

The rule, checked on every read and write against the viewer as they are now:

- those who handle the case book calls, document them, read the whole log (date held, who
  took part, notes) and move the reminders to themselves;
- the reporter reads when calls with her are planned, who booked them and that they were
  held (never the notes), and moves her own check-ins;
- anyone else gets NotFound: the municipal director too (the checklist's view has no calls:
  their file and the police's say calls are left out), as does a contact of another party
  or one whose role was taken away or changed, from their next read on.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.access import Access, case_access
from storage.crypto import Keyring
from storage.errors import NotFound
from storage.models import FollowUp, Report, ReportStatus, Timer, TimerState
from storage.viewer import Viewer

# The timer kinds of a case (conversations.followups names them) each side may see and move.
CHECKIN_KINDS = frozenset({"checkin"})  # the targeted person's check-ins
REMINDER_KINDS = frozenset({"followup_first", "followup_due", "followup_call"})  # the contact's


@dataclass(frozen=True, slots=True)
class CallEntry:
    """One follow-up call as the viewer may read it (``participants``/``notes``: handlers)."""

    number: int
    status: str  # planned | not_needed | documented
    planned_for: datetime | None  # booked for this time
    held_on: str | None  # ISO date
    booked_by: int | None
    planned_day: date | None = None  # planned for this day, no time booked yet
    participants: str | None = None
    notes: str | None = None


class CallRepo:
    """Follow-up calls and scheduled timers of a case, on behalf of a viewer. Never commits."""

    def __init__(self, session: AsyncSession, keyring: Keyring) -> None:
        self.session = session
        self.keyring = keyring

    async def _level(self, viewer: Viewer, report: Report) -> Access:
        level = await case_access(self.session, viewer, report)
        if level is Access.NONE:
            raise NotFound("case")
        return level

    async def _reader(self, viewer: Viewer, report: Report) -> Access:
        """What the viewer may read of the calls: the whole log (handlers) or the dates (the
        person the case is about); the director's checklist view has none of it."""
        level = await self._level(viewer, report)
        if level not in (Access.OWN, Access.HANDLER):
            raise NotFound("calls")
        return level

    async def _handler(self, viewer: Viewer, report: Report) -> None:
        if await self._level(viewer, report) is not Access.HANDLER:
            raise NotFound("case")
        if report.status is not ReportStatus.SUBMITTED:
            raise NotFound("open case")

    def _notes(self, row: FollowUp) -> dict[str, Any]:
        if row.notes is None:
            return {}
        value = self.keyring.open_json(row.notes, table="followup", column="notes", row=row.id)
        return value if isinstance(value, dict) else {}

    async def _rows(self, report: Report) -> dict[int, FollowUp]:
        rows = await self.session.scalars(select(FollowUp).where(FollowUp.report_id == report.id))
        return {row.number: row for row in rows}

    async def rows(self, viewer: Viewer, report: Report) -> dict[int, FollowUp]:
        """The case's call rows by number, notes sealed inside, for those who handle it (the
        person it is about reads ``log``; anyone else gets NotFound, as there)."""
        if await self._reader(viewer, report) is not Access.HANDLER:
            raise NotFound("call notes")
        return await self._rows(report)

    # --- calls ---------------------------------------------------------------------------

    async def book(
        self, viewer: Viewer, report: Report, number: int, when: datetime, now: datetime
    ) -> FollowUp:
        """Book (or move) follow-up call ``number`` for ``when``, a time still to come."""
        await self._handler(viewer, report)
        if when <= now:
            raise ValueError("a call is booked for a time to come")
        row = (await self._rows(report)).get(number)
        if row is None:
            row = FollowUp(report_id=report.id, number=number, status="planned")
            self.session.add(row)
            await self.session.flush()
        if row.status == "documented":
            raise ValueError("this call is already documented")
        notes = self._notes(row)
        notes["booked_by"] = viewer.person_id
        row.status, row.planned_for, row.planned_day = "planned", when, None
        row.notes = self.keyring.seal_json(notes, table="followup", column="notes", row=row.id)
        report.updated_at = now
        return row

    async def call_off(self, viewer: Viewer, report: Report, now: datetime) -> list[datetime]:
        """Call off the calls booked for a time to come (the case is being closed): they are
        no longer booked; return when they were. Days planned without a time are dropped
        too (``days_ahead`` says which)."""
        await self._handler(viewer, report)
        off = []
        for row, when in await self._booked_ahead(report, now):
            off.append(when)
            row.planned_for = None
        for row in (await self._rows(report)).values():
            if row.status == "planned" and row.planned_day is not None:
                row.planned_day = None
                report.updated_at = now
        if off:
            report.updated_at = now
        return sorted(off)

    async def drop_day(self, viewer: Viewer, report: Report, number: int, now: datetime) -> bool:
        """Take away the day call ``number`` was planned for (no time booked): it is still to
        be booked, on no day yet. False if it had no such day."""
        await self._handler(viewer, report)
        row = (await self._rows(report)).get(number)
        if row is None or row.status != "planned" or row.planned_day is None:
            return False
        row.planned_day = None
        report.updated_at = now
        return True

    async def days_ahead(self, viewer: Viewer, report: Report, today: date) -> list[date]:
        """The days calls are planned for, with no time booked, from ``today`` on."""
        await self._handler(viewer, report)
        rows = (await self._rows(report)).values()
        return sorted(
            row.planned_day
            for row in rows
            if row.status == "planned" and row.planned_day is not None and row.planned_day >= today
        )

    async def booked_ahead(self, viewer: Viewer, report: Report, now: datetime) -> list[datetime]:
        """When the calls booked for a time to come are (closing would call them off)."""
        await self._handler(viewer, report)
        return sorted(when for _row, when in await self._booked_ahead(report, now))

    async def give_calls(self, report: Report, receiver: Viewer, now: datetime) -> list[datetime]:
        """Make the receiver of a handed-over case the one who holds its booked calls (they
        must handle the case now); return when those calls are."""
        await self._handler(receiver, report)
        given = []
        for row, when in await self._booked_ahead(report, now):
            notes = self._notes(row)
            notes["booked_by"] = receiver.person_id
            row.notes = self.keyring.seal_json(notes, table="followup", column="notes", row=row.id)
            given.append(when)
        return sorted(given)

    async def _booked_ahead(self, report: Report, now: datetime) -> list[tuple[FollowUp, datetime]]:
        """The calls booked for a time still to come, with that time."""
        rows = (await self._rows(report)).values()
        return [
            (row, row.planned_for)
            for row in rows
            if row.status == "planned" and row.planned_for is not None and row.planned_for > now
        ]

    async def log(self, viewer: Viewer, report: Report) -> list[CallEntry]:
        """The follow-up log, oldest call first, as far as the viewer may read it."""
        level = await self._reader(viewer, report)
        entries = []
        for number, row in sorted((await self._rows(report)).items()):
            notes = self._notes(row)
            booked = notes.get("booked_by")
            entry = CallEntry(
                number,
                row.status,
                row.planned_for,
                str(notes["date"]) if row.status == "documented" and notes.get("date") else None,
                booked if isinstance(booked, int) else None,
                row.planned_day if row.status == "planned" else None,
            )
            if level is Access.HANDLER:
                entry = replace(
                    entry,
                    participants=str(notes["present"]) if notes.get("present") else None,
                    notes=str(notes["situation"]) if notes.get("situation") else None,
                )
            entries.append(entry)
        return entries

    # --- the schedule --------------------------------------------------------------------

    async def _kinds(self, viewer: Viewer, report: Report, kinds: Collection[str]) -> list[str]:
        """The asked-for timer kinds the viewer may see and move (none: NotFound)."""
        level = await self._level(viewer, report)
        allowed = {Access.OWN: CHECKIN_KINDS, Access.HANDLER: REMINDER_KINDS}.get(level)
        mine = sorted(set(kinds) & (allowed or set()))
        if not mine:
            raise NotFound("schedule")
        return mine

    async def upcoming(self, viewer: Viewer, report: Report, kinds: Collection[str]) -> list[Timer]:
        """Pending timers of the case of these kinds, soonest first."""
        mine = await self._kinds(viewer, report, kinds)
        rows = await self.session.scalars(
            select(Timer)
            .where(
                Timer.state == TimerState.PENDING,
                Timer.kind.in_(mine),
                or_(Timer.subject == report.id, Timer.subject.startswith(f"{report.id}:")),
            )
            .order_by(Timer.due_at, Timer.id)
        )
        return list(rows)

    async def move_next(
        self,
        viewer: Viewer,
        report: Report,
        kinds: Collection[str],
        when: datetime,
        now: datetime,
    ) -> Timer | None:
        """Move the soonest pending timer of these kinds to ``when`` (a time to come)."""
        if report.status is not ReportStatus.SUBMITTED:
            raise NotFound("open case")
        if when <= now:
            raise ValueError("a timer is moved to a time to come")
        timers = await self.upcoming(viewer, report, kinds)
        if not timers:
            return None
        timers[0].due_at = when
        return timers[0]
