"""The bot's own sent messages by platform id, kept while it may still delete them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import SentMessage


class SentMessageRepo:
    """Records, finds and forgets the bot's sent messages. Never commits."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def record(self, channel: str, sent: Sequence[tuple[str, str]], at: datetime) -> None:
        """Remember messages just sent: (address, platform id) pairs."""
        if not sent:
            return
        rows = [
            {"channel": channel, "address": address, "platform_id": pid, "sent_at": at}
            for address, pid in sent
        ]
        await self.session.execute(insert(SentMessage), rows)

    async def between(self, channel: str, address: str, first: str, last: str) -> list[str]:
        """The ids sent to an address from ``first`` to ``last`` (equal-length ids), in order."""
        found = await self.session.scalars(
            select(SentMessage.platform_id)
            .where(
                SentMessage.channel == channel,
                SentMessage.address == address,
                SentMessage.platform_id >= first,
                SentMessage.platform_id <= last,
            )
            .order_by(SentMessage.platform_id)
        )
        return list(dict.fromkeys(found))

    async def forget(self, channel: str, address: str, platform_ids: Sequence[str]) -> None:
        """Drop messages that are gone (deleted)."""
        if platform_ids:
            await self.session.execute(
                delete(SentMessage).where(
                    SentMessage.channel == channel,
                    SentMessage.address == address,
                    SentMessage.platform_id.in_(list(platform_ids)),
                )
            )

    async def prune(self, channel: str, before: datetime) -> None:
        """Drop a channel's messages sent before ``before`` (too old to delete)."""
        await self.session.execute(
            delete(SentMessage).where(SentMessage.channel == channel, SentMessage.sent_at < before)
        )
