"""Several processes on one PostgreSQL: the receiver lease and the per-person lock."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from storage.db import Database
from storage.leases import person_key, release_receiver, take_receiver

T0 = datetime(2026, 11, 22, 22, 0, tzinfo=UTC)
PERIOD = timedelta(seconds=6)


async def _take(db: Database, holder: str, at: datetime) -> bool:
    async with db.unit_of_work() as session:
        return await take_receiver(session, "telegram", holder, at, PERIOD)


async def test_one_receiver_until_its_lease_expires(database_url: str) -> None:
    db = Database(database_url)
    try:
        assert await _take(db, "a", T0)
        assert not await _take(db, "b", T0 + timedelta(seconds=1))  # a holds it
        assert await _take(db, "a", T0 + timedelta(seconds=2))  # a renews
        assert not await _take(db, "b", T0 + timedelta(seconds=7))  # renewed at 2: until 8
        assert await _take(db, "b", T0 + timedelta(seconds=9))  # a died: b takes over
        assert not await _take(db, "a", T0 + timedelta(seconds=10))  # a's renewal fails
        async with db.unit_of_work() as session:
            await release_receiver(session, "telegram", "b")
        assert await _take(db, "a", T0 + timedelta(seconds=11))  # released: at once
    finally:
        await db.dispose()


async def test_a_persons_events_wait_for_each_other_across_connections(
    database_url: str,
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite is one process: no lock is taken")
    db = Database(database_url)
    order: list[str] = []
    key = person_key("telegram", "10001")
    assert key != person_key("telegram", "10002")
    lock = text("SELECT pg_advisory_xact_lock(:key)")
    try:
        first_holds = asyncio.Event()

        async def first() -> None:
            async with db.unit_of_work() as session:
                await session.execute(lock, {"key": key})
                first_holds.set()
                await asyncio.sleep(0.3)
                order.append("first done")

        async def second() -> None:
            await first_holds.wait()
            async with db.unit_of_work() as session:
                await session.execute(lock, {"key": key})
                order.append("second in")

        await asyncio.gather(first(), second())
        assert order == ["first done", "second in"]
    finally:
        await db.dispose()
