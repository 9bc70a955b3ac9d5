"""Issue 16, files and keys: the data directory, the database and the key file are the
owner's alone; a lost key file is never silently replaced; evidence hashes written in clear
by older versions are sealed at start."""

from __future__ import annotations

import hashlib
import logging
import os
import stat
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy import select

from bot import orgfile
from bot.app import App
from bot.settings import Settings
from storage.directory import DirectoryRepo
from storage.models import Evidence
from storage.reports import ReportRepo
from storage.viewer import Viewer
from tests.conftest import DEMO_ORG, REPO, FakeClock

DIGEST_OF = b"a screenshot the old version kept"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def own_settings(data_dir: Path) -> Settings:
    """The defaults an operator gets: an SQLite file and a key file in the data directory."""
    return Settings(_env_file=None, TRYGG_DATA_DIR=data_dir, TRYGG_KEYS="", DATABASE_URL="")


def cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run `trygg` with only the data directory set (no TRYGG_KEYS), as on a fresh server."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TRYGG_", "TELEGRAM_")) and k != "DATABASE_URL"
    }
    env |= {"PYTHONPATH": str(REPO), "TRYGG_DATA_DIR": str(data_dir)}
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        input=b"",
        capture_output=True,
        cwd=data_dir.parent,
        env=env,
        timeout=60,
        check=False,
    )
    result = subprocess.CompletedProcess(
        done.args,
        done.returncode,
        done.stdout.decode("utf-8", errors="replace"),
        done.stderr.decode("utf-8", errors="replace"),
    )
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    return result


async def test_a_new_data_directory_and_its_files_are_the_owners_alone(
    tmp_path: Path, clock: FakeClock
) -> None:
    data = tmp_path / "data"
    app = App.create(own_settings(data), clock=clock)
    try:
        await app.migrate()
        async with app.db.unit_of_work() as session:
            await orgfile.apply(session, orgfile.parse(DEMO_ORG), app.keyring)
        # the engine keeps its connection: the write-ahead log and shared memory are open now
        database = data / "trygg.db"
        companions = [data / "trygg.db-wal", data / "trygg.db-shm"]
        assert all(path.exists() for path in companions), sorted(os.listdir(data))
        assert mode(data) == 0o700
        for path in (database, *companions, data / "trygg.keys"):
            assert mode(path) == 0o600, f"{path.name}: {mode(path):o}"
    finally:
        await app.close()


async def test_looser_files_from_before_are_tightened_at_start_with_a_plain_log_line(
    tmp_path: Path, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    data = tmp_path / "anna-berg-data"  # a path may carry a name: the log must not
    app = App.create(own_settings(data), clock=clock)
    await app.migrate()
    await app.close()
    database, key = data / "trygg.db", data / "trygg.keys"
    wal = data / "trygg.db-wal"
    wal.write_bytes(b"")
    for path, loose in ((data, 0o755), (database, 0o644), (key, 0o644), (wal, 0o664)):
        os.chmod(path, loose)
    caplog.set_level(logging.INFO)
    app = App.create(own_settings(data), clock=clock)
    try:
        assert mode(data) == 0o700
        assert [mode(p) for p in (database, key, wal)] == [0o600, 0o600, 0o600]
        logged = [r.getMessage() for r in caplog.records if "open to others" in r.getMessage()]
        assert len(logged) == 4, logged
        assert any(line.startswith("the key file was open to others") for line in logged)
        assert all(str(tmp_path) not in line and "anna" not in line for line in logged)
    finally:
        await app.close()


def test_a_lost_key_file_beside_a_database_stops_every_command_and_creates_nothing(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    loaded = cli(data, "org", "load", str(DEMO_ORG))  # a fresh data directory gets its key
    assert loaded.returncode == 0, loaded.stderr
    key = data / "trygg.keys"
    assert mode(key) == 0o600 and mode(data) == 0o700
    key.unlink()
    before = sorted(os.listdir(data))
    for args in (
        ("run",),
        ("chat", "--as", "anna"),
        ("org", "load", str(DEMO_ORG)),
        ("org", "show"),
        ("db", "upgrade"),
        ("audit",),
    ):
        refused = cli(data, *args)
        assert refused.returncode == 2, (args, refused.stdout, refused.stderr)
        assert "key file" in refused.stderr and "TRYGG_KEYS" in refused.stderr, refused.stderr
        assert "unreadable" in refused.stderr
        assert not key.exists(), args
        assert sorted(os.listdir(data)) == before, args


async def test_an_empty_database_file_still_gets_a_new_key(
    tmp_path: Path, clock: FakeClock
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "trygg.db").touch()  # created by an earlier start that stopped before writing
    app = App.create(own_settings(data), clock=clock)
    await app.close()
    assert (data / "trygg.keys").exists()


async def test_an_evidence_hash_written_in_clear_is_sealed_at_start(demo_app: App) -> None:
    now = demo_app.clock()
    async with demo_app.db.unit_of_work() as session:
        anna = await DirectoryRepo(session).person_by_handle("anna")
        assert anna is not None
        viewer = Viewer.of(anna)
        repo = ReportRepo(session, demo_app.keyring)
        report = await repo.create_draft(
            viewer, pack="oxelosund", municipality_id=anna.municipality_id, party_id=None, now=now
        )
        evidence_id = uuid.uuid4().hex
        digest = hashlib.sha256(DIGEST_OF).hexdigest()
        session.add(  # as the versions before issue 16 wrote it: the hash in clear
            Evidence(
                id=evidence_id,
                report_id=report.id,
                kind="photo",
                size=len(DIGEST_OF),
                sha256=digest,
                received_at=now,
                meta=demo_app.keyring.seal_json(
                    {"name": "skarmbild.png"}, table="evidence", column="meta", row=evidence_id
                ),
                content=demo_app.keyring.seal(
                    DIGEST_OF, table="evidence", column="content", row=evidence_id
                ),
            )
        )
    await demo_app.migrate()
    await demo_app.migrate()  # again: nothing left to do, nothing changes
    async with demo_app.db.unit_of_work() as session:
        row = (await session.scalars(select(Evidence).where(Evidence.id == evidence_id))).one()
        repo = ReportRepo(session, demo_app.keyring)
        listed = await repo.evidence(viewer, await repo.get(viewer, report.id))
        assert row.sha256 is None
        assert repo.meta_of(row.id, row.meta) == {"name": "skarmbild.png", "sha256": digest}
    assert [info.sha256 for info in listed] == [digest]
