"""The APScheduler wake-up: stopping lets a run in progress finish instead of cancelling it."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from typing import Any

import pytest

from bot.timers import TimerWaker


class SlowRunner:
    """Stands in for TimerRunner: a run that is inside its unit of work until released."""

    def __init__(self) -> None:
        self.stopping = False
        self.inside = asyncio.Event()
        self.release = asyncio.Event()
        self.finished = 0
        self.asked_next = 0

    async def run_due(self) -> int:
        self.inside.set()
        await self.release.wait()
        self.finished += 1
        return 1

    async def next_due(self) -> datetime | None:
        self.asked_next += 1
        return None


async def test_stop_waits_for_the_run_in_progress_and_logs_no_error(
    caplog: pytest.LogCaptureFixture,
) -> None:
    runner = SlowRunner()
    waker = TimerWaker(runner)  # type: ignore[arg-type]
    waker.start()
    await asyncio.wait_for(runner.inside.wait(), 5)
    stopping = asyncio.create_task(waker.stop())
    await asyncio.sleep(0.05)
    assert not stopping.done()  # it waits for the batch in hand...
    with caplog.at_level(logging.ERROR):
        runner.release.set()
        await asyncio.wait_for(stopping, 5)
    assert runner.finished == 1  # ...which completed, not cancelled mid-commit
    assert runner.stopping and not waker.scheduler.running
    assert runner.asked_next == 0  # nothing more is planned once stopping
    errors: list[Any] = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == []


async def test_a_poke_during_a_run_runs_once_more_after_it_without_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    runner = SlowRunner()
    waker = TimerWaker(runner)  # type: ignore[arg-type]
    with caplog.at_level(logging.WARNING):
        waker.start()
        await asyncio.wait_for(runner.inside.wait(), 5)
        for _ in range(5):  # commits that scheduled timers, while the run is inside
            waker.poke()
            await asyncio.sleep(0.01)
        runner.inside.clear()
        runner.release.set()
        await asyncio.sleep(0.1)
    assert runner.finished == 2  # the run, then one more for the five pokes: none lost
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
    await waker.stop()


class SlowPlanner(SlowRunner):
    """A runner whose question for the next due time waits until released."""

    def __init__(self) -> None:
        super().__init__()
        self.release.set()
        self.planning = asyncio.Event()
        self.planned = asyncio.Event()

    async def next_due(self) -> datetime | None:
        self.asked_next += 1
        self.planning.set()
        await self.planned.wait()
        return None


async def test_a_poke_while_the_next_wake_up_is_planned_is_not_lost() -> None:
    runner = SlowPlanner()
    waker = TimerWaker(runner)  # type: ignore[arg-type]
    waker.start()
    await asyncio.wait_for(runner.planning.wait(), 5)
    assert runner.finished == 1
    waker.poke()  # a commit scheduled a timer just now: the run in hand may not have seen it
    runner.planned.set()
    await asyncio.sleep(0.1)
    assert runner.finished == 2
    await waker.stop()
