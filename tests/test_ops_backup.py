"""`trygg backup` / `trygg restore` (issue 22): an online, consistent copy of the SQLite
database while the bot writes, owner-only, atomic; a restore that refuses what it should."""

from __future__ import annotations

import shutil
import sqlite3
import stat
import threading
from contextlib import closing
from pathlib import Path

import pytest

from bot.cli import main
from storage.sqlite_backup import BackupError, backup, in_use, restore, revisions
from tests.conftest import TEST_KEYS


@pytest.fixture
def database(sqlite_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A migrated SQLite database in WAL mode, as the bot leaves it; the CLI points at it."""
    path = tmp_path / "data" / "trygg.db"
    path.parent.mkdir()
    shutil.copy(sqlite_template, path)
    sql(path, "PRAGMA journal_mode=WAL", "CREATE TABLE load (n INTEGER PRIMARY KEY, filler TEXT)")
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{path}")
    monkeypatch.setenv("TRYGG_KEYS", TEST_KEYS)
    monkeypatch.setenv("TRYGG_DATA_DIR", str(tmp_path / "data"))
    return path


def rows(path: Path) -> list[int]:
    with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as db:
        return [n for (n,) in db.execute("SELECT n FROM load ORDER BY n")]


def sql(path: Path, *statements: str) -> None:
    """Run statements and commit; close the connection (a bot that stopped)."""
    with closing(sqlite3.connect(path)) as db, db:
        for statement in statements:
            db.execute(statement)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_backup_taken_while_the_bot_writes_has_every_committed_row(
    database: Path, tmp_path: Path
) -> None:
    committed = 0
    started = threading.Event()
    stop = threading.Event()

    def write() -> None:  # the bot: one small commit after another
        nonlocal committed
        db = sqlite3.connect(database, timeout=30)
        try:
            while not stop.is_set():
                db.execute("INSERT INTO load (filler) VALUES (?)", ("x" * 200,))
                db.commit()
                committed += 1
                if committed == 200:
                    started.set()
        finally:
            db.close()

    writer = threading.Thread(target=write)
    writer.start()
    try:
        assert started.wait(30)
        before = committed
        copied = backup(database, tmp_path / "backups" / "trygg-1.db")
        after = committed
    finally:
        stop.set()
        writer.join()
    saved = rows(copied.path)
    assert len(saved) >= before  # everything committed before the backup began
    assert saved == list(range(1, len(saved) + 1))  # one snapshot: no gaps, nothing torn
    assert len(saved) <= after + 1
    assert mode(copied.path) == 0o600
    assert copied.head and copied.revision == revisions()[1]
    assert not Path(f"{copied.path}-wal").exists()  # a self-contained file
    assert [p.name for p in copied.path.parent.iterdir()] == ["trygg-1.db"]  # no temp left
    with closing(sqlite3.connect(copied.path)) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_backup_and_restore_round_trip_through_the_command_line(
    database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sql(database, *["INSERT INTO load (filler) VALUES ('kept')"] * 3)
    target = tmp_path / "trygg-backup.db"
    assert main(["backup", str(target)]) == 0
    said = capsys.readouterr().out
    assert "Backed up" in said and "owner-only" in said
    assert "keys are NOT in this file" in said and "TRYGG_KEYS" in said
    assert mode(target) == 0o600

    sql(database, "INSERT INTO load (filler) VALUES ('later')")  # gone after the restore
    assert rows(database) == [1, 2, 3, 4]
    assert main(["restore", str(target), "--force"]) == 0
    said = capsys.readouterr().out
    assert "Restored" in said and "keys are NOT in this file" in said
    assert rows(database) == [1, 2, 3]
    assert mode(database) == 0o600
    assert not Path(f"{database}-wal").exists()


def test_restore_refuses_what_it_should(
    database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = backup(database, tmp_path / "good.db").path

    # over an existing database without --force
    assert main(["restore", str(good)]) == 1
    assert "--force" in capsys.readouterr().err

    # over a database a running Trygg has open
    holder = sqlite3.connect(database)
    holder.execute("SELECT 1 FROM load").fetchall()
    try:
        assert in_use(database)
        assert main(["restore", str(good), "--force"]) == 1
        assert "running Trygg" in capsys.readouterr().err
    finally:
        holder.close()
    assert not in_use(database)

    # not SQLite at all
    text = tmp_path / "notes.txt"
    text.write_text("not a database")
    with pytest.raises(BackupError, match="not an SQLite database"):
        restore(text, database, force=True)

    # SQLite, but not Trygg's
    other = tmp_path / "other.db"
    sql(other, "CREATE TABLE t (x)")
    with pytest.raises(BackupError, match="not a Trygg database"):
        restore(other, database, force=True)

    # Trygg's, from a newer Trygg
    newer = tmp_path / "newer.db"
    shutil.copy(good, newer)
    sql(newer, "UPDATE alembic_version SET version_num = 'f00dfeed9999'")
    with pytest.raises(BackupError, match="unknown to this Trygg"):
        restore(newer, database, force=True)

    assert rows(database) == rows(good)  # nothing was replaced by any of them
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")) == []


def test_restore_into_an_empty_place(database: Path, tmp_path: Path) -> None:
    good = backup(database, tmp_path / "good.db").path
    fresh = tmp_path / "new" / "trygg.db"
    copied = restore(good, fresh)
    assert copied.path == fresh and mode(fresh) == 0o600
    assert rows(fresh) == rows(database)


def test_backup_refuses_to_overwrite_and_postgres_names_its_tools(
    database: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    taken = tmp_path / "taken.db"
    taken.write_text("an earlier backup")
    assert main(["backup", str(taken)]) == 1
    assert "exists" in capsys.readouterr().err
    assert taken.read_text() == "an earlier backup"
    assert main(["backup", str(taken), "--force"]) == 0
    capsys.readouterr()

    monkeypatch.setenv("DATABASE_URL", "postgresql+asyncpg://trygg@127.0.0.1:1/trygg")
    for command in ("backup", "restore"):
        assert main([command, str(tmp_path / "x.dump")]) == 2
        said = capsys.readouterr().err
        assert "pg_dump" in said and "pg_restore" in said and "keys" in said
