"""Per-person ordering without a global lock.

Each address (a person on a channel) has its own queue and worker: one person's events
run in order, one at a time; different people run concurrently. A worker exits when its
queue is empty, so idle people cost nothing.

An event's replies are kept with the step it committed until the transport has taken
them; then they are marked sent, many people's at once every CONFIRM_EVERY seconds. What
a crash left unmarked is sent again at the next start (:meth:`Dispatcher.resend`): at
most one duplicate per crash, and nothing lost.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import time
import traceback
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime

from sqlalchemy.exc import DBAPIError, OperationalError

from bot.address_states import mark_address
from bot.metrics import Metrics
from bot.outfiles import with_files
from bot.transports.base import DeliveryFailed
from conversations.engine import Core
from conversations.events import Delivery, InboundEvent, Reply
from conversations.i18n import Catalogs
from storage.db import Database
from storage.dialogue import Sent, record_sent
from storage.errors import DatabaseUnavailable

log = logging.getLogger(__name__)

Sender = Callable[[Delivery], Awaitable[None]]
_Item = tuple[InboundEvent, "asyncio.Future[Delivery | None]"]


def log_failure(what: str, exc: BaseException) -> None:
    """Log an exception's type and code location only: never its message or values."""
    frames = "".join(traceback.format_tb(exc.__traceback__)[-4:])
    log.error("%s failed: %s\n%s", what, type(exc).__name__, frames)


