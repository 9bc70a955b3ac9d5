"""`trygg backup FILE` and `trygg restore FILE`: the SQLite database, online and consistent.

On PostgreSQL the server's own tools do this (pg_dump, pg_restore). The encryption keys are
never in a backup: they are backed up on their own and kept somewhere else.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.settings import Settings
from storage.sqlite_backup import BackupError, Copied, backup, restore

KEYS_APART = (
    "The encryption keys are NOT in this file. Back up the key file ({keys}) or TRYGG_KEYS "
    "on their own, and never keep them in the same place as the database backups: whoever "
    "has both can read every report."
)
POSTGRES = (
    "The database is PostgreSQL: use its own tools, e.g.\n"
    "  pg_dump --format=custom --file=trygg.dump postgresql://USER@HOST/DATABASE\n"
    "  pg_restore --clean --if-exists --dbname=postgresql://USER@HOST/DATABASE trygg.dump\n"
    "(see docs/operations.md). The keys are not in a dump either: back them up apart."
)


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `trygg backup` and `trygg restore` to the command line."""
    made = sub.add_parser(
        "backup", help="copy the SQLite database to FILE while the bot runs (not the keys)"
    )
    made.add_argument("file", type=Path)
    made.add_argument("--force", action="store_true", help="replace FILE if it exists")
    back = sub.add_parser(
        "restore", help="replace the SQLite database with a backup (the bot must be stopped)"
    )
    back.add_argument("file", type=Path)
    back.add_argument("--force", action="store_true", help="replace an existing database")


def _said(copied: Copied, settings: Settings) -> None:
    older = "" if copied.head else " (older than this Trygg: upgraded at the next start)"
    print(f"Schema revision {copied.revision}{older}.")
    print(KEYS_APART.format(keys="TRYGG_KEYS" if settings.keys else settings.key_path))


def run(settings: Settings, args: argparse.Namespace) -> int:
    """Back up or restore; return the exit code."""
    database = settings.sqlite_file
    if database is None:
        print(POSTGRES, file=sys.stderr)
        return 2
    target: Path = args.file
    try:
        if args.command == "backup":
            if target.exists() and not args.force:
                print(
                    f"{target} exists: choose a new name, or --force to replace it.",
                    file=sys.stderr,
                )
                return 1
            if target.resolve() == database.resolve():
                print("The backup cannot be the database itself.", file=sys.stderr)
                return 1
            copied = backup(database, target)
            print(f"Backed up {database} to {copied.path} ({copied.size} bytes, owner-only).")
        else:
            copied = restore(target, database, force=args.force)
            print(f"Restored {target} to {database} ({copied.size} bytes, owner-only).")
    except BackupError as exc:
        print(f"Not done: {exc}.", file=sys.stderr)
        return 1
    _said(copied, settings)
    return 0
