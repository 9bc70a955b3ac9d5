"""What a failed delivery means for the address it went to: gone, or held after an
identity change (the unit is then told), whichever transport said so."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.transports.base import GONE, IDENTITY, DeliveryFailed
from conversations.identity import hold_address
from storage.bindings import BindingRepo

log = logging.getLogger(__name__)


async def mark_address(
    session: AsyncSession, channel: str, address: str, failure: DeliveryFailed, now: datetime
) -> int:
    """Mark the address as the failure says; return how many notices were queued."""
    if failure.kind == GONE:
        if await BindingRepo(session).mark_dead(channel, address, now):
            log.warning("%s: an address is no longer reachable; marked dead", channel)
        return 0
    if failure.kind == IDENTITY:
        notices = await hold_address(session, channel, address, now)
        log.warning("%s: an address is held until its new identity is confirmed", channel)
        return notices
    return 0
