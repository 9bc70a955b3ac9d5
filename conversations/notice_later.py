"""Routine notices that would arrive in the quiet hours wait for the end of them: a case
closed or opened again at 23:30 had woken her and the director."""

from __future__ import annotations

from typing import Any

from conversations.alerts import SystemContext
from conversations.flow import Context
from conversations.schedule import out_of_quiet_hours, quiet_hours_of
from storage.models import Timer
from storage.outbox import ROUTINE
from storage.timers import TimerRepo

NOTICE_LATER = "notice_later"  # a routine notice held over the quiet hours


async def notify_routine(
    ctx: Context, municipality_id: int | None, recipient_id: int, kind: str, payload: dict[str, Any]
) -> None:
    """Queue a routine notice now, or, in the municipality's quiet hours, at their end."""
    quiet = await quiet_hours_of(ctx.session, municipality_id)
    later = out_of_quiet_hours(ctx.now, quiet)
    if later <= ctx.now or ctx.drill_id is not None:
        ctx.notify(recipient_id, kind, payload, ROUTINE)
        return
    held = {"to": recipient_id, "kind": kind, "payload": payload}
    subject = f"{recipient_id}:{kind}:{payload.get('report', '')}"
    TimerRepo(ctx.session).schedule(NOTICE_LATER, subject, later, held)


async def notice_later(sc: SystemContext, timer: Timer) -> None:
    """The quiet hours are over: send the notice held over them."""
    held = timer.payload
    sc.notify(int(held["to"]), str(held["kind"]), dict(held.get("payload") or {}), ROUTINE)
