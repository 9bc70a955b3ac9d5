"""Daily housekeeping: forget handled-event ids once no platform can redeliver them, and
apply the retention rules (conversations.retention)."""

from __future__ import annotations

from datetime import datetime, timedelta

from conversations.alerts import SystemContext
from conversations.retention import plan_idle_purges, purge_expired
from storage.dialogue import HandledEventRepo
from storage.models import Timer
from storage.timers import TimerRepo
from storage.web_access import WebAccessRepo

HOUSEKEEPING = "housekeeping"
KEEP_EVENT_IDS = timedelta(days=7)  # Telegram keeps undelivered updates for 24 hours


async def ensure_housekeeping(timers: TimerRepo, due: datetime) -> None:
    """Schedule the daily housekeeping timer if none is pending (one, however many
    processes start at once)."""
    await timers.one_at_a_time(HOUSEKEEPING, "daily")
    if not await timers.pending(HOUSEKEEPING, "daily"):
        timers.schedule(HOUSEKEEPING, "daily", due)


async def housekeeping(sc: SystemContext, timer: Timer) -> None:
    """Forget old event ids, purge by retention and ended web sessions; plan tomorrow."""
    await HandledEventRepo(sc.session).forget_before(sc.now - KEEP_EVENT_IDS)
    await purge_expired(sc)
    await plan_idle_purges(sc)
    await WebAccessRepo(sc.session).prune(sc.now)
    TimerRepo(sc.session).schedule(HOUSEKEEPING, "daily", sc.now + timedelta(days=1))
