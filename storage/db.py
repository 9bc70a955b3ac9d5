"""Engines, sessions and the unit of work (one transaction per incoming event)."""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import AsyncIterator, Hashable, Mapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import Session

from storage import sqlite_inline
from storage.errors import DatabaseUnavailable
from storage.files import private_sqlite
from storage.prepared import Prepared

_AT_COMMIT = "trygg.at_commit"


def write_at_commit(
    session: AsyncSession,
    key: Hashable,
    statement: Prepared,
    params: Mapping[str, Any],
) -> None:
    """Run a prepared Core write of one row's columns just before the unit of work
    commits, in the same hop; a later write with the same ``key`` replaces it if it sets
    every column the earlier one did (else both run, in order).

    Only for rows whose loaded copy (a plain row or an ORM object) is kept in step with the
    write, so that nothing in the unit of work needs to read the row back from the
    database: a person's conversation state, a draft's answers, which a flow may save
    several times."""
    if session.in_nested_transaction():  # a programming error: say so at once
        raise RuntimeError("write_at_commit inside a savepoint: its rollback would not undo it")
    writes = session.info.setdefault(_AT_COMMIT, {}).setdefault(key, [])
    if writes and set(params) >= set(writes[-1][1]):
        writes.pop()
    writes.append((statement, params))


class _Session(Session):
    """A Session that sends the writes queued with :func:`write_at_commit` as it commits
    (however the commit is asked for), and drops them when it rolls back or closes."""

    def commit(self) -> None:
        pending: dict[Hashable, list[tuple[Prepared, Mapping[str, Any]]]] = self.info.pop(
            _AT_COMMIT, {}
        )
        if pending:
            connection = self.connection()
            for writes in pending.values():
                for statement, params in writes:
                    statement.run(connection, params)
        super().commit()

    def rollback(self) -> None:
        self.info.pop(_AT_COMMIT, None)
        super().rollback()

    def close(self) -> None:
        self.info.pop(_AT_COMMIT, None)
        super().close()


def is_sqlite(url: str) -> bool:
    """Return True if the database URL points at SQLite."""
    return make_url(url).get_backend_name() == "sqlite"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def _json_text(value: Any) -> str:
    """JSON columns' text, as json.dumps gives it (non-string keys become strings)."""
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    """Create an async engine; SQLite files are owner-only and get WAL, foreign keys and
    a busy timeout.

    JSON columns go through orjson: several are written with every event."""
    kwargs.setdefault("json_serializer", _json_text)
    kwargs.setdefault("json_deserializer", orjson.loads)
    if is_sqlite(url):
        database = make_url(url).database
        if database and database != ":memory:":
            private_sqlite(Path(database))  # owner-only before SQLite opens (or creates) it
            # statements run inline on the loop's thread, not via aiosqlite's worker thread
            kwargs.setdefault("async_creator", sqlite_inline.creator(database))
        engine = create_async_engine(url, **kwargs)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    kwargs.setdefault("pool_size", 10)
    return create_async_engine(url, **kwargs)


class _Gate:
    """One unit of work at a time, first come first served, except that urgent ones (the
    outbox: alerts to people) go before the ordinary ones still waiting."""

    def __init__(self) -> None:
        self._busy = False
        self._urgent: deque[asyncio.Future[None]] = deque()
        self._ordinary: deque[asyncio.Future[None]] = deque()

    async def acquire(self, urgent: bool) -> None:
        if not self._busy:
            self._busy = True
            return
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        (self._urgent if urgent else self._ordinary).append(waiter)
        try:
            await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self.release()  # handed the gate just as we were cancelled: pass it on
            raise

    def release(self) -> None:
        for queue in (self._urgent, self._ordinary):
            while queue:
                waiter = queue.popleft()
                if not waiter.done():
                    waiter.set_result(None)  # the gate passes on, still busy
                    return
        self._busy = False


