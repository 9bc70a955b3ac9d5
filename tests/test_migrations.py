"""Alembic migrations produce exactly the models' schema, on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
import os
import sys
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from storage import migrate
from storage.db import create_engine, is_sqlite
from storage.models import Base
from tests.conftest import PG_ADMIN_URL, REPO, TEST_KEYS, _pg_create_database, pg_url


async def schema_diff(url: str) -> list[object]:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            return await conn.run_sync(
                lambda sync_conn: compare_metadata(
                    MigrationContext.configure(sync_conn, opts={"compare_type": True}),
                    Base.metadata,
                )
            )
    finally:
        await engine.dispose()


async def current_revision(url: str) -> str | None:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            return await conn.run_sync(
                lambda sync_conn: MigrationContext.configure(sync_conn).get_current_revision()
            )
    finally:
        await engine.dispose()


async def table_names(url: str) -> list[str]:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            return await conn.run_sync(lambda sync_conn: inspect(sync_conn).get_table_names())
    finally:
        await engine.dispose()


def heads() -> list[str]:
    return list(ScriptDirectory.from_config(migrate.alembic_config("sqlite://")).get_heads())


def test_exactly_one_head() -> None:
    assert len(heads()) == 1


async def test_migrated_schema_equals_the_models(database_url: str) -> None:
    assert await schema_diff(database_url) == []
    assert await current_revision(database_url) == heads()[0]


async def test_a_missing_column_would_be_noticed(database_url: str) -> None:
    """The comparison above is not vacuous: drift between database and models shows up."""
    engine = create_engine(database_url)
    try:
        async with engine.begin() as conn:
            await conn.execute(text("CREATE TABLE drift_probe (id INTEGER PRIMARY KEY)"))
    finally:
        await engine.dispose()
    try:
        diff = await schema_diff(database_url)
        assert any(d[0] == "remove_table" and d[1].name == "drift_probe" for d in diff)  # type: ignore[index,attr-defined]
    finally:
        engine = create_engine(database_url)
        async with engine.begin() as conn:
            await conn.execute(text("DROP TABLE drift_probe"))
        await engine.dispose()


@pytest.fixture
async def fresh_url(database_url: str, tmp_path: Path) -> AsyncIterator[str]:
    """An empty database of the same kind as ``database_url`` (not migrated)."""
    if is_sqlite(database_url):
        yield f"sqlite+aiosqlite:///{tmp_path / 'fresh.db'}"
        return
    name = f"trygg_fresh_{uuid.uuid4().hex[:12]}"
    await _pg_create_database(name)
    yield pg_url(name)
    await _drop_database(name)


async def test_downgrade_to_base_and_upgrade_again(fresh_url: str) -> None:
    await asyncio.to_thread(migrate.upgrade, fresh_url)
    assert await schema_diff(fresh_url) == []

    await asyncio.to_thread(_downgrade, fresh_url, "base")
    assert await current_revision(fresh_url) is None
    assert set(await table_names(fresh_url)) <= {"alembic_version"}  # nothing left behind

    await asyncio.to_thread(migrate.upgrade, fresh_url)
    assert await schema_diff(fresh_url) == []


def _downgrade(url: str, revision: str) -> None:
    from alembic import command

    command.downgrade(migrate.alembic_config(url), revision)


async def _drop_database(name: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(PG_ADMIN_URL.replace("postgresql+asyncpg", "postgresql"))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


async def test_processes_that_start_at_once_upgrade_one_after_the_other(fresh_url: str) -> None:
    """Three containers start on an empty database together, each running `trygg db upgrade`
    first: on PostgreSQL they take turns (an advisory lock) and all three succeed."""
    if is_sqlite(fresh_url):
        pytest.skip("SQLite is one process on one file: nothing starts beside it")
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRYGG_")}
    env |= {"DATABASE_URL": fresh_url, "TRYGG_KEYS": TEST_KEYS, "PYTHONPATH": str(REPO)}
    children = [
        await asyncio.create_subprocess_exec(
            *(sys.executable, "-m", "bot", "db", "upgrade"),
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        for _ in range(3)
    ]
    results = [await child.communicate() for child in children]
    for child, (out, err) in zip(children, results, strict=True):
        assert child.returncode == 0, err.decode()[-2000:]
        assert b"latest schema" in out
    assert await current_revision(fresh_url) == heads()[0]
    assert await schema_diff(fresh_url) == []


async def test_phones_stored_before_they_were_read_whole_are_written_as_the_org_file_does(
    fresh_url: str,
) -> None:
    """A number kept at the previous head as typed ("+46 70-123 45 67") reads as the org file
    writes it after the upgrade; one that cannot be read for sure, and the org file's own,
    stay as they are."""
    from datetime import UTC, datetime

    from sqlalchemy import Boolean, Integer, String, column, insert, select, table

    from storage.models import UTCDateTime

    await asyncio.to_thread(migrate.upgrade, fresh_url, "0019")
    person = table(
        "person",
        column("id", Integer),
        column("handle", String),
        column("role", String),
        column("phone", String),
        column("in_org_file", Boolean),
        column("created_at", UTCDateTime()),
    )
    before = {
        1: ("+46 70-123 45 67", False),
        2: ("070-765 43 21", False),
        3: ("0155-24 80 00", False),
        4: ("+44 20 7946 0958", False),  # abroad
        5: ("0771-12 34", False),  # not read for sure
        6: (None, False),
        7: ("070-174 06 11", True),  # the org file's
    }
    engine = create_engine(fresh_url)
    try:
        async with engine.begin() as conn:
            await conn.execute(
                insert(person),
                [
                    dict(id=i, handle=f"p{i}", role="official", phone=phone, in_org_file=org)
                    | {"created_at": datetime.now(UTC)}
                    for i, (phone, org) in before.items()
                ],
            )
        await asyncio.to_thread(migrate.upgrade, fresh_url)
        async with engine.connect() as conn:
            after = dict((await conn.execute(select(person.c.id, person.c.phone))).all())
    finally:
        await engine.dispose()
    assert after == {
        1: "+46 70 123 45 67",
        2: "+46 70 765 43 21",
        3: "+46 155 24 80 00",
        4: "+44 20 7946 0958",
        5: "0771-12 34",
        6: None,
        7: "070-174 06 11",
    }
    assert await schema_diff(fresh_url) == []
