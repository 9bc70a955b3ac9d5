"""Statements every event makes, compiled once and run straight on SQLite's connection.

SQLAlchemy spends ~40 µs on a cached Core statement and ~190 µs on an ORM query of the
sender with their party, municipality and conversation, where :mod:`sqlite3` itself takes
2–4 µs. For the handful of statements each incoming event runs (claim its id, load the
sender, save their state), :class:`Prepared` compiles a Core statement once per dialect
and, on a SQLite file served by :mod:`storage.sqlite_inline`, runs it on the
:class:`sqlite3.Connection` in the session's transaction, binding parameters and converting
results with the columns' own SQLAlchemy types (datetimes, enums, JSON), so the values are
exactly what SQLAlchemy would give. Elsewhere (PostgreSQL, an in-memory database) it is
plain ``connection.execute``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session
from sqlalchemy.sql import Executable
from sqlalchemy.sql.elements import ColumnElement

from storage.sqlite_inline import InlineConnection

Processor = Callable[[Any], Any] | None


@dataclass(frozen=True, slots=True)
class _Plan:
    sql: str
    binds: tuple[tuple[str, Any, Processor], ...]  # (name, default value, processor)
    results: tuple[Processor, ...]


class Prepared:
    """A Core statement with named bind parameters, run on the driver where it pays."""

    __slots__ = ("_columns", "_compiled", "statement")

    def __init__(self, statement: Executable) -> None:
        self.statement = statement
        columns = getattr(statement, "selected_columns", None)
        self._columns: Sequence[ColumnElement[Any]] = list(columns) if columns is not None else []
        self._compiled: _Plan | None = None  # for SQLite, the only dialect it runs on itself

    def _plan(self, connection: Connection) -> _Plan:
        if self._compiled is None:
            dialect = connection.dialect
            compiled = self.statement.compile(dialect=dialect)  # type: ignore[attr-defined]
            names = compiled.positiontup or []
            binds = tuple(
                (
                    name,
                    compiled.binds[name].effective_value,
                    compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect),
                )
                for name in names
            )
            results = tuple(
                c.type.dialect_impl(dialect).result_processor(dialect, None) for c in self._columns
            )
            self._compiled = _Plan(compiled.string, binds, results)
        return self._compiled

    @staticmethod
    def _driver(connection: Connection) -> Any:
        """The sqlite3 connection under ``connection``, or None to go through SQLAlchemy."""
        driver = connection.connection.driver_connection
        return driver.sqlite if isinstance(driver, InlineConnection) else None

    def _execute(
        self, driver: Any, connection: Connection, params: Mapping[str, Any]
    ) -> tuple[Any, _Plan]:
        plan = self._plan(connection)
        values = []
        for name, default, process in plan.binds:
            value = params.get(name, default)
            values.append(value if process is None else process(value))
        return driver.execute(plan.sql, values), plan

    def rows(self, connection: Connection, params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        """Run a SELECT (or RETURNING) and return its rows with SQLAlchemy's values."""
        driver = self._driver(connection)
        if driver is None:
            return [tuple(row) for row in connection.execute(self.statement, params)]
        cursor, plan = self._execute(driver, connection, params)
        found = cursor.fetchall()
        if not any(plan.results):
            return [tuple(row) for row in found]
        return [
            tuple(v if p is None else p(v) for v, p in zip(row, plan.results, strict=True))
            for row in found
        ]

    def run(self, connection: Connection, params: Mapping[str, Any]) -> int:
        """Run an INSERT, UPDATE or DELETE; return the number of rows it touched."""
        driver = self._driver(connection)
        if driver is None:
            result = connection.execute(self.statement, params)
            return int(getattr(result, "rowcount", 0) or 0)
        cursor, _plan = self._execute(driver, connection, params)
        return int(cursor.rowcount)


async def run_all(
    session: AsyncSession, writes: Iterable[tuple[Prepared, Mapping[str, Any]]]
) -> None:
    """Run prepared writes now, in order, in the session's transaction and in one hop into
    SQLAlchemy's sync layer: the rest of the unit of work sees their rows."""
    batch = list(writes)

    def run(sync: Session) -> None:
        connection = sync.connection()
        for statement, params in batch:
            statement.run(connection, params)

    if batch:
        await session.run_sync(run)
