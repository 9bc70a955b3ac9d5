"""SQLite for SQLAlchemy's asyncio extension, called inline on the event loop's thread.

aiosqlite runs every call on a worker thread: each statement is a queue hand-off, a thread
wake-up, a fight for the GIL and a self-pipe write back to the loop. A SQLite call on a
WAL file takes microseconds, so the hand-offs cost more than the work, and they happen
while the unit of work holds the process's one write turn (storage.db). Here the same
aiosqlite-shaped interface that SQLAlchemy's ``sqlite+aiosqlite`` dialect drives is served
by plain :mod:`sqlite3` calls that complete before the coroutine returns.

What this trades: a call that has to wait for another *process's* write lock (a CLI
command writing at the same moment) waits on the loop's thread, bounded by busy_timeout.
Within the bot's process, units of work take turns before they reach SQLite.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable
from typing import Any


class InlineCursor:
    """An aiosqlite-shaped cursor whose coroutines finish at once."""

    __slots__ = ("_cursor",)

    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self._cursor = cursor

    async def __aenter__(self) -> InlineCursor:
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._cursor.close()

    @property
    def description(self) -> Any:
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    @property
    def arraysize(self) -> int:
        return self._cursor.arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._cursor.arraysize = value

    async def execute(self, sql: str, parameters: Any = ()) -> InlineCursor:
        self._cursor.execute(sql, parameters)
        return self

    async def executemany(self, sql: str, parameters: Iterable[Any]) -> InlineCursor:
        self._cursor.executemany(sql, parameters)
        return self

    async def fetchone(self) -> Any:
        return self._cursor.fetchone()

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        return self._cursor.fetchmany(size if size is not None else self._cursor.arraysize)

    async def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()

    async def close(self) -> None:
        self._cursor.close()


class _Immediate:
    """Stands in for aiosqlite's request queue, which the dialect's isolation-level
    setter feeds directly: the request runs at once and its future is resolved."""

    __slots__ = ()

    def put_nowait(self, item: tuple[Any, Callable[[], Any]]) -> None:
        future, function = item
        try:
            result = function()
        except Exception as exc:
            future.set_exception(exc)
        else:
            future.set_result(result)


class InlineConnection:
    """An aiosqlite-shaped connection over a :class:`sqlite3.Connection` on this thread."""

    _tx = _Immediate()

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn: sqlite3.Connection | None = conn

    @property
    def _connection(self) -> sqlite3.Connection | None:  # the dialect checks it is open
        return self._conn

    def _open(self) -> sqlite3.Connection:
        if self._conn is None:
            raise ValueError("no active connection")
        return self._conn

    @property
    def sqlite(self) -> sqlite3.Connection:
        """The open :class:`sqlite3.Connection` (storage.prepared runs statements on it)."""
        return self._open()

    @property
    def isolation_level(self) -> str | None:
        return self._open().isolation_level

    def cursor(self) -> InlineCursor:
        # not a coroutine in aiosqlite either: its cursor() returns an awaitable context
        return InlineCursor(self._open().cursor())

    async def commit(self) -> None:
        self._open().commit()

    async def rollback(self) -> None:
        self._open().rollback()

    async def create_function(self, *args: Any, **kwargs: Any) -> None:
        self._open().create_function(*args, **kwargs)

    async def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def stop(self) -> None:
        """Close at once (SQLAlchemy's terminate)."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def creator(database: str, **kwargs: Any) -> Callable[[], Any]:
    """An ``async_creator`` for ``create_async_engine``: inline connections to one file."""

    async def connect() -> InlineConnection:
        options: dict[str, Any] = {"check_same_thread": False, **kwargs}
        return InlineConnection(sqlite3.connect(database, **options))

    return connect
