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


class _Reader:
    """An intake that records when it reads, until its stop."""

    def __init__(self, stop: asyncio.Event) -> None:
        self.stop = stop
        self.reading = asyncio.Event()
        self.opened = self.closed = False

    async def open(self) -> None:
        self.opened = True

    async def receive(self) -> None:
        self.reading.set()
        await self.stop.wait()

    async def close(self) -> None:
        self.closed = True


async def test_a_standby_reads_once_the_receiver_died(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two processes' polling intakes: one reads; when it dies without a word (its lease is
    no longer renewed), the other takes over within the lease period."""
    from bot import receiver
    from bot.app import App
    from bot.settings import Settings
    from tests.conftest import TEST_KEYS

    monkeypatch.setattr(receiver, "PERIOD", 0.6)
    monkeypatch.setattr(receiver, "RENEW", 0.1)
    apps = [App.create(Settings(DATABASE_URL=database_url, TRYGG_KEYS=TEST_KEYS)) for _ in range(2)]
    stops = [asyncio.Event(), asyncio.Event()]
    readers = [_Reader(stop) for stop in stops]
    elected = [
        receiver.Elected(reader, app, "telegram", stop, at_open=True)
        for reader, app, stop in zip(readers, apps, stops, strict=True)
    ]
    try:
        first = asyncio.create_task(elected[0].receive())
        await asyncio.wait_for(readers[0].reading.wait(), 5)
        second = asyncio.create_task(elected[1].receive())
        await asyncio.sleep(1.0)  # more than a period: the first keeps renewing
        assert not readers[1].reading.is_set() and not readers[1].opened
        # the first process dies: nothing renews its lease, nothing releases it
        assert elected[0]._renewing is not None
        elected[0]._renewing.cancel()
        first.cancel()
        died = asyncio.get_running_loop().time()
        await asyncio.wait_for(readers[1].reading.wait(), 5)
        took = asyncio.get_running_loop().time() - died
        assert readers[1].opened and took < 0.6 + 0.5, took
        stops[1].set()
        await second
        await elected[1].close()
        assert readers[1].closed
    finally:
        for stop in stops:
            stop.set()
        for app in apps:
            await app.close()


async def test_two_processes_take_one_persons_events_one_at_a_time(
    demo_app: object, settings: object, clock: object
) -> None:
    """Two apps on one database (two processes) get one person's messages at once,
    alternately: each event reads the conversation its predecessor wrote, so every event's
    reply is numbered, none lost to a concurrent write (on PostgreSQL through the lock)."""
    from bot.app import App
    from tests.conftest import Chat

    assert isinstance(demo_app, App)
    other = App.create(settings, clock=clock)  # type: ignore[arg-type]
    try:
        chats = [Chat(demo_app, "anna"), Chat(other, "anna")]
        await chats[0].say("/hjalp")  # the person and their conversation exist
        first = await _reply_no(demo_app)
        said = await asyncio.gather(*(chats[i % 2].say("/hjalp") for i in range(20)))
        assert all(said)
        assert await _reply_no(demo_app) == first + 20
    finally:
        await other.close()


async def _reply_no(app: object) -> int:
    from sqlalchemy import select

    from storage.models import ChannelBinding, Conversation

    async with app.db.unit_of_work() as session:  # type: ignore[attr-defined]
        person = await session.scalar(
            select(ChannelBinding.person_id).where(
                ChannelBinding.channel == "console", ChannelBinding.address == "anna"
            )
        )
        return int(
            await session.scalar(
                select(Conversation.reply_no).where(Conversation.person_id == person)
            )
            or 0
        )
