"""A check-in ("Hur mår du?") is not put to her moments after she told us how things are:
one due soon after she sent a report, wrote to her case, raised an alert or was asked how
she is moves on, to a while after that, out of the quiet hours."""

from __future__ import annotations

from datetime import timedelta

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
"""In a check-in's payload: she moved it to this time herself, and it comes then."""


async def moved_past_her_words(sc: SystemContext, timer: Timer, report: Report) -> bool:
    """Move a check-in that comes due within :data:`HEARD_LATELY` of her last words or of
    the last check-in put to her; True if it was moved. A drill's case keeps its pace, and
    a time she chose herself is kept."""
    if report.drill_id is not None or report.reporter_id is None or timer.payload.get(CHOSEN):
        return False
    moments = (
        await last_words(sc.session, report.reporter_id),
        await OutboxRepo(sc.session).last_queued(report.reporter_id, CHECKIN_ASK),
    )
    heard = max((moment for moment in moments if moment is not None), default=None)
    if heard is None or sc.now - heard >= HEARD_LATELY:
        return False
    quiet = await quiet_hours_of(sc.session, report.municipality_id)
    later = out_of_quiet_hours(heard + HEARD_LATELY, quiet)
    TimerRepo(sc.session).schedule(timer.kind, timer.subject, later, dict(timer.payload))
    return True
