"""Engines, sessions and the unit of work (one transaction per incoming event)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from storage.errors import DatabaseUnavailable


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


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    """Create an async engine; SQLite files get WAL, foreign keys and a busy timeout."""
    if is_sqlite(url):
        database = make_url(url).database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url, **kwargs)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    kwargs.setdefault("pool_size", 10)
    return create_async_engine(url, **kwargs)


class Database:
    """An engine plus a session factory; hands out units of work."""

    def __init__(self, url: str, **engine_kwargs: Any) -> None:
        self.url = url
        self.engine = create_engine(url, **engine_kwargs)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        self._writer: tuple[asyncio.AbstractEventLoop, asyncio.Lock] | None = None
        self._owner: asyncio.Task[object] | None = None

    @property
    def sqlite(self) -> bool:
        return is_sqlite(self.url)

    @asynccontextmanager
    async def _one_at_a_time(self) -> AsyncIterator[None]:
        """On SQLite, let this process's units of work take turns (first come, first served).

        SQLite has one writer at a time; left to its busy handler, concurrent units of work
        poll for the lock with growing sleeps, some starve past busy_timeout ("database is
        locked") and people are told to try again. PostgreSQL needs no such queue.
        """
        task = asyncio.current_task()
        if not self.sqlite or (task is not None and task is self._owner):
            yield  # a server database, or a unit of work nested in this task's own
            return
        loop = asyncio.get_running_loop()
        if self._writer is None or self._writer[0] is not loop:
            self._writer = (loop, asyncio.Lock())
        async with self._writer[1]:
            self._owner = task
            try:
                yield
            finally:
                self._owner = None

    @asynccontextmanager
    async def unit_of_work(self) -> AsyncIterator[AsyncSession]:
        """Yield a session in one transaction: commit on success, roll back on error."""
        async with self._one_at_a_time():
            try:
                async with self.sessions() as session, session.begin():
                    yield session
            except (OSError, ConnectionError) as exc:
                raise DatabaseUnavailable(str(type(exc).__name__)) from exc

    async def dispose(self) -> None:
        await self.engine.dispose()
