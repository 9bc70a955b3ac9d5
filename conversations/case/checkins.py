"""The targeted person's own choices in her case: the check-ins."""

from __future__ import annotations

import contextlib

from conversations.case.common import found_case, gone
from conversations.case.next_step import carry_on
from conversations.desk import closing as desk
from conversations.desk.errors import Refused
from conversations.events import Button, InboundEvent
from conversations.flow import Context, StateResult
from storage.access import Access


async def toggle_checkins(ctx: Context, event: InboundEvent) -> StateResult:
    """Stop (or restart) the check-ins for the person's own case."""
    _ = ctx._
    found = await found_case(ctx, Access.OWN)
    if found is None:
        return await gone(ctx)
    report, access = found
    said = ""
    with contextlib.suppress(Refused):
        said = await desk.toggle_checkins(ctx, report, access)
    if not said:  # refused (a closed case): nothing to take back
        return await carry_on(ctx)
    # the choice as it is now: one press takes it back
    label = _("Stop the check-ins") if report.checkins else _("Start the check-ins again")
    return await carry_on(ctx, said, again=Button("case:checkins", label))
