"""The targeted person's own choices in her case: the check-ins."""

from __future__ import annotations

from conversations.case.common import found_case, gone
from conversations.case.view import show_case
from conversations.events import InboundEvent
from conversations.flow import Context, StateResult
from storage.access import Access


async def toggle_checkins(ctx: Context, event: InboundEvent) -> StateResult:
    """Stop (or restart) the check-ins for the person's own case."""
    _ = ctx._
    found = await found_case(ctx, Access.OWN)
    if found is None:
        return await gone(ctx)
    report, access = found
    if access is not Access.OWN:
        return await show_case(ctx)
    report.checkins = not report.checkins
    ctx.reply(
        _("I will check in with you now and then.")
        if report.checkins
        else _("I will not check in with you any more. You can always write to me.")
    )
    return await show_case(ctx)
