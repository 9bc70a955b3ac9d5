"""A check-in is not put to her around a follow-up call: the call is how she is asked. One
due on the day of a booked call, or in the hours before it, waits until a while after the
call; a call held counts as her last words do."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from conversations.i18n import DISPLAY_TZ
from conversations.schedule import out_of_quiet_hours
from storage.cases import CaseRepo
from storage.models import FollowUp, Report


async def call_moments(cases: CaseRepo, report: Report) -> tuple[list[datetime], datetime | None]:
    """The times her calls are booked for (still to be held), and the latest moment a call
    with her was held (None: none held)."""
    booked: list[datetime] = []
    held: list[datetime] = []
    for row in (await cases.followups_for_jobs(report)).values():
        if row.status == "planned" and row.planned_for is not None:
            booked.append(row.planned_for)
        elif row.status == "documented":
            moment = _held_at(row, cases.notes_of(row).get("date"))
            if moment is not None:
                held.append(moment)
    return sorted(booked), max(held, default=None)


def _held_at(row: FollowUp, said: object) -> datetime | None:
    """The latest a documented call can have been held: at its booked time if held on that
    day, else by the end of the day it was held and by the time it was documented."""
    try:
        day = date.fromisoformat(str(said)) if said else None
    except ValueError:
        day = None
    if day is None:
        return row.documented_at
    if row.planned_for is not None and row.planned_for.astimezone(DISPLAY_TZ).date() == day:
        return row.planned_for
    end = datetime.combine(day + timedelta(days=1), datetime.min.time(), DISPLAY_TZ)
    return min(end, row.documented_at) if row.documented_at is not None else end


def _around(call: datetime, at: datetime, span: timedelta) -> bool:
    """Whether a check-in at ``at`` comes around a call at ``call``: on its day, or within
    ``span`` before or after it."""
    same_day = call.astimezone(DISPLAY_TZ).date() == at.astimezone(DISPLAY_TZ).date()
    return same_day or call - span <= at < call + span


def after_calls(
    booked: list[datetime], when: datetime, now: datetime, span: timedelta, quiet: str
) -> datetime:
    """When a check-in planned for ``when`` comes, given the calls booked: ``span`` after a
    call it would come around, out of the quiet hours; else when planned."""
    for call in sorted(booked):
        if _around(call, max(when, now), span):
            when = max(when, out_of_quiet_hours(call + span, quiet))
    return when
