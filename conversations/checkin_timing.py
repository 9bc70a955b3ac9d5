"""A check-in ("Hur mår du?") is not put to her moments after she told us how things are:
one due soon after she sent a report, wrote to her case, raised an alert, was asked how
she is or had a follow-up call moves on, to a while after that, out of the quiet hours; so
does one due around a call booked with her (conversations/checkin_calls.py), and it is
planned again when that call is moved or held. Her case view shows the time it will come."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from conversations.alerts import SystemContext
from conversations.checkin_calls import after_calls, call_moments
from conversations.notices import CHECKIN_ASK
from conversations.schedule import out_of_quiet_hours, quiet_hours_of
from storage.calls import CHECKIN_KINDS
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
HELD_FROM = "held_from"
"""In a check-in's payload: the time it was due before it was held back (after her words, or
a call), so that it is planned again from there when a call is moved or called off."""


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
    held = timer.payload.get(HELD_FROM)
    if isinstance(held, str):  # held back: from when it was due, or now if that has passed
        when = out_of_quiet_hours(max(datetime.fromisoformat(held), now), quiet)
    if heard is not None and max(when, now) - heard < HEARD_LATELY:
        when = out_of_quiet_hours(heard + HEARD_LATELY, quiet)
    return after_calls(booked, when, now, HEARD_LATELY, quiet)


async def moved_till_asked(sc: SystemContext, timer: Timer, report: Report) -> bool:
    """Move a check-in due now to when it is to be asked (:func:`asked_at`); True if moved."""
    later = await asked_at(sc.session, sc.keyring, timer, report, sc.now)
    if later <= sc.now + timedelta(seconds=1):
        return False
    payload = {HELD_FROM: timer.due_at.isoformat(), **timer.payload}  # first held: kept
    TimerRepo(sc.session).schedule(timer.kind, timer.subject, later, payload)
    return True


async def replan_held(
    session: AsyncSession, keyring: Keyring, report: Report, now: datetime
) -> None:
    """Her calls changed (one moved, held or called off): a check-in held back comes when it
    now would, earlier too, not at the time the old call had set; a time she chose is kept."""
    timers = TimerRepo(session)
    pending = [t for kind in sorted(CHECKIN_KINDS) for t in await timers.pending(kind, report.id)]
    for timer in pending:
        if HELD_FROM not in timer.payload or timer.payload.get(CHOSEN):
            continue
        when = max(await asked_at(session, keyring, timer, report, now), now)
        if when != timer.due_at:
            timer.due_at = when
