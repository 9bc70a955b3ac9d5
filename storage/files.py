"""Owner-only files: the data directory, the SQLite database with its companions, the key file.

The database holds names, phone numbers and who was told about which case; the key file
opens everything sealed. Nobody but the account that runs Trygg may read either. Existing
files that are looser are tightened at start, with a log line that names the kind of file
and its modes, never its path (a path may carry a person's name).
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600
# SQLite creates these beside the database with the database file's own mode
SQLITE_COMPANIONS = (
    ("-wal", "write-ahead log"),
    ("-shm", "shared memory"),
    ("-journal", "journal"),
)

log = logging.getLogger(__name__)


def tighten(path: Path, allowed: int, what: str) -> bool:
    """Take away every permission bit outside ``allowed``; return True if any was set."""
    try:
        current = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return False
    if not current & ~allowed:
        return False
    try:
        os.chmod(path, current & allowed)
    except OSError as exc:  # e.g. owned by another account: say so, keep going
        log.warning("%s is readable by others and could not be tightened: %s", what, exc.strerror)
        return False
    log.warning("%s was open to others (mode %04o): now %04o", what, current, current & allowed)
    return True


def private_dir(path: Path, what: str) -> None:
    """Create a directory owner-only (0700), or tighten an existing one."""
    if path.is_dir():
        tighten(path, PRIVATE_DIR, what)
        return
    missing = [path, *(p for p in path.parents if not p.exists())]
    for folder in reversed(dict.fromkeys(missing)):  # each new folder owner-only, not only the last
        folder.mkdir(mode=PRIVATE_DIR, exist_ok=True)
        os.chmod(folder, PRIVATE_DIR)  # whatever the umask made of it


def private_file(path: Path, what: str) -> None:
    """Create an empty file owner-only (0600), or tighten an existing one."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    except FileExistsError:
        tighten(path, PRIVATE_FILE, what)
        return
    os.close(fd)


def private_sqlite(database: Path) -> None:
    """Make an SQLite database owner-only before SQLite opens it, companions included.

    A missing parent directory is created 0700; an existing one is left as it is (it may
    be shared; the data directory is tightened by the app)."""
    if not database.parent.is_dir():
        private_dir(database.parent, "the database's directory")
    private_file(database, "the database")
    for suffix, what in SQLITE_COMPANIONS:
        tighten(database.with_name(database.name + suffix), PRIVATE_FILE, f"the database's {what}")


def holds_data(database: Path) -> bool:
    """Return True if an SQLite database (or its write-ahead log) has anything in it."""
    for candidate in (database, database.with_name(database.name + "-wal")):
        try:
            if candidate.stat().st_size > 0:
                return True
        except FileNotFoundError:
            continue
    return False


def why_not_writable(path: Path) -> str | None:
    """Why a file the operator asked for cannot be written there (None: it can), checked
    before any work is done or audited."""
    if path.is_dir():
        return f"{path} is a folder: give a file name"
    if not path.parent.is_dir():
        return f"the folder {path.parent} does not exist"
    if not os.access(path.parent, os.W_OK):
        return f"the folder {path.parent} is not writable"
    return None


def write_owner_only(path: Path, content: bytes) -> None:
    """Write a file only its owner may read (0600), an existing one too; never through a
    symbolic link."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, PRIVATE_FILE)
    try:
        os.fchmod(fd, PRIVATE_FILE)
        os.write(fd, content)
    finally:
        os.close(fd)
