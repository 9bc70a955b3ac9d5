"""One receiver per channel across processes on PostgreSQL (long polling, Signal).

Telegram's getUpdates and the Signal daemon's connection allow one reader. With several
``trygg run`` processes on one PostgreSQL (TRYGG_SEVERAL_PROCESSES=1), an
:class:`Elected` intake reads only while its process holds the channel's receiver lease
(storage.leases): it tries to take it every RENEW seconds, renews it as often while it
holds it, and another process takes it over once it has not been renewed for PERIOD
seconds (the holder died). A holder that cannot
renew its lease for a whole PERIOD (the database is away, or another process took it)
stops its process cleanly, so that two processes never read at once for long; its
supervisor starts it again, as a standby.

Both wait for the lease in ``receive``, while the process's other intakes (the webhook,
the web console), its outbox and its timers run; Signal connects to its daemon only once
elected (a connected client is a reader). Known limit: a standby's Signal outbox lane
may claim a message, fail to send it (not connected) and retry it later with backoff.
Webhook mode needs no election: every process serves the calls it gets. SQLite, or one
process on PostgreSQL (the setting unset): nothing is elected.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import socket
from datetime import timedelta

from bot.app import App
from bot.dispatcher import log_failure
from bot.runtime import Intake
from storage.leases import release_receiver, take_receiver

log = logging.getLogger(__name__)

PERIOD = 6.0  # seconds a lease lasts without renewal: the longest a channel goes unread
RENEW = 2.0  # seconds between renewals (and a standby's attempts)


def holder_id() -> str:
    """This process, as the lease names it (host, pid and a random part)."""
    return f"{socket.gethostname()[:32]}:{os.getpid()}:{secrets.token_hex(4)}"


class Elected:
    """An intake that connects or reads only while this process holds its channel's lease."""

    def __init__(
        self, intake: Intake, app: App, channel: str, stop: asyncio.Event, *, at_open: bool
    ) -> None:
        self.intake = intake
        self.app = app
        self.channel = channel
        self.stop = stop
        self.at_open = at_open  # wait for the lease before connecting (Signal)
        self.holder = holder_id()
        self.held = False
        self.opened = False
        self._renewing: asyncio.Task[None] | None = None

    async def _take(self) -> bool:
        period = timedelta(seconds=PERIOD)
        async with self.app.db.unit_of_work() as session:
            return await take_receiver(session, self.channel, self.holder, self.app.clock(), period)

    async def elect(self) -> bool:
        """Wait until this process holds the lease (True), or until stop (False)."""
        while not self.stop.is_set():
            try:
                if await self._take():
                    self.held = True
                    log.info("receiving %s updates in this process", self.channel)
                    self._renewing = asyncio.create_task(self._renew())
                    return True
            except Exception as exc:
                log_failure("taking the receiver lease", exc)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.stop.wait(), RENEW)
        return False

    async def _renew(self) -> None:
        """Renew every RENEW seconds; stop the process if the lease is not ours for PERIOD."""
        loop = asyncio.get_running_loop()
        renewed = loop.time()
        while not self.stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.stop.wait(), RENEW)
            if self.stop.is_set():
                return
            try:
                ours = await self._take()
            except Exception as exc:
                log_failure("renewing the receiver lease", exc)
                ours = True  # not known yet: try again until PERIOD has passed
            else:
                if ours:
                    renewed = loop.time()
            if not ours or loop.time() - renewed >= PERIOD:
                log.error("lost the %s receiver lease: stopping this process", self.channel)
                self.held = False
                self.stop.set()
                return

    async def open(self) -> None:
        if not self.at_open:
            await self.intake.open()
            self.opened = True

    async def receive(self) -> None:
        if not await self.elect():
            return  # stopped before it was elected: nothing to read
        if self.at_open:
            await self.intake.open()
            self.opened = True
        await self.intake.receive()

    async def close(self) -> None:
        if self._renewing is not None:
            self._renewing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._renewing
            try:
                async with self.app.db.unit_of_work() as session:
                    await release_receiver(session, self.channel, self.holder)
            except Exception as exc:
                log_failure("releasing the receiver lease", exc)
        if self.opened:
            await self.intake.close()
