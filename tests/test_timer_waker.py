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
