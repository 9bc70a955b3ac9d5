"""A check-in ("Hur mår du?") is not put to her moments after she told us how things are:
one due soon after she sent a report, wrote to her case, raised an alert, was asked how
she is or had a follow-up call moves on, to a while after that, out of the quiet hours; so
does one due around a call booked with her (conversations/checkin_calls.py). Her case view
shows the time it will come."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from conversations.alerts import SystemContext
from conversations.checkin_calls import after_calls, call_moments
from conversations.notices import CHECKIN_ASK
from conversations.schedule import out_of_quiet_hours, quiet_hours_of
from storage.cases import CaseRepo
from storage.crypto import Keyring
from storage.last_words import last_words
from storage.models import Report, Timer
from storage.outbox import OutboxRepo
from storage.timers import TimerRepo

HEARD_LATELY = timedelta(hours=12)
"""How long after her own words (or the last check-in) a check-in waits."""
CHOSEN = "chosen"
"""In a check-in's or a reminder's payload: she moved it to this time herself, and it comes
then."""


async def asked_at(
    session: AsyncSession, keyring: Keyring, timer: Timer, report: Report, now: datetime
) -> datetime:
    """When a check-in will be put to her: when it is due, unless that (or ``now``, if it is
    overdue) is within :data:`HEARD_LATELY` of her last words, of the last check-in put to
    her or of a call held with her, or comes around a call booked with her; then that long
    after them, out of the quiet hours. A drill's case keeps its pace, and a time she chose
    herself is kept."""
    if report.drill_id is not None or report.reporter_id is None or timer.payload.get(CHOSEN):
        return timer.due_at
    booked, held = await call_moments(CaseRepo(session, keyring), report)
    moments = (
        await last_words(session, report.reporter_id),
        await OutboxRepo(session).last_queued(report.reporter_id, CHECKIN_ASK),
        held,
    )
    heard = max((moment for moment in moments if moment is not None), default=None)
    quiet = await quiet_hours_of(session, report.municipality_id)
    when = timer.due_at
    if heard is not None and max(when, now) - heard < HEARD_LATELY:
        when = out_of_quiet_hours(heard + HEARD_LATELY, quiet)
    return after_calls(booked, when, now, HEARD_LATELY, quiet)


async def moved_till_asked(sc: SystemContext, timer: Timer, report: Report) -> bool:
    """Move a check-in due now to when it is to be asked (:func:`asked_at`); True if moved."""
    later = await asked_at(sc.session, sc.keyring, timer, report, sc.now)
    if later <= sc.now + timedelta(seconds=1):
        return False
    TimerRepo(sc.session).schedule(timer.kind, timer.subject, later, dict(timer.payload))
    return True
