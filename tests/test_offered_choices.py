"""The choices offered on Signal are kept for many addresses in one write."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import event, func, select

from storage import offered_choices
from storage.db import Database
from storage.models import OfferedChoices
from storage.offered_choices import OfferedChoicesRepo

AT = datetime(2026, 12, 5, 6, 0, tzinfo=UTC)


async def test_many_addresses_in_one_write_replace_what_each_was_offered(
    database_url: str, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(offered_choices, "CHUNK", 4)  # ten addresses: three statements
    db = Database(database_url)
    inserts: list[str] = []

    @event.listens_for(db.engine.sync_engine, "before_cursor_execute")
    def seen(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("INSERT"):
            inserts.append(statement)

    try:
        first = [(f"aci-{i}", "t1", [("opt:a", "A"), ("opt:b", "B")]) for i in range(10)]
        async with db.unit_of_work() as session:
            await OfferedChoicesRepo(session).put("signal", first, AT)
        assert len(inserts) == 3
        later = [("aci-3", "t2", [("nav:back", "Tillbaka")]), ("aci-new", "t3", [])]
        async with db.unit_of_work() as session:
            await OfferedChoicesRepo(session).put("signal", later, AT + timedelta(minutes=1))
        async with db.unit_of_work() as session:
            repo = OfferedChoicesRepo(session)
            assert await repo.get("signal", "aci-3") == ("t2", [("nav:back", "Tillbaka")])
            assert await repo.get("signal", "aci-4") == ("t1", [("opt:a", "A"), ("opt:b", "B")])
            assert await repo.get("signal", "aci-new") == ("t3", [])
            assert await repo.get("telegram", "aci-3") is None  # another channel's address
            count = await session.scalar(select(func.count()).select_from(OfferedChoices))
        assert count == 11
    finally:
        await db.dispose()
