"""Run what every transport shares: dispatcher, outbox lanes, timers and waker; stop them in order.

A transport only turns platform updates into events and replies into platform calls. The
runtime gives each transport's channel two outbox lanes (urgent: alerts and replies, which
never wait behind a batch of routine nudges; routine: everything else), runs the timers
and the waker that plans their next wake-up, and on stop lets the lanes, the senders and
the dispatcher finish before the waker stops. One runtime serves every transport of a
process (`trygg run`): they share one dispatcher, one timer runner and one waker, and a
commit on any channel wakes every channel's outbox.

A transport's bot is an :class:`Intake`: :func:`run` opens every intake, starts the
runtime, reads updates until stop, then stops the runtime and closes the intakes.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.app import OTHERS_GRACE, App
from bot.delivery import OutboxLoop, OutboxSender
from bot.dispatcher import Sender, log_failure
from bot.timers import TimerWaker
from bot.transports.base import Transport
from conversations.events import Delivery
from conversations.housekeeping import ensure_housekeeping
from storage.outbox import CONVERSATION
from storage.timers import TimerRepo

URGENT_BATCH = 50  # chats with alerts or replies in flight at once (each chat in order)
RESEND_GRACE = OTHERS_GRACE.total_seconds()  # PostgreSQL: before a start resends


@dataclass(frozen=True, slots=True)
class Channel:
    """A transport, and how a person's replies reach it (it may clear or renew menus too)."""

    transport: Transport
    reply: Sender


class Lanes:
    """One channel's outbox: an urgent lane and a routine lane over one sender."""

    def __init__(self, sender: OutboxSender) -> None:
        self.sender = sender
        self.routine = OutboxLoop(self._deliver_routine)
        self.urgent = OutboxLoop(self._deliver_urgent)
        sender.on_idle = self.urgent.wake.set  # a chat is free: claim its next ones

    def wake(self) -> None:
        self.urgent.wake.set()
        self.routine.wake.set()

    async def _deliver_routine(self) -> int:
        # different chats at once: the throttle spreads them over its routine share
        return await self.sender.deliver_due(concurrent=True)

    async def _deliver_urgent(self) -> int:
        return await self.sender.start_due(max_priority=CONVERSATION, limit=URGENT_BATCH)


class Intake(Protocol):
    """A transport's connection to its platform, reading updates for the runtime."""

    async def open(self) -> None:
        """Connect (before the runtime starts: replies a crash left unsent go out then)."""
        ...

    async def receive(self) -> None:
        """Read updates into the dispatcher until the runtime's ``stop`` is set."""
        ...

    async def close(self) -> None:
        """Disconnect (after the runtime has stopped and its senders have drained)."""
        ...


class Runtime:
    """The shared machinery of a running bot, for any set of transports."""

    def __init__(self, app: App, channels: Sequence[Channel] = ()) -> None:
        self.app = app
        self._replies: dict[str, Sender] = {}
        self.lanes: dict[str, Lanes] = {}
        self.dispatcher = app.dispatcher(self._reply)
        self.timers = app.timer_runner()
        self.waker = TimerWaker(self.timers)
        self.dispatcher.on_notices = self.after_commit
        self.timers.on_notices = self.wake_outbox
        self.stop = asyncio.Event()
        self._resending: asyncio.Task[None] | None = None
        self._started = False  # set once the intakes are open and the runtime has started
        for channel in channels:
            self.add(channel)

    def add(self, channel: Channel) -> None:
        """Serve one more transport (before :meth:`start`): its replies, its outbox lanes."""
        name = channel.transport.channel
        if name in self._replies:
            raise ValueError(f"a {name} transport is already on this runtime")
        self._replies[name] = channel.reply
        self.lanes[name] = Lanes(self.app.outbox_sender(channel.transport))

    @property
    def channels(self) -> list[str]:
        return list(self._replies)

    async def _reply(self, delivery: Delivery) -> None:
        await self._replies[delivery.channel](delivery)

    def after_commit(self) -> None:
        """Messages were queued (and maybe timers set): deliver now, re-plan the wake-up."""
        self.wake_outbox()
        self.waker.poke()

    def wake_outbox(self) -> None:
        for lanes in self.lanes.values():
            lanes.wake()

    async def start(self) -> None:
        """Fire what came due while we were down, start the waker, resend lost replies."""
        async with self.app.db.unit_of_work() as session:
            await ensure_housekeeping(TimerRepo(session), self.app.clock())
        await self.timers.run_due()  # what came due while we were down fires now
        self.waker.start()
        # Replies committed but never sent (the process died in between) go out before any
        # new update is read: a person who typed meanwhile is then answered after them.
        if not self.app.core.others_grace:  # one process
            for channel in self._replies:
                await self.dispatcher.resend(channel)
        else:  # other processes may be sending theirs: see _resend_later
            self._resending = asyncio.create_task(self._resend_later(self.app.clock()))
        self._started = True

    async def _resend_later(self, started: datetime) -> None:
        """With several processes on PostgreSQL, after RESEND_GRACE: send again the
        replies committed before this process started and still not marked sent (a
        process that died left them).

        Other processes share the database and mark the replies they send within a fraction
        of a second; waiting first keeps this process from sending theirs a second time.
        Updates are read meanwhile (the other processes read them anyway)."""
        try:
            await asyncio.wait_for(self.stop.wait(), RESEND_GRACE)
            return  # stopping: the next start sends them
        except TimeoutError:
            pass
        for channel in self._replies:
            try:
                await self.dispatcher.resend(channel, before=started)
            except Exception as exc:
                log_failure("sending lost replies again", exc)

    def ready(self) -> bool:
        """Whether the intakes are open and reading and the runtime runs (for /readyz)."""
        return self._started and not self.stop.is_set()

    async def serve(self, intake: Awaitable[None]) -> None:
        """Deliver the outbox while ``intake`` (the transports reading updates) runs; then
        stop: the lanes end, what is being sent and handled finishes, the waker stops."""
        lanes = [
            asyncio.create_task(lane.run(self.stop))
            for lanes in self.lanes.values()
            for lane in (lanes.urgent, lanes.routine)
        ]
        try:
            await intake
        finally:
            self.stop.set()
            self.wake_outbox()  # the outbox lanes see stop now, not after their interval
            await asyncio.gather(*lanes)
            if self._resending is not None:
                await self._resending
            for each in self.lanes.values():
                await each.sender.drain()
            await self.dispatcher.drain()
            await self.close()

    async def close(self) -> None:
        """Stop the waker (a run in progress finishes its batch first)."""
        self._started = False
        await self.waker.stop()


async def run(runtime: Runtime, intakes: Sequence[Intake]) -> None:
    """Open every intake, start the runtime, read updates until ``runtime.stop`` (one intake
    ending, or failing, stops the others); then stop the runtime and close the intakes."""
    opened: list[Intake] = []
    served = False

    async def receive(intake: Intake) -> None:
        try:
            await intake.receive()
        finally:
            runtime.stop.set()  # one transport ending (or failing) ends the others cleanly

    try:
        for intake in intakes:
            await intake.open()
            opened.append(intake)
        await runtime.start()
        served = True
        await runtime.serve(_all(receive(intake) for intake in intakes))
    finally:
        if not served:
            await runtime.close()
        for intake in reversed(opened):
            try:
                await intake.close()
            except Exception as exc:
                log_failure("closing a transport", exc)


async def _all(runs: Iterable[Awaitable[None]]) -> None:
    """Await every run; raise the first failure once all have ended."""
    results = await asyncio.gather(*runs, return_exceptions=True)
    for result in results:
        if isinstance(result, BaseException):
            raise result
