"""Fires durable timers. The timer table is the source of truth; APScheduler only wakes us.

APScheduler wakes the process at the next due time and on a short interval as a safety
net. A timer that came due while the bot was down fires at start (late, never lost). Each
timer is claimed by a conditional update inside the transaction that runs its handler,
so it fires once even with several processes (PostgreSQL also skips locked rows).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.dispatcher import log_failure
from bot.metrics import Metrics
from conversations.alerts import SystemContext, TimerHandler
from conversations.engine import Clock
from conversations.packs import PackLibrary
from storage.crypto import Keyring
from storage.db import Database
from storage.timers import TimerRepo

log = logging.getLogger(__name__)

SAFETY_INTERVAL_SECONDS = 15
BATCH = 200


class TimerRunner:
    """Runs every due timer once, each in a savepoint of its batch's transaction."""

    def __init__(
        self,
        db: Database,
        keyring: Keyring,
        packs: PackLibrary,
        handlers: Mapping[str, TimerHandler],
        clock: Clock,
        metrics: Metrics | None = None,
    ) -> None:
        self.metrics = metrics or Metrics()
        self.db = db
        self.keyring = keyring
        self.packs = packs
        self.handlers = handlers
        self.clock = clock
        self.fired = 0
        self.on_notices: Callable[[], None] | None = None
        self.stopping = False  # finish the batch in hand, start no other

    async def run_due(self, limit: int = BATCH) -> int:
        """Fire what is due now; return how many fired. Repeat until nothing is due."""
        total = 0
        while True:
            fired, notices, lost = await self._batch(limit)
            total += fired
            if notices and self.on_notices is not None:
                self.on_notices()
            if fired + lost < limit or self.stopping:  # another worker's win is progress too
                return total

    async def _batch(self, limit: int) -> tuple[int, int, int]:
        """Fire one batch; return (fired here, notices, claimed by another worker)."""
        now = self.clock()
        fired = notices = lost = 0
        async with self.db.unit_of_work() as session:
            repo = TimerRepo(session)
            for timer in await repo.due(now, limit, skip_locked=not self.db.sqlite):
                handler = self.handlers.get(timer.kind)
                context = SystemContext(
                    session, now, self.keyring, self.packs, drill_id=timer.drill_id
                )
                try:
                    async with session.begin_nested():
                        if not await repo.claim(timer.id, now):
                            lost += 1
                            continue  # another worker fired it
                        if handler is not None:
                            await handler(context, timer)
                            await context.queue()
                        else:
                            log.warning("no handler for timer kind %s", timer.kind)
                except Exception as exc:  # the savepoint rolled back: it stays pending
                    log_failure(f"timer {timer.kind}", exc)
                    continue
                fired += 1
                notices += len(context.notices)
                self.metrics.fired(timer.kind, (now - timer.due_at).total_seconds())
        self.fired += fired
        return fired, notices, lost

    async def next_due(self) -> datetime | None:
        async with self.db.unit_of_work() as session:
            return await TimerRepo(session).next_due()


class TimerWaker:
    """APScheduler jobs that call the runner at the next due time and every few seconds.

    The jobs only start a run (:meth:`tick`) as a task of its own, or, while one is going on,
    ask it for one more: two runs never overlap, no wake-up is lost, and APScheduler never
    has a job instance to skip (it would log a warning for each)."""

    def __init__(self, runner: TimerRunner) -> None:
        self.runner = runner
        self.scheduler = AsyncIOScheduler(timezone="UTC")
        self._ticking: set[asyncio.Task[Any]] = set()
        self._again = False  # woken during a run: run once more when it is done

    def start(self) -> None:
        self.scheduler.add_job(
            self._wake,
            "interval",
            seconds=SAFETY_INTERVAL_SECONDS,
            id="safety-net",
            coalesce=True,
            max_instances=1,
            misfire_grace_time=None,
        )
        self.scheduler.start()
        self.poke()

    def poke(self) -> None:
        """Run now (e.g. after a commit that scheduled something)."""
        if self._ticking:
            self._again = True
            return
        if self.scheduler.running:
            self.scheduler.add_job(
                self._wake,
                id="now",
                replace_existing=True,
                misfire_grace_time=None,
                coalesce=True,
                max_instances=1,
            )

    async def _wake(self) -> None:
        """Start a run, or ask the one going on for one more."""
        if self._ticking:
            self._again = True
            return
        task = asyncio.create_task(self.tick())
        self._ticking.add(task)
        task.add_done_callback(self._ticking.discard)

    async def tick(self) -> None:
        """Fire what is due (again while woken meanwhile); plan the next wake-up."""
        try:
            while True:
                self._again = False
                await self.runner.run_due()
                if self.runner.stopping:
                    return
                due = await self.runner.next_due()
                if not self._again:
                    break
        except Exception as exc:
            log_failure("running timers", exc)
            return
        finally:  # from here on, a wake-up starts a new run (none is lost to this one)
            self._ticking.discard(asyncio.current_task())
        if due is not None:
            self.scheduler.add_job(
                self._wake,
                "date",
                run_date=due,
                id="next-due",
                replace_existing=True,
                misfire_grace_time=None,
                coalesce=True,
                max_instances=1,
            )

    def shutdown(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)

    async def stop(self) -> None:
        """Stop waking up; let a run in progress finish its batch (it is inside a unit of
        work and must not outlive the database it uses, nor be cancelled mid-commit)."""
        self.runner.stopping = True
        if self.scheduler.running:
            self.scheduler.pause()
        if self._ticking:
            await asyncio.gather(*self._ticking, return_exceptions=True)
        self.shutdown()
