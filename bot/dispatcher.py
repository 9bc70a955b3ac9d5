"""Per-person ordering without a global lock.

Each address (a person on a channel) has its own queue and worker: one person's events
run in order, one at a time; different people run concurrently. A worker exits when its
queue is empty, so idle people cost nothing.
"""

from __future__ import annotations

import asyncio
import logging
import time
import traceback
from collections.abc import Awaitable, Callable

from sqlalchemy.exc import DBAPIError, OperationalError

from conversations.engine import Core
from conversations.events import Delivery, InboundEvent, Reply
from conversations.i18n import Catalogs
from storage.db import Database
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

    def __init__(
        self,
        db: Database,
        core: Core,
        catalogs: Catalogs,
        send: Sender,
        flood: Flood | None = None,
    ) -> None:
        self.db = db
        self.core = core
        self.catalogs = catalogs
        self.send = send
        self.flood = flood or Flood(per_minute=60)
        self._queues: dict[tuple[str, str], asyncio.Queue[_Item]] = {}
        self._workers: dict[tuple[str, str], asyncio.Task[None]] = {}
        self.handled = 0
        self.on_notices: Callable[[], None] | None = None  # wakes the outbox sender

    def submit(self, event: InboundEvent) -> asyncio.Future[Delivery | None]:
        """Queue an event behind the same person's earlier ones.

        The returned future resolves once the event's unit of work has ended and its
        replies were handed to the sender.
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
                        await self._safe_send(self._slow_down(event))
                    await asyncio.sleep(wait)
                delivery = await self.process(event)
                if delivery is not None and delivery.notices and self.on_notices is not None:
                    self.on_notices()
                if delivery is not None and delivery.replies:
                    await self._safe_send(delivery)
                self.handled += 1
                if not done.done():
                    done.set_result(delivery)
        finally:
            del self._workers[key]
            if queue.empty():
                self._queues.pop(key, None)
            else:  # an event arrived while we were leaving
                self._workers[key] = asyncio.create_task(self._work(key, queue))

    async def process(self, event: InboundEvent) -> Delivery | None:
        """Handle one event in one transaction; on failure, a kind message and no writes."""
        try:
            async with self.db.unit_of_work() as session:
                return await self.core.handle(session, event)
        except (DatabaseUnavailable, OperationalError, DBAPIError, OSError) as exc:
            log_failure("handling an event (database)", exc)
            return self._sorry(event, "database")
        except Exception as exc:
            log_failure("handling an event", exc)
            return self._sorry(event, "bug")

    async def _safe_send(self, delivery: Delivery) -> None:
        try:
            await self.send(delivery)
        except Exception as exc:  # the state is committed; the next message continues
            log_failure("sending a reply", exc)

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
        """Wait until every queued event has been handled."""
        while self._workers:
            await asyncio.gather(*list(self._workers.values()), return_exceptions=True)

    @property
    def active(self) -> int:
        return len(self._workers)
