"""Units of work: writes sent with the commit, the one-hop arrival, inline SQLite."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import bindparam, select, text, update
from sqlalchemy.orm import Session

from storage.crypto import Keyring
from storage.db import Database, write_at_commit
from storage.dialogue import _ARRIVAL, ConversationRepo, arrive
from storage.models import (
    ChannelBinding,
    Conversation,
    HandledEvent,
    Municipality,
    Party,
    Person,
    Role,
)
from storage.prepared import Prepared

_RENAME = update(Person).where(Person.id == bindparam("pid")).values(phone=bindparam("v_phone"))
RENAME = Prepared(_RENAME)
NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    """A Database on the test's database (SQLite file or PostgreSQL), disposed after."""
    database = Database(database_url)
    yield database
    await database.dispose()


async def _person(db: Database, handle: str) -> int:
    async with db.unit_of_work() as session:
        person = Person(handle=handle, role="official", created_at=NOW)
        session.add(person)
        await session.flush()
        return person.id


async def _phones(db: Database) -> dict[str, str | None]:
    async with db.unit_of_work() as session:
        rows = (await session.execute(select(Person.handle, Person.phone))).all()
    return {handle: phone for handle, phone in rows}


async def test_writes_at_commit_coalesce_per_key_and_vanish_on_error(db: Database) -> None:
    a, b = await _person(db, "a"), await _person(db, "b")
    async with db.unit_of_work() as session:
        write_at_commit(session, ("phone", a), RENAME, {"pid": a, "v_phone": "1"})
        write_at_commit(session, ("phone", b), RENAME, {"pid": b, "v_phone": "2"})
        write_at_commit(session, ("phone", a), RENAME, {"pid": a, "v_phone": "3"})
        # not sent yet: nothing in the unit of work may need to read it back
        assert (await session.scalar(select(Person.phone).where(Person.id == a))) is None
    assert await _phones(db) == {"a": "3", "b": "2"}

    with pytest.raises(RuntimeError):
        async with db.unit_of_work() as session:
            write_at_commit(session, ("phone", a), RENAME, {"pid": a, "v_phone": "lost"})
            raise RuntimeError("the handler failed")
    assert await _phones(db) == {"a": "3", "b": "2"}  # rolled back with the rest


RENAME_BOTH = Prepared(_RENAME.values(display_name=bindparam("v_name")))


async def test_a_later_write_that_sets_fewer_columns_does_not_undo_an_earlier_one(
    db: Database,
) -> None:
    a = await _person(db, "a")
    async with db.unit_of_work() as session:
        both = {"pid": a, "v_phone": "1", "v_name": "Ny"}
        write_at_commit(session, ("person", a), RENAME_BOTH, both)
        write_at_commit(session, ("person", a), RENAME, {"pid": a, "v_phone": "2"})
    async with db.unit_of_work() as session:
        row = (await session.execute(select(Person.phone, Person.display_name))).one()
    assert tuple(row) == ("2", "Ny")


async def test_a_plain_commit_sends_them_too_and_a_savepoint_refuses_them(db: Database) -> None:
    a = await _person(db, "a")
    session = db.sessions()
    try:
        write_at_commit(session, ("phone", a), RENAME, {"pid": a, "v_phone": "9"})
        await session.commit()  # not through unit_of_work: the write still goes with it
    finally:
        await session.close()
    assert await _phones(db) == {"a": "9"}
    async with db.unit_of_work() as session, session.begin_nested():
        with pytest.raises(RuntimeError, match="savepoint"):
            write_at_commit(session, ("phone", a), RENAME, {"pid": a, "v_phone": "x"})
    assert await _phones(db) == {"a": "9"}


async def test_arrival_claims_the_event_once_and_loads_the_sender(db: Database) -> None:
    async with db.unit_of_work() as session:
        first = await arrive(session, "tg:1", NOW, "telegram", "555")
    assert first.new and first.person is None  # nobody bound to that chat yet
    async with db.unit_of_work() as session:
        again = await arrive(session, "tg:1", NOW, "telegram", "555")
    assert not again.new  # a redelivery: handled before
    async with db.unit_of_work() as session:
        ids = (await session.scalars(select(HandledEvent.event_id))).all()
    assert ids == ["tg:1"]


