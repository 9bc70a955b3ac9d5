"""What the Signal transport keeps in the database: its sent message ids and offered choices.

A send never waits for the database: it hands over the timestamps of the messages it sent
(their Signal ids, so that /rensa can `remoteDelete` them) and the choices it offered, if
new, and one writer task keeps them, everything handed over meanwhile in one unit of work.
When it is quiet that is at once; in a crowd many sends share one write. Rows older than
the delete window are pruned as they are written, at most every few minutes. A failed
write is logged (kind only) and never fails a send: the message went out.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from bot.transports.signal_choices import Offered
from conversations.events import Button
from storage.db import Database
from storage.offered_choices import OfferedChoicesRepo
from storage.sent_messages import SentMessageRepo

log = logging.getLogger(__name__)

PRUNE_EVERY = timedelta(minutes=10)


class SignalStore:
    """One channel's sent message ids and offered choices, in the database."""

    def __init__(
        self,
        db: Database,
        clock: Callable[[], datetime],
        channel: str,
        keep_for: timedelta | None,
    ) -> None:
        self.db, self.clock, self.channel, self.keep_for = db, clock, channel, keep_for
        self._pruned_at: datetime | None = None
        self._ids: list[tuple[str, str]] = []  # (address, timestamp) handed over, not written
        self._offers: dict[str, Offered] = {}
        self._writer: asyncio.Task[None] | None = None

    def sent(self, address: str, timestamps: Sequence[int], offered: Offered | None) -> None:
        """Hand over the ids of messages just sent to an address, and a new offer."""
        if self.keep_for is not None:
            self._ids += [(address, str(t)) for t in timestamps]
        if offered is not None:
            self._offers[address] = offered
        if (self._ids or self._offers) and (self._writer is None or self._writer.done()):
            self._writer = asyncio.create_task(self._write(), name="signal-store")

    async def flush(self) -> None:
        """Wait until everything handed over so far is written (or its write failed)."""
        while self._writer is not None and not self._writer.done():
            await asyncio.wait({self._writer})

    async def _write(self) -> None:
        while self._ids or self._offers:
            ids, self._ids = self._ids, []
            offers, self._offers = self._offers, {}
            now = self.clock()
            try:
                async with self.db.unit_of_work() as session:
                    if ids and self.keep_for is not None:
                        repo = SentMessageRepo(session)
                        await repo.record(self.channel, ids, now)
                        if self._pruned_at is None or now - self._pruned_at >= PRUNE_EVERY:
                            await repo.prune(self.channel, now - self.keep_for)
                            self._pruned_at = now
                    if offers:
                        await OfferedChoicesRepo(session).put(
                            self.channel,
                            [
                                (address, o.token, [(b.id, b.label) for b in o.buttons])
                                for address, o in offers.items()
                            ],
                            now,
                        )
            except Exception as exc:
                log.warning("signal: keeping what was sent failed (%s)", type(exc).__name__)

    async def offered(self, address: str) -> Offered | None:
        """The choices last offered to an address, as kept."""
        async with self.db.unit_of_work() as session:
            found = await OfferedChoicesRepo(session).get(self.channel, address)
        if found is None:
            return None
        token, buttons = found
        return Offered(tuple(Button(i, label) for i, label in buttons), token) if buttons else None

    async def sent_between(self, address: str, first: int, last: int) -> list[int]:
        """The bot's messages to an address with ids (timestamps) from first to last."""
        await self.flush()
        low, high = max(first, 10**12), min(last, 10**13 - 1)
        if low > high:
            return []
        async with self.db.unit_of_work() as session:
            found = await SentMessageRepo(session).between(
                self.channel, address, str(low), str(high)
            )
        return [int(f) for f in found if f.isdigit()]

    async def deleted(self, address: str, timestamps: Sequence[int]) -> None:
        """Forget messages that are deleted."""
        if timestamps:
            async with self.db.unit_of_work() as session:
                await SentMessageRepo(session).forget(
                    self.channel, address, [str(t) for t in timestamps]
                )
