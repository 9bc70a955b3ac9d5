"""SQLite's units of work take turns; the outbox's (alerts) go before ordinary ones waiting."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import text

from storage.db import Database, _Gate


async def test_urgent_units_go_before_ordinary_ones_that_wait() -> None:
    gate = _Gate()
    order: list[str] = []

    async def unit(name: str, urgent: bool) -> None:
        await gate.acquire(urgent)
        order.append(name)
        await asyncio.sleep(0)
        gate.release()

    await gate.acquire(False)  # someone is writing
    tasks = [asyncio.create_task(unit(f"event{i}", False)) for i in range(3)]
    await asyncio.sleep(0)
    tasks.append(asyncio.create_task(unit("alert", True)))
    await asyncio.sleep(0)
    gate.release()
    await asyncio.gather(*tasks)
    assert order == ["alert", "event0", "event1", "event2"]


async def test_a_cancelled_waiter_never_keeps_the_gate() -> None:
    gate = _Gate()
    await gate.acquire(False)
    waiting = asyncio.create_task(gate.acquire(False))
    await asyncio.sleep(0)
    gate.release()  # handed to the waiter...
    waiting.cancel()  # ...which is cancelled before it runs
    with pytest.raises(asyncio.CancelledError):
        await waiting
    await asyncio.wait_for(gate.acquire(True), 1)  # the gate is free again
    gate.release()

    await gate.acquire(False)
    queued = asyncio.create_task(gate.acquire(False))
    await asyncio.sleep(0)
    queued.cancel()  # cancelled while still queued
    with pytest.raises(asyncio.CancelledError):
        await queued
    gate.release()
    await asyncio.wait_for(gate.acquire(False), 1)


async def test_an_alert_unit_overtakes_a_queue_of_events_on_sqlite(tmp_path: Path) -> None:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'gate.db'}")
    order: list[str] = []
    release = asyncio.Event()

    async def unit(name: str, urgent: bool = False, hold: bool = False) -> None:
        async with db.unit_of_work(urgent=urgent):
            order.append(name)
            if hold:
                await release.wait()

    first = asyncio.create_task(unit("first", hold=True))
    await asyncio.sleep(0.05)
    crowd = [asyncio.create_task(unit(f"event{i}")) for i in range(20)]
    await asyncio.sleep(0.05)
    alert = asyncio.create_task(unit("alert", urgent=True))
    await asyncio.sleep(0.05)
    release.set()
    await asyncio.gather(first, alert, *crowd)
    await db.dispose()
    assert order[:2] == ["first", "alert"]
    assert order[2:] == [f"event{i}" for i in range(20)]


async def test_on_postgresql_an_alert_never_waits_for_the_crowd_of_events(
    pg_database: str,
) -> None:
    """Two ordinary units run at once; the third waits its turn; an urgent unit (the
    outbox: alerts), and a unit nested in a running one, start at once."""
    db = Database(pg_database)
    assert db.server_units == 2
    running: list[str] = []
    release = asyncio.Event()

    async def unit(name: str, urgent: bool = False, nested: bool = False) -> None:
        async with db.unit_of_work(urgent=urgent) as session:
            await session.execute(text("SELECT 1"))
            running.append(name)
            if nested:
                async with db.unit_of_work() as inner:
                    await inner.execute(text("SELECT 1"))
                    running.append(f"{name}/nested")
            await release.wait()

    async def settled() -> None:
        for _ in range(50):
            await asyncio.sleep(0.01)

    try:
        held = [asyncio.create_task(unit("one", nested=True)), asyncio.create_task(unit("two"))]
        await settled()
        third = asyncio.create_task(unit("three"))
        await settled()
        assert sorted(running) == ["one", "one/nested", "two"]  # "three" waits for a turn
        alert = asyncio.create_task(unit("alert", urgent=True))
        await settled()
        assert running[-1] == "alert"
        release.set()
        await asyncio.wait_for(asyncio.gather(*held, third, alert), 10)
        assert running[-1] == "three"
    finally:
        await db.dispose()
