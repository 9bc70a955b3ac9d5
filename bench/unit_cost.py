"""What a unit of work costs by itself, and what grouping several into one commit would save.

``python -m bench.unit_cost [--n 20000] [--group 50]`` prints CPU microseconds per
iteration (SQLite file, WAL), each with one prepared SELECT of a person by id, the cheapest
statement an event runs:

* ``unit``: a unit of work of its own, as every event has now (the gate, a session, begin,
  the statement, commit).
* ``grouped``: ``--group`` of them in one transaction, each in a session of its own joined
  to it through a savepoint, so that one person's failure undoes only their own writes and
  no person's loaded rows are seen by another's unit: what "group several people's units
  of work into one commit" needs at least. The commit is shared.
* ``shared``: the same without the savepoints (a session each, one transaction): a failure
  would undo the whole group, so not safe to build; the floor of any grouping.
* ``statement``: the statement alone, in an open transaction.

The difference between ``unit`` and ``grouped`` is the most grouping could save per event.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from storage import migrate
from storage.db import Database
from storage.models import Person
from storage.prepared import Prepared

PERSON = Prepared(select(Person.id).where(Person.id == bindparam("id")))


def _select(session: Session) -> None:
    PERSON.rows(session.connection(), {"id": 1})


async def _cpu_us(n: int, step: Callable[[], Awaitable[None]]) -> float:
    began = time.thread_time()
    for _ in range(n):
        await step()
    return (time.thread_time() - began) / n * 1e6


async def measure(n: int, group: int) -> dict[str, float]:
    """CPU µs per iteration of each way (see the module's docstring)."""
    workdir = Path(tempfile.mkdtemp(prefix="trygg-unit-cost-"))
    url = f"sqlite+aiosqlite:///{workdir / 'unit.db'}"
    await asyncio.to_thread(migrate.upgrade, url)
    db = Database(url)
    try:

        async def unit() -> None:
            async with db.unit_of_work() as session:
                await session.run_sync(_select)

        async def grouped() -> None:
            async with db.unit_of_work() as outer:
                connection = await outer.connection()
                for _ in range(group):
                    joined = AsyncSession(bind=connection, join_transaction_mode="create_savepoint")
                    async with joined.begin():
                        await joined.run_sync(_select)
                    await joined.close()

        async def shared() -> None:
            async with db.unit_of_work() as outer:
                connection = await outer.connection()
                for _ in range(group):
                    joined = AsyncSession(bind=connection, join_transaction_mode="rollback_only")
                    await joined.run_sync(_select)
                    await joined.close()

        async def statement() -> None:
            async with db.unit_of_work() as session:
                await session.run_sync(lambda s: [_select(s) for _ in range(group)])

        await unit()  # warm: compile, open the connection
        return {
            "unit_us": round(await _cpu_us(n, unit), 1),
            "grouped_us": round(await _cpu_us(n // group, grouped) / group, 1),
            "shared_us": round(await _cpu_us(n // group, shared) / group, 1),
            "statement_us": round(await _cpu_us(n // group, statement) / group, 1),
        }
    finally:
        await db.dispose()
        shutil.rmtree(workdir, ignore_errors=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.unit_cost", description=__doc__)
    parser.add_argument("--n", type=int, default=20_000, help="iterations")
    parser.add_argument("--group", type=int, default=50, help="units of work per commit")
    args = parser.parse_args(argv)
    figures = asyncio.run(measure(args.n, args.group))
    saved = figures["unit_us"] - figures["grouped_us"]
    print(figures, f"grouping {args.group} per commit would save {saved:.0f} µs per event")


if __name__ == "__main__":
    main()
