"""Retention, run by the daily housekeeping timer: purge what has outlived its period
(one audit entry per kind of record and run, with the count, never a name), and plan the
warning and purge of open cases that have been idle for their municipality's period."""

from __future__ import annotations

from conversations.alerts import SystemContext
from conversations.followups import PURGE, PURGE_WARNING
from conversations.schedule import out_of_quiet_hours
from storage.retention import WARN_AHEAD, RetentionRepo
from storage.timers import TimerRepo
from storage.trust import AuditRepo


async def purge_expired(sc: SystemContext) -> dict[str, int]:
    """Delete every kind of record past its retention period; audit the counts."""
    repo = RetentionRepo(sc.session)
    counts = {
        "drafts": await repo.abandoned_drafts(sc.now),
        "alerts": await repo.akut_alerts(sc.now),
        "messages": await repo.delivered_messages(sc.now),
        "timers": await repo.finished_timers(sc.now),
        "conversations": await repo.idle_conversations(sc.now),
        "invites": await repo.spent_invites(sc.now),
        "audit": await repo.audit(sc.now),  # last: the entries below are new
    }
    audit = AuditRepo(sc.session)
    for kind, count in counts.items():
        if count:
            audit.record("system", f"purged_{kind}", str(count), None, sc.now)
    return counts


async def plan_idle_purges(sc: SystemContext) -> int:
    """An open case idle for its retention period is announced a week ahead to the people
    who may handle it (who can keep it), then purged unless there was activity or a hold."""
    timers = TimerRepo(sc.session)
    planned = 0
    for case in await RetentionRepo(sc.session).idle_cases(sc.now + WARN_AHEAD):
        if await timers.pending(PURGE, case.report_id):
            continue  # already announced
        warn = out_of_quiet_hours(sc.now)
        timers.schedule(PURGE_WARNING, case.report_id, warn, {"idle": True})
        timers.schedule(
            PURGE, case.report_id, max(case.purge_at, warn + WARN_AHEAD), {"idle": True}
        )
        planned += 1
    return planned