async def test_sqlite_runs_on_the_loops_thread(tmp_path: Path) -> None:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'inline.db'}")
    threads = threading.active_count()
    try:
        for _ in range(3):
            async with db.unit_of_work() as session:
                assert (await session.scalar(text("PRAGMA journal_mode"))) == "wal"
        # aiosqlite would have started a worker thread for each pooled connection
        assert threading.active_count() == threads
    finally:
        await db.dispose()


async def test_prepared_statements_give_exactly_what_sqlalchemy_gives(db: Database) -> None:
    """On a SQLite file they run on sqlite3 itself: the values must still be SQLAlchemy's
    (aware UTC datetimes, enum members, JSON), both ways."""
    async with db.unit_of_work() as session:
        town = Municipality(key="m", name="Town", security_unit_phone="1", pack="staffanstorp")
        party = Party(key="p", name="Party", municipality=town, pack=None)
        person = Person(
            handle="h", role=Role.PARTY_SECURITY, municipality=town, party=party, locale="en"
        )
        session.add_all([town, party, person])
        await session.flush()
        used = datetime(2026, 12, 1, 13, 29, 0, 125, tzinfo=UTC)
        session.add(
            ChannelBinding(channel="telegram", address="77", person_id=person.id, last_used_at=used)
        )
        session.add(ChannelBinding(channel="signal", address="a-c-i", person_id=person.id))
        session.add(
            Conversation(
                person_id=person.id,
                flow="report",
                state="what",
                step=4,
                prompt=b"\x00sealed",
                data={"report": "r1", "n": [1, 2]},
                updated_at=datetime(2026, 12, 1, 13, 30, 0, 250, tzinfo=UTC),
            )
        )
    async with db.unit_of_work() as session:
        params = {"channel": "telegram", "address": "77"}

        def both(sync: Session) -> tuple[object, object, bool]:
            connection = sync.connection()
            fast = _ARRIVAL.rows(connection, params)
            slow = [tuple(r) for r in connection.execute(_ARRIVAL.statement, params)]
            return fast, slow, Prepared._driver(connection) is not None

        fast, slow, on_driver = await session.run_sync(both)
    assert on_driver == db.sqlite  # a file: straight on sqlite3
    assert fast == slow
    row = fast[0]  # type: ignore[index]
    assert row[3] is Role.PARTY_SECURITY and row[8] == "staffanstorp" and row[9] is None
    # ... the conversation, then the binding: its id, when it and the others were last used,
    # whether it is held or dead
    assert row[-6] == datetime(2026, 12, 1, 13, 30, 0, 250, tzinfo=UTC)
    assert row[-6].tzinfo is not None and row[-7] == {"report": "r1", "n": [1, 2]}
    assert row[-4] == datetime(2026, 12, 1, 13, 29, 0, 125, tzinfo=UTC) and row[-3] is None
    assert row[-2] is None and row[-1] is None

    arrival = None
    async with db.unit_of_work() as session:
        arrival = await arrive(session, "tg:9", NOW, "telegram", "77")
        assert arrival.person is not None and arrival.conversation is not None
        ConversationRepo(session, Keyring.parse(Keyring.new_key_line())).save(
            arrival.conversation,
            flow="akut",
            state="guidance",
            prompt=None,
            data={"x": None},
            new_step=True,
            now=NOW,
        )
    assert arrival.person.municipality_pack == "staffanstorp" and arrival.person.locale == "en"
    async with db.unit_of_work() as session:
        stored = await session.get(Conversation, arrival.person.id)
    assert stored is not None
    assert (stored.flow, stored.state, stored.step, stored.prompt) == (
        "akut",
        "guidance",
        5,
        None,
    )
    assert stored.data == {"x": None} and stored.updated_at == NOW
