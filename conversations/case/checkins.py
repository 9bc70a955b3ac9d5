"""The targeted person's own choices in her case: the check-ins."""

from __future__ import annotations

import contextlib

from conversations.case.common import found_case, gone, on_case
from conversations.case.next_step import carry_on
from conversations.desk import closing as desk
from conversations.desk.errors import Refused
from conversations.events import Button, InboundEvent
from conversations.flow import Context, StateResult
from storage.access import Access
from storage.models import Report

STOP = "case:stop_checkins"
START = "case:start_checkins"
"""Each way has its own button: an older card's "Stop" never starts them again."""


def checkins_button(ctx: Context, report: Report) -> Button:
    """Her choice about the check-ins as it is now: one press changes it."""
    if report.checkins:
        return on_case(report, STOP, ctx._("Stop the check-ins"))
    return on_case(report, START, ctx._("Start the check-ins again"))


async def toggle_checkins(ctx: Context, event: InboundEvent) -> StateResult:
    """Stop (or restart) the check-ins for the person's own case."""
    _ = ctx._
    found = await found_case(ctx, Access.OWN)
    if found is None:
        return await gone(ctx)
    report, access = found
    if event.action in (STOP, START) and (event.action == STOP) is not report.checkins:
        already = (  # stopped (or started again) meanwhile, e.g. from a check-in's message
            _("The check-ins are already stopped.")
            if event.action == STOP
            else _("The check-ins are already on.")
        )
        return await carry_on(ctx, already, again=checkins_button(ctx, report))
    said = ""
    with contextlib.suppress(Refused):
        said = await desk.toggle_checkins(ctx, report, access)
    if not said:  # refused (a closed case): nothing to take back
        return await carry_on(ctx)
    return await carry_on(ctx, said, again=checkins_button(ctx, report))  # one press takes it back