class Flood:
    """A per-person token bucket: a flood is slowed down (never dropped below a hard cap),
    and only that person's queue waits."""

    def __init__(self, per_minute: int, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.rate = per_minute / 60.0
        self.capacity = float(per_minute)
        self.monotonic = monotonic
        self._buckets: dict[tuple[str, str], tuple[float, float]] = {}
        self._warned: dict[tuple[str, str], float] = {}

    def wait_for(self, key: tuple[str, str]) -> float:
        """Take a token; return how long to wait first (0 if none)."""
        now = self.monotonic()
        tokens, last = self._buckets.get(key, (self.capacity, now))
        tokens = min(self.capacity, tokens + (now - last) * self.rate)
        wait = 0.0 if tokens >= 1 else (1 - tokens) / self.rate
        self._buckets[key] = (tokens - 1, now)
        if len(self._buckets) > 50_000:
            self._buckets.clear()
        return wait

    def should_warn(self, key: tuple[str, str]) -> bool:
        now = self.monotonic()
        if now - self._warned.get(key, -1e9) < 60:
            return False
        self._warned[key] = now
        return True


class Dispatcher:
    """Runs each event in its own unit of work and hands the replies to a sender."""

    MAX_QUEUED = 1000  # per person: beyond this a flood is dropped (and logged)
    TURN_SLICE = 0.01  # seconds of units of work back to back before replies get a turn
    CONFIRM_EVERY = 0.1  # seconds: sent replies are marked in one batch this often

    def __init__(
        self,
        db: Database,
        core: Core,
        catalogs: Catalogs,
        send: Sender,
        flood: Flood | None = None,
        metrics: Metrics | None = None,
    ) -> None:
        self.metrics = metrics or Metrics()
        self.db = db
        self.core = core
        self.catalogs = catalogs
        self.send = send
        self.flood = flood or Flood(per_minute=60)
        self._queues: dict[tuple[str, str], asyncio.Queue[_Item]] = {}
        self._workers: dict[tuple[str, str], asyncio.Task[None]] = {}
        self._sending: dict[tuple[str, str], asyncio.Task[None]] = {}  # each one's last reply
        self._turns = asyncio.Lock()  # see _turn
        self._slice_started = 0.0
        self.handled = 0
        self.on_notices: Callable[[], None] | None = None  # wakes the outbox sender
        self._taken_replies: dict[int, Sent] = {}  # per person: replies taken by the transport
        self._taken_at: dict[tuple[str, str], tuple[int, int]] = {}  # per address: the same
        self._mark_later: asyncio.TimerHandle | None = None
        self._marking: set[asyncio.Task[None]] = set()

    def submit(self, event: InboundEvent) -> asyncio.Future[Delivery | None]:
        """Queue an event behind the same person's earlier ones.

        The returned future resolves once the event's unit of work has ended (committed,
        or failed with a kind message); its replies are sent right after, in turn with the
        same person's other replies. A transport confirms the update to its platform then:
        the replies need not have arrived, because a redelivered update says nothing again
        (storage.dialogue.arrive) and replies not marked sent go out again at the next
        start (:meth:`resend`), so waiting for them would only keep the platform's window
        of unconfirmed updates full.
        """
        key = (event.channel, event.address)
        queue = self._queues.get(key)
        if queue is None:
            queue = self._queues[key] = asyncio.Queue()
        done: asyncio.Future[Delivery | None] = asyncio.get_running_loop().create_future()
        if queue.qsize() >= self.MAX_QUEUED:
            log.warning("flood: dropped an event beyond %d queued for one person", self.MAX_QUEUED)
            done.set_result(None)
            return done
        queue.put_nowait((event, done))
        if key not in self._workers:
            self._workers[key] = asyncio.create_task(self._work(key, queue))
        return done

    async def _work(self, key: tuple[str, str], queue: asyncio.Queue[_Item]) -> None:
        try:
            while not queue.empty():
                event, done = queue.get_nowait()
                wait = self.flood.wait_for(key)
                if wait > 0:
                    if self.flood.should_warn(key):
                        self._send_in_turn(key, self._slow_down(event))
                    await asyncio.sleep(wait)
                async with self._turn():
                    delivery = await self.process(event)
                    if delivery is not None and delivery.notices and self.on_notices is not None:
                        self.on_notices()
                    if not done.done():  # committed: the transport may confirm the update now
                        done.set_result(delivery)
                    if delivery is not None and delivery.replies:
                        self._send_in_turn(key, delivery)
                    self.handled += 1
        finally:
            del self._workers[key]
            if queue.empty():
                self._queues.pop(key, None)
            else:  # an event arrived while we were leaving
                self._workers[key] = asyncio.create_task(self._work(key, queue))

    async def process(self, event: InboundEvent) -> Delivery | None:
        """Handle one event in one transaction; on failure, a kind message and no writes."""
        started = time.perf_counter()
        delivery = await self._process(event)
        self.metrics.handled(event, delivery, time.perf_counter() - started)
        return delivery

    async def _process(self, event: InboundEvent) -> Delivery | None:
        try:
            async with self.db.unit_of_work() as session:
                taken = self._taken_at.get((event.channel, event.address))
                return await self.core.handle(session, event, taken)
        except (DatabaseUnavailable, OperationalError, DBAPIError, OSError) as exc:
            log_failure("handling an event (database)", exc)
            return self._sorry(event, "database")
        except Exception as exc:
            log_failure("handling an event", exc)
            return self._sorry(event, "bug")

    @contextlib.asynccontextmanager
    async def _turn(self) -> AsyncIterator[None]:
        """On SQLite, one event's unit of work at a time; after TURN_SLICE seconds of them
        back to back, the next waits until what they scheduled (replies, the platform's
        confirmations) has had a turn.

        SQLite statements run inline, so without this a burst of events (a full answer
        from the platform: 100 updates) would run back to back, and every reply would
        wait for all of them: the person who wrote first would hear back last. Yielding
        after every unit instead costs a fifth of the throughput (the interpreter's caches
        go cold). On PostgreSQL units of work wait for the server and interleave anyway.
        """
        if not self.db.sqlite:
            yield
            return
        async with self._turns:
            now = time.monotonic()
            if now - self._slice_started > self.TURN_SLICE:
                self._slice_started = now
            yield
            if time.monotonic() - self._slice_started > self.TURN_SLICE:
                await asyncio.sleep(0)  # holding the turn: replies go before the next unit
                self._slice_started = time.monotonic()

    def _send_in_turn(self, key: tuple[str, str], delivery: Delivery) -> None:
        """Send after this person's earlier replies, without holding up their next event.

        Each person's replies go out in the order of their events; the next event's unit
        of work may run while the previous reply is still on its way (a round trip to the
        platform), so that two messages typed at once do not wait for each other's reply.
        """
        previous = self._sending.get(key)

        async def send() -> None:
            if previous is not None:
                await asyncio.wait({previous})
            await self._safe_send(delivery)

        task = asyncio.create_task(send())
        self._sending[key] = task
        task.add_done_callback(functools.partial(self._sent, key))

    def _sent(self, key: tuple[str, str], task: asyncio.Task[None]) -> None:
        if self._sending.get(key) is task:
            del self._sending[key]

    async def _safe_send(self, delivery: Delivery) -> None:
        try:
            filled = await with_files(
                self.db,
                self.core.keyring,
                self.catalogs,
                delivery,
                packs=self.core.packs,
                now=self.core.clock(),
            )
            await self.send(filled)
        except DeliveryFailed as exc:
            self.metrics.failed(delivery.channel, exc)
            log_failure("sending a reply", exc)
            if exc.kind:  # the address is gone, or its identity changed
                await self._mark_address(delivery, exc)
            if exc.permanent:  # e.g. the bot is blocked: sending again would not help
                self._taken(delivery)
        except Exception as exc:  # the state is committed; the next message continues
            self.metrics.failed(delivery.channel, exc)
            log_failure("sending a reply", exc)
        else:
            self.metrics.delivered(delivery.channel, "reply")
            self._taken(delivery)

    async def _mark_address(self, delivery: Delivery, failure: DeliveryFailed) -> None:
        """Record what a failed reply says about the address (see bot.address_states)."""
        try:
            async with self.db.unit_of_work() as session:
                notices = await mark_address(
                    session, delivery.channel, delivery.address, failure, self.core.clock()
                )
        except Exception as exc:
            log_failure("marking an address", exc)
            return
        if notices and self.on_notices is not None:
            self.on_notices()

    def _taken(self, delivery: Delivery) -> None:
        """Remember that the transport took these replies; mark them sent soon."""
        if delivery.person_id is None or not delivery.reply_no:
            return
        earlier = self._taken_replies.get(delivery.person_id)
        if earlier is None or earlier.reply_no <= delivery.reply_no:
            resent_at = self.core.clock() if delivery.resend else None
            self._taken_replies[delivery.person_id] = Sent(
                delivery.person_id, delivery.reply_no, resent_at
            )
            if not delivery.resend:  # the person's next event marks it too (see Core.handle)
                key = (delivery.channel, delivery.address)
                self._taken_at[key] = (delivery.person_id, delivery.reply_no)
        if self._mark_later is None:
            loop = asyncio.get_running_loop()
            self._mark_later = loop.call_later(self.CONFIRM_EVERY, self._mark_soon)

    def _mark_soon(self) -> None:
        self._mark_later = None
        task = asyncio.create_task(self.mark_sent())
        self._marking.add(task)
        task.add_done_callback(self._marking.discard)

    async def mark_sent(self) -> None:
        """Record every reply the transport took since the last time, in one unit of work
        (a statement for all of them). If that fails, they are sent again after a restart."""
        if self._mark_later is not None:
            self._mark_later.cancel()
            self._mark_later = None
        if not self._taken_replies:
            return
        batch, self._taken_replies = list(self._taken_replies.values()), {}
        marking = dict(self._taken_at)
        try:
            async with self.db.unit_of_work() as session:
                await record_sent(session, batch)
        except Exception as exc:
            log_failure("marking replies sent", exc)
            return
        for key, value in marking.items():  # marked now: unless newer ones were taken since
            if self._taken_at.get(key) == value:
                del self._taken_at[key]

    async def resend(
        self, channel: str, person_id: int | None = None, before: datetime | None = None
    ) -> int:
        """Send again, in order, the replies on ``channel`` (or one person's) that were
        committed (before ``before``, if given) but never marked sent; mark them; return
        for how many people.

        Run at start, before any new event: their replies then come after these."""
        async with self.db.unit_of_work() as session:
            deliveries = await self.core.unsent(session, channel, person_id, before)
        for delivery in deliveries:
            self._send_in_turn((delivery.channel, delivery.address), delivery)
        await self.drain()
        return len(deliveries)

    def _slow_down(self, event: InboundEvent) -> Delivery:
        locale = self.catalogs.pick(event.locale_hint)
        _ = self.catalogs.gettext(locale)
        text = _(
            "You are sending very many messages. I handle them one by one, a little slower – "
            "nothing is lost. In danger now: call 112."
        )
        return Delivery(event.channel, event.address, [Reply(text)], locale)

    def _sorry(self, event: InboundEvent, why: str) -> Delivery:
        locale = self.catalogs.pick(event.locale_hint)
        _ = self.catalogs.gettext(locale)
        if why == "database":
            text = _("I can't save anything right now. Please try again in a moment.")
        else:
            text = _("Something went wrong on my side. What you told me before is saved.")
        text += "\n" + _("In danger now: call {number}.").format(number="112")
        return Delivery(event.channel, event.address, [Reply(text)], locale, retry=True)

    async def drain(self) -> None:
        """Wait until every queued event has been handled and its replies sent and marked."""
        while self._workers or self._sending or self._marking or self._taken_replies:
            tasks = [*self._workers.values(), *self._sending.values(), *self._marking]
            await asyncio.gather(*tasks, return_exceptions=True)
            if not (self._workers or self._sending):
                await self.mark_sent()

    def busy(self, channel: str, address: str) -> bool:
        """Whether this person's events are being handled or their replies sent."""
        key = (channel, address)
        return key in self._workers or key in self._sending

    @property
    def active(self) -> int:
        """How many people have events being handled or replies still being sent."""
        return len(self._workers.keys() | self._sending.keys())
