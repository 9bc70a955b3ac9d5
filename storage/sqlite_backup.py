"""Online backups of the SQLite database, and restoring one: consistent, owner-only, atomic.

A backup is SQLite's own backup API (one read transaction: every row committed before it
began, none after), written to a temporary file beside the target and renamed into place,
so a crash never leaves half a backup under the final name. The bot may go on writing
meanwhile: in WAL mode a reader does not block the writer.

A restore checks that the file is an SQLite database with Trygg's schema at a revision this
Trygg knows, refuses to replace a database that a running process has open, and copies the
same way. Neither holds the keys: they are kept (and backed up) apart from the data.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from alembic.script import ScriptDirectory

from storage.files import PRIVATE_FILE, SQLITE_COMPANIONS
from storage.migrate import alembic_config

MAGIC = b"SQLite format 3\x00"


class BackupError(Exception):
    """The backup or restore was refused or failed; the message says why (no data)."""


@dataclass(frozen=True, slots=True)
class Copied:
    """What a backup or restore wrote."""

    path: Path
    size: int
    revision: str
    head: bool  # the schema is at the newest revision this Trygg knows


def revisions() -> tuple[set[str], str]:
    """Every schema revision this Trygg knows, and the newest."""
    scripts = ScriptDirectory.from_config(alembic_config("sqlite://"))
    known = {script.revision for script in scripts.walk_revisions()}
    head = scripts.get_current_head()
    if head is None:  # pragma: no cover - the package ships its migrations
        raise BackupError("no migrations found")
    return known, head


def _private_temp(beside: Path) -> Path:
    """An empty owner-only file next to ``beside`` (same file system: rename is atomic)."""
    beside.parent.mkdir(parents=True, exist_ok=True)
    for n in range(100):
        temp = beside.with_name(f".{beside.name}.{os.getpid()}.{n}.tmp")
        try:
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
        except FileExistsError:
            continue
        os.close(fd)
        return temp
    raise BackupError(f"could not create a temporary file beside {beside}")


def _copy(source: sqlite3.Connection, target: Path) -> Copied:
    """Copy an open database into ``target`` through a temporary file; check it; rename."""
    temp = _private_temp(target)
    try:
        copy = sqlite3.connect(temp)
        try:
            source.backup(copy)  # all pages in one step: one consistent snapshot
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            revision = _check(copy)
        finally:
            copy.close()
        with open(temp, "rb+") as written:
            os.fsync(written.fileno())
        os.chmod(temp, PRIVATE_FILE)
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    _known, head = revisions()
    return Copied(target, target.stat().st_size, revision, revision == head)


def _check(connection: sqlite3.Connection) -> str:
    """The schema revision of a Trygg database; raise if it is not one, or is damaged."""
    try:
        (ok,) = connection.execute("PRAGMA quick_check").fetchone()
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"not a Trygg database ({type(exc).__name__})") from None
    if ok != "ok":
        raise BackupError("the database is damaged (PRAGMA quick_check failed)")
    if row is None:
        raise BackupError("not a Trygg database (no schema revision)")
    known, _head = revisions()
    if row[0] not in known:
        raise BackupError(
            f"schema revision {row[0]} is unknown to this Trygg (made by a newer version?)"
        )
    return str(row[0])


def backup(database: Path, target: Path) -> Copied:
    """Copy the live database to ``target`` (owner-only), while the bot may be writing."""
    if not database.is_file():
        raise BackupError(f"there is no database at {database}")
    source = sqlite3.connect(database, timeout=30)  # reads only; a WAL reader needs -shm
    try:
        return _copy(source, target)
    finally:
        source.close()


def in_use(database: Path) -> bool:
    """Whether a process has the database open (it holds a lock an exclusive one waits for)."""
    if not database.exists():
        return False
    probe = sqlite3.connect(database, timeout=0, isolation_level=None)
    try:
        probe.execute("PRAGMA locking_mode=EXCLUSIVE")
        probe.execute("BEGIN EXCLUSIVE")
        probe.execute("ROLLBACK")
    except sqlite3.OperationalError:
        return True
    finally:
        probe.close()
    return False


def restore(backup_file: Path, database: Path, *, force: bool = False) -> Copied:
    """Replace ``database`` with a checked copy of ``backup_file``; refuse over a database
    that exists (unless ``force``) or that a running process has open."""
    if not backup_file.is_file():
        raise BackupError(f"there is no file at {backup_file}")
    with open(backup_file, "rb") as head:
        if head.read(len(MAGIC)) != MAGIC:
            raise BackupError(f"{backup_file} is not an SQLite database")
    if database.exists() and not force:
        raise BackupError(
            f"{database} exists: restoring replaces everything in it. Stop Trygg, keep a "
            "copy of it (trygg backup), then run the restore again with --force"
        )
    if in_use(database):
        raise BackupError(f"{database} is open in a running Trygg: stop it first")
    source = sqlite3.connect(f"{backup_file.resolve().as_uri()}?mode=ro", uri=True)
    try:
        _check(source)  # before anything is replaced
        for suffix, _what in SQLITE_COMPANIONS:  # the old database's, checkpointed by in_use
            with contextlib.suppress(FileNotFoundError):
                Path(f"{database}{suffix}").unlink()
        return _copy(source, database)
    finally:
        source.close()
