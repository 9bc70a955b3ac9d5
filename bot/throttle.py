"""Outgoing rate limits with priority: ≤ N messages/s overall, about one a second per chat.

Telegram asks a bot to stay under 30 messages a second overall and, in one chat, about one
message a second, allowing short bursts. Each chat therefore has a small bucket: up to
``per_chat_burst`` messages go out at once (an answer and the next question, an alert
right after another), then one per ``per_chat_interval``.

When the overall limit is the bottleneck, the most urgent waiter goes first (urgent alerts,
then replies to people mid-conversation, then routine nudges), and routine messages use at
most ``routine_share`` of each second, spread evenly over it: the rest stays free, so that
an alert or a reply finds a slot at once instead of waiting for a second filled with nudges
to pass. A 429 ``retry_after`` pauses everything, as Telegram expects.

With ``in_flight`` set, at most that many calls are out at once (:meth:`Throttle.slot`),
and the next free one goes to the most urgent waiter. The HTTP client's connection pool
then never queues calls of its own, where an alert would wait behind nudges in arrival
order (and httpcore's pool, for one, scans its whole queue for every call).
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
import time
from collections import deque
from collections.abc import AsyncIterator, Callable

from storage.outbox import ROUTINE


class Throttle:
    """Grants send slots by priority under an overall and a per-chat rate."""

    def __init__(
        self,
        per_second: float = 30,
        per_chat_interval: float = 1.0,
        per_chat_burst: int = 3,
        routine_share: float = 0.8,
        clock: Callable[[], float] = time.monotonic,
        in_flight: int | None = None,
    ) -> None:
        self.in_flight = in_flight  # None: calls out at once are not counted
        self._busy = 0
        self.per_chat_interval = per_chat_interval
        self.per_chat_burst = max(1, per_chat_burst)
        self._limit = max(1, int(per_second))
        self._routine_limit = max(1, int(per_second * routine_share))
        self._routine_next = 0.0  # routine sends are spaced, not sent in bursts
        self.clock = clock
        self._sent: deque[float] = deque()
        self._chat_tokens: dict[str, tuple[float, float]] = {}  # chat -> (tokens, as of)
        self._paused_until = 0.0
        self._waiters: list[tuple[int, int, asyncio.Future[None]]] = []
        self._order = itertools.count()
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    @contextlib.asynccontextmanager
    async def slot(self, chat: str, priority: int, *, spacing: bool = True) -> AsyncIterator[None]:
        """Hold a slot for one call to ``chat``: its place in the rates, and one of the calls
        in flight until the call is over."""
        await self.acquire(chat, priority, spacing=spacing)
        try:
            yield
        finally:
            self.release()

    def release(self) -> None:
        """A call granted by :meth:`acquire` is over (with ``in_flight``)."""
        if self.in_flight is None:
            return
        self._busy -= 1
        if self._waiters:
            self._wake.set()

    async def acquire(self, chat: str, priority: int, *, spacing: bool = True) -> None:
        """Wait for a slot to send one message to ``chat``; with ``in_flight``, call
        :meth:`release` when the call is over (or use :meth:`slot`).

        ``spacing=False`` is for calls that add no message to the chat (answering a button
        press, editing a keyboard away): they count only against the overall rate.
        """
        spacing = spacing and self.per_chat_interval > 0
        while spacing:  # first the chat's own bucket, then a place in the overall queue
            wait = self._take_chat_token(chat, self.clock())
            if wait <= 0:
                break
            await asyncio.sleep(wait)
        if not self._take_free_slot(priority):
            future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            heapq.heappush(self._waiters, (priority, next(self._order), future))
            self._ensure_running()
            self._wake.set()
            try:
                await future
            except asyncio.CancelledError:
                if future.done() and not future.cancelled():
                    self.release()  # granted just as the caller gave up: give it back
                raise
            finally:
                if not future.done():
                    future.cancel()
        if spacing:  # the bucket refills from when the message really goes out, not before
            now = self.clock()
            self._chat_tokens[chat] = (self._chat_tokens.get(chat, (0.0, now))[0], now)
        if len(self._chat_tokens) > 10_000:  # forget the chats whose bucket is full again
            now = self.clock()
            self._chat_tokens = {
                c: (tokens, at)
                for c, (tokens, at) in self._chat_tokens.items()
                if tokens + (now - at) / self.per_chat_interval < self.per_chat_burst
            }

    def _take_chat_token(self, chat: str, now: float) -> float:
        """Take one of the chat's tokens: 0 if one was there, else how long until one is."""
        tokens, at = self._chat_tokens.get(chat, (float(self.per_chat_burst), now))
        tokens = min(float(self.per_chat_burst), tokens + (now - at) / self.per_chat_interval)
        if tokens >= 1:
            self._chat_tokens[chat] = (tokens - 1, now)
            return 0.0
        self._chat_tokens[chat] = (tokens, now)
        return (1 - tokens) * self.per_chat_interval

    def _take_free_slot(self, priority: int) -> bool:
        """Take a slot at once if nobody is queued, nothing is paused and the overall rate
        has room: a send then costs no hand-over to the granting task. With anyone waiting,
        the queue (and its priorities) decides."""
        if self._waiters or not self._room():
            return False
        now = self.clock()
        if self._wait(now, priority) > 0:
            return False
        self._take(now, priority)
        return True

    def _room(self) -> bool:
        return self.in_flight is None or self._busy < self.in_flight

    def _take(self, now: float, priority: int) -> None:
        if self.in_flight is not None:
            self._busy += 1
        self._sent.append(now)
        if priority >= ROUTINE:
            self._routine_next = now + 1.0 / self._routine_limit

    def _wait(self, now: float, priority: int) -> float:
        """How long until the overall rate (and any pause) allows a send at ``priority``."""
        while self._sent and self._sent[0] <= now - 1.0:
            self._sent.popleft()
        delay = max(self._paused_until - now, 0.0)
        limit = self._limit
        if priority >= ROUTINE:
            limit = self._routine_limit
            delay = max(delay, self._routine_next - now)
        if len(self._sent) >= limit:  # wait until enough of the last second's sends age out
            delay = max(delay, self._sent[len(self._sent) - limit] + 1.0 - now)
        return delay

    def pause(self, seconds: float) -> None:
        """Stop granting slots for ``seconds`` (Telegram said: retry after)."""
        self._paused_until = max(self._paused_until, self.clock() + seconds)

    def _ensure_running(self) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._grant())

    async def _grant(self) -> None:
        while True:
            while self._waiters and self._waiters[0][2].done():  # cancelled waiters
                heapq.heappop(self._waiters)
            if not self._waiters:
                self._wake.clear()
                try:
                    await asyncio.wait_for(self._wake.wait(), timeout=30)
                except TimeoutError:
                    return
                continue
            if not self._room():  # every call in flight: wait for one to end (release)
                self._wake.clear()
                await self._wake.wait()
                continue
            now = self.clock()
            delay = self._wait(now, self._waiters[0][0])
            if delay > 0:
                await self._nap(delay)
                continue
            priority, _, future = heapq.heappop(self._waiters)
            if not future.done():
                self._take(now, priority)
                future.set_result(None)

    async def _nap(self, seconds: float) -> None:
        """Sleep, but wake as soon as someone new queues: a more urgent waiter may have come
        that the rate already allows (the routine share is used up, the rest is free)."""
        self._wake.clear()
        nap = asyncio.ensure_future(asyncio.sleep(seconds))
        woken = asyncio.ensure_future(self._wake.wait())
        try:
            await asyncio.wait((nap, woken), return_when=asyncio.FIRST_COMPLETED)
        finally:
            nap.cancel()
            woken.cancel()

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
