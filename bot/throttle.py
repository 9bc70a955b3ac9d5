"""Outgoing rate limits with priority: ≤ N messages/s overall, ≥ 1 s between sends per chat.

When the overall limit is the bottleneck, the most urgent waiter goes first (urgent alerts,
then replies to people mid-conversation, then routine nudges). A 429 ``retry_after`` pauses
everything, as Telegram expects.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
import time
from collections import deque
from collections.abc import Callable


class Throttle:
    """Grants send slots by priority under an overall and a per-chat rate."""

    def __init__(
        self,
        per_second: float = 30,
        per_chat_interval: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.per_second = per_second
        self.per_chat_interval = per_chat_interval
        self.clock = clock
        self._sent: deque[float] = deque()
        self._chat_next: dict[str, float] = {}
        self._paused_until = 0.0
        self._waiters: list[tuple[int, int, asyncio.Future[None]]] = []
        self._order = itertools.count()
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def acquire(self, chat: str, priority: int, *, spacing: bool = True) -> None:
        """Wait for a slot to send one message to ``chat``.

        ``spacing=False`` is for calls that add no message to the chat (answering a button
        press, editing a keyboard away): they count only against the overall rate.
        """
        while spacing:  # first the chat's own spacing, then a place in the overall queue
            wait = self._chat_next.get(chat, 0.0) - self.clock()
            if wait <= 0:
                self._chat_next[chat] = self.clock() + self.per_chat_interval
                break
            await asyncio.sleep(wait)
        if not self._take_free_slot():
            future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            heapq.heappush(self._waiters, (priority, next(self._order), future))
            self._ensure_running()
            self._wake.set()
            try:
                await future
            finally:
                if not future.done():
                    future.cancel()
        if spacing:
            self._chat_next[chat] = max(
                self._chat_next[chat], self.clock() + self.per_chat_interval
            )
        if len(self._chat_next) > 10_000:
            now = self.clock()
            self._chat_next = {c: t for c, t in self._chat_next.items() if t > now}

    def _take_free_slot(self) -> bool:
        """Take a slot at once if nobody is queued, nothing is paused and the overall rate
        has room: a send then costs no hand-over to the granting task. With anyone waiting,
        the queue (and its priorities) decides."""
        if self._waiters:
            return False
        now = self.clock()
        if self._wait(now) > 0:
            return False
        self._sent.append(now)
        return True

    def _wait(self, now: float) -> float:
        """How long until the overall rate (and any pause) allows the next send."""
        while self._sent and self._sent[0] <= now - 1.0:
            self._sent.popleft()
        delay = max(self._paused_until - now, 0.0)
        if len(self._sent) >= self.per_second:
            delay = max(delay, self._sent[0] + 1.0 - now)
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
            now = self.clock()
            delay = self._wait(now)
            if delay > 0:
                await asyncio.sleep(delay)
                continue
            _, _, future = heapq.heappop(self._waiters)
            if not future.done():
                self._sent.append(now)
                future.set_result(None)

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