class Database:
    """An engine plus a session factory; hands out units of work."""

    SERVER_UNITS = 2  # ordinary units of work at once on PostgreSQL: see _one_at_a_time

    def __init__(self, url: str, *, server_units: int = SERVER_UNITS, **engine_kwargs: Any):
        self.url = url
        self.server_units = max(1, server_units)
        self._sqlite = is_sqlite(url)  # asked on every unit of work; parsing a URL is not free
        self.engine_kwargs = engine_kwargs
        self.engine = create_engine(url, **engine_kwargs)
        self.sessions = async_sessionmaker(
            self.engine, expire_on_commit=False, sync_session_class=_Session
        )
        self._urgent_engine: AsyncEngine | None = None
        self._urgent_sessions: async_sessionmaker[AsyncSession] | None = None
        self._gate: tuple[asyncio.AbstractEventLoop, _Gate] | None = None
        self._owner: asyncio.Task[object] | None = None
        self._units: tuple[asyncio.AbstractEventLoop, asyncio.Semaphore] | None = None
        self._holders: set[asyncio.Task[object]] = set()  # tasks running an ordinary unit

    @property
    def sqlite(self) -> bool:
        return self._sqlite

    @asynccontextmanager
    async def _one_at_a_time(self, urgent: bool) -> AsyncIterator[None]:
        """Let this process's units of work take turns: on SQLite one at a time (urgent
        ones first), on a server at most ``server_units`` ordinary ones (urgent ones never
        wait).

        SQLite has one writer at a time; left to its busy handler, concurrent units of work
        poll for the lock with growing sleeps, some starve past busy_timeout ("database is
        locked") and people are told to try again.

        On PostgreSQL the units run concurrently, but they all run on this one event loop,
        whose queue of ready callbacks is first come first served: with a thousand people's
        units in flight, every step of an alert's own units (claim, render, mark sent)
        waited behind all of theirs, and alerts raised in a burst reached the Bot API only
        after 4–9 s. With two ordinary units at once, one computes while the other waits
        for the server, and an alert's steps find a short queue: alert p99 ~0.15 s, for
        ~15% fewer events/s in such a burst (bench/, 2026-12-02). Alerts come first.
        """
        task = asyncio.current_task()
        if not self.sqlite:
            async with self._server_turn(urgent, task):
                yield
            return
        if task is not None and task is self._owner:
            yield  # a unit of work nested in this task's own
            return
        loop = asyncio.get_running_loop()
        if self._gate is None or self._gate[0] is not loop:
            self._gate = (loop, _Gate())
        gate = self._gate[1]
        await gate.acquire(urgent)
        self._owner = task
        try:
            yield
        finally:
            self._owner = None
            gate.release()

    @asynccontextmanager
    async def _server_turn(
        self, urgent: bool, task: asyncio.Task[object] | None
    ) -> AsyncIterator[None]:
        if urgent or task is None or task in self._holders:
            yield  # urgent, or nested in a unit of work this task is already running
            return
        loop = asyncio.get_running_loop()
        if self._units is None or self._units[0] is not loop:
            self._units = (loop, asyncio.Semaphore(self.server_units))
        async with self._units[1]:
            self._holders.add(task)
            try:
                yield
            finally:
                self._holders.discard(task)

    def _session_factory(self, urgent: bool) -> async_sessionmaker[AsyncSession]:
        """On PostgreSQL, urgent units of work have a small pool of their own, so that an
        alert never queues for a connection behind a crowd of ordinary events."""
        if not urgent or self.sqlite:
            return self.sessions
        if self._urgent_sessions is None:
            kwargs = {**self.engine_kwargs, "pool_size": 2, "max_overflow": 2}
            self._urgent_engine = create_engine(self.url, **kwargs)
            self._urgent_sessions = async_sessionmaker(
                self._urgent_engine, expire_on_commit=False, sync_session_class=_Session
            )
        return self._urgent_sessions

    @asynccontextmanager
    async def unit_of_work(self, *, urgent: bool = False) -> AsyncIterator[AsyncSession]:
        """Yield a session in one transaction: commit on success, roll back on error.

        ``urgent``: the outbox's short units (claim, mark sent), which carry alerts.
        """
        async with self._one_at_a_time(urgent):
            session = self._session_factory(urgent)()
            try:
                # the transaction begins with the first statement (autobegin)
                yield session
                await session.commit()  # with the writes queued for it, in one hop
            except BaseException as exc:
                with contextlib.suppress(Exception):  # what failed first is what the caller sees
                    await session.close()  # rolls back
                if isinstance(exc, (OSError, ConnectionError)):
                    raise DatabaseUnavailable(str(type(exc).__name__)) from exc
                raise
            # Committed: nothing is left to release, so closing needs no hop into
            # SQLAlchemy's sync layer (it only forgets the loaded rows).
            session.sync_session.close()

    async def dispose(self) -> None:
        await self.engine.dispose()
        if self._urgent_engine is not None:
            await self._urgent_engine.dispose()
