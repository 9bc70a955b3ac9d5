"""A check-in ("Hur mår du?") is not put to her moments after she told us how things are:
one due soon after she sent a report, wrote to her case, raised an alert or was asked how
she is moves on, to a while after that, out of the quiet hours. Her case view shows the
time it will come."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from conversations.alerts import SystemContext
from conversations.notices import CHECKIN_ASK
from conversations.schedule import out_of_quiet_hours, quiet_hours_of
from storage.last_words import last_words
from storage.models import Report, Timer
from storage.outbox import OutboxRepo
from storage.timers import TimerRepo

HEARD_LATELY = timedelta(hours=12)
"""How long after her own words (or the last check-in) a check-in waits."""
CHOSEN = "chosen"
"""In a check-in's or a reminder's payload: she moved it to this time herself, and it comes
then."""


async def asked_at(session: AsyncSession, timer: Timer, report: Report, now: datetime) -> datetime:
    """When a check-in will be put to her: when it is due, unless that (or ``now``, if it is
    overdue) is within :data:`HEARD_LATELY` of her last words or of the last check-in put to
    her; then that long after them, out of the quiet hours. A drill's case keeps its pace,
    and a time she chose herself is kept."""
    if report.drill_id is not None or report.reporter_id is None or timer.payload.get(CHOSEN):
        return timer.due_at
    moments = (
        await last_words(session, report.reporter_id),
        await OutboxRepo(session).last_queued(report.reporter_id, CHECKIN_ASK),
    )
    heard = max((moment for moment in moments if moment is not None), default=None)
    if heard is None or max(timer.due_at, now) - heard >= HEARD_LATELY:
        return timer.due_at
    quiet = await quiet_hours_of(session, report.municipality_id)
    return out_of_quiet_hours(heard + HEARD_LATELY, quiet)


async def moved_past_her_words(sc: SystemContext, timer: Timer, report: Report) -> bool:
    """Move a check-in due now to when it is to be asked (:func:`asked_at`); True if moved."""
    later = await asked_at(sc.session, timer, report, sc.now)
    if later <= sc.now + timedelta(seconds=1):
        return False
    TimerRepo(sc.session).schedule(timer.kind, timer.subject, later, dict(timer.payload))
    return True
