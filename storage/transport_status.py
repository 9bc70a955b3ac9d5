"""What a channel's platform last said about the bot's own account and connection.

One row per key: the channel itself (``signal``: ok | proof_required) and its connection
(``signal:rpc``: connected | disconnected). ``since`` moves only when the state changes.
Details are instructions for the operator, never personal data.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ChannelBinding, OutboxMessage, OutboxStatus, TransportStatus

OK = "ok"
PROOF_REQUIRED = "proof_required"
CONNECTED = "connected"
DISCONNECTED = "disconnected"


def connection_key(channel: str) -> str:
    """The row that keeps a channel's connection state."""
    return f"{channel}:rpc"


class StatusRepo:
    """Reads and records transport states. Never commits."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, key: str) -> TransportStatus | None:
        return await self.session.get(TransportStatus, key)

    async def record(self, key: str, state: str, detail: str | None, now: datetime) -> bool:
        """Record a state; return True if it changed (``since`` is then now)."""
        row = await self.session.get(TransportStatus, key)
        if row is None:
            self.session.add(
                TransportStatus(channel=key, state=state, detail=detail, since=now, updated_at=now)
            )
            return True
        changed = row.state != state
        if changed:
            row.since = now
        row.state, row.detail, row.updated_at = state, detail, now
        return changed

    async def pending(self, channel: str) -> int:
        """How many outbox messages wait for people bound on the channel (a message for
        another channel only is not counted)."""
        bound = (
            select(ChannelBinding.id)
            .where(
                ChannelBinding.person_id == OutboxMessage.recipient_id,
                ChannelBinding.channel == channel,
            )
            .exists()
        )
        count = await self.session.scalar(
            select(func.count(OutboxMessage.id)).where(
                OutboxMessage.status == OutboxStatus.PENDING,
                or_(OutboxMessage.channel.is_(None), OutboxMessage.channel == channel),
                bound,
            )
        )
        return int(count or 0)
