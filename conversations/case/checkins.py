"""The targeted person's own choices in her case: the check-ins."""

from __future__ import annotations

import contextlib

from conversations.case.common import found_case, gone
from conversations.case.view import show_case
from conversations.desk import closing as desk
from conversations.desk.errors import Refused
from conversations.events import InboundEvent
from conversations.flow import Context, StateResult
from storage.access import Access


async def toggle_checkins(ctx: Context, event: InboundEvent) -> StateResult:
    """Stop (or restart) the check-ins for the person's own case."""
    found = await found_case(ctx, Access.OWN)
    if found is None:
        return await gone(ctx)
    report, access = found
    with contextlib.suppress(Refused):
        ctx.reply(await desk.toggle_checkins(ctx, report, access))
    return await show_case(ctx)
