"""Loading the organisation file again: people no longer in it, role changes, and people
erased at their request (tombstones).

In process on SQLite and PostgreSQL through ``orgfile.apply``; the operator's side
(``trygg org load`` with ``--prune``, the y/N question at a terminal, ``--restore``) as a
subprocess on SQLite.
"""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
from collections.abc import Collection
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from bot import orgfile
from bot.app import App
from bot.cli import _load_org
from bot.settings import Settings
from storage.crypto import Keyring
from storage.errors import DirectoryError
from storage.models import AuditEntry, ErasedHandle, Municipality, Person, Role
from storage.trust import tombstone_mac
from tests.conftest import DEMO_ORG, TEST_KEYS, FakeClock
from tests.test_alerts import alerts_only, load_alert, outbox, raise_akut
from tests.test_trust import (
    ANNA,
    PER,
    PIA,
    SQLITE_ONLY,
    alert_of,
    forge,
    full_report,
    invite,
    press,
    refused,
)
from tests.test_trust_cli import trygg

DEMO = DEMO_ORG.read_text(encoding="utf-8")


def without(handle: str, text: str = DEMO) -> str:
    """The organisation file with one person's entry taken out."""
    start = text.index(f"  - handle: {handle}\n")
    end = text.find("  - handle: ", start + 1)
    return text[:start] + (text[end:] if end >= 0 else "")


def org_file(tmp_path: Path, text: str, name: str = "org.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


async def load(
    app: App,
    path: Path,
    *,
    prune: Collection[str] = (),
    restore: Collection[str] = (),
    keyring: Keyring | None = None,
) -> orgfile.LoadResult:
    async with app.db.unit_of_work() as session:
        return await orgfile.apply(
            session,
            orgfile.parse(path),
            keyring or app.keyring,
            now=app.clock(),
            prune=prune,
            restore=restore,
        )


async def person(app: App, handle: str) -> Person | None:
    async with app.db.unit_of_work() as session:
        return (await session.scalars(select(Person).where(Person.handle == handle))).one_or_none()


async def audit_rows(app: App, action: str) -> list[tuple[str, str, int | None]]:
    async with app.db.unit_of_work() as session:
        rows = await session.execute(
            select(AuditEntry.actor, AuditEntry.subject, AuditEntry.municipality_id)
            .where(AuditEntry.action == action)
            .order_by(AuditEntry.id)
        )
        return [(actor, subject, place) for actor, subject, place in rows]


async def municipality_id(app: App, key: str) -> int:
    async with app.db.unit_of_work() as session:
        found = await session.scalar(select(Municipality.id).where(Municipality.key == key))
        assert found is not None
        return found


async def erase_with_tombstone(app: App, handle: str, keyring: Keyring | None = None) -> None:
    """What /glom leaves behind: the person pseudonymised, their handle as a keyed hash."""
    async with app.db.unit_of_work() as session:
        found = (await session.scalars(select(Person).where(Person.handle == handle))).one()
        found.handle, found.display_name, found.phone = f"erased-{found.id:012x}", None, None
        found.role, found.party_id, found.municipality_id = Role.UNREGISTERED, None, None
        found.erased_at, found.in_org_file = app.clock(), False
        session.add(ErasedHandle(handle_mac=tombstone_mac(keyring or app.keyring, handle)))


# --- people no longer in the file ------------------------------------------------------------


async def test_a_contact_removed_from_the_file_and_pruned_loses_the_role_and_leaves_kontakter(
    demo_app: App, chat: Any, tmp_path: Path, clock: FakeClock
) -> None:
    ref = await full_report(chat("anna"))
    alert = await alert_of(demo_app, ref)
    pia = chat("pia")
    assert "Tack – det är ditt" in await forge(pia, f"ack:{alert.id}")
    assert PIA[0] in await chat("anna").say("/kontakter")
    pia_id = (await person(demo_app, "pia") or pytest.fail("no pia")).id

    clock.advance(minutes=5)
    result = await load(demo_app, org_file(tmp_path, without("pia")), prune={"pia"})
    sjovik = await municipality_id(demo_app, "sjovik")
    assert [(e.handle, e.role, e.party, e.municipality) for e in result.removed] == [
        ("pia", "party_security", "gp", "sjovik")
    ]
    assert result.kept == () and result.changed == (pia_id,)
    assert (result.municipalities, result.parties, result.people) == (1, 2, 7)
    gone = await person(demo_app, "pia")
    assert gone is not None
    assert (gone.role, gone.revoked_at, gone.in_org_file) == (Role.UNREGISTERED, clock.now, False)
    assert (gone.party_id, gone.municipality_id) != (None, None)  # kept, as for a revocation
    assert await audit_rows(demo_app, "role_removed") == [("operator", "pia", sjovik)]

    contacts = await chat("anna").say("/kontakter")
    assert PIA[0] not in contacts and PIA[1] not in contacts
    assert PER[0] in contacts
    refused(await pia.say(f"/arende {ref}"))
    refused(await forge(pia, f"show:{alert.report_id}"))
    # loading the same file again changes nobody and lists nobody
    again = await load(demo_app, org_file(tmp_path, without("pia")), prune={"pia"})
    assert (again.removed, again.kept, again.changed) == ((), (), ())


@SQLITE_ONLY
async def test_without_prune_people_missing_from_the_file_keep_their_roles_and_are_listed(
    demo_app: App, chat: Any, tmp_path: Path
) -> None:
    path = org_file(tmp_path, without("sara", without("per")))
    async with demo_app.db.unit_of_work() as session:
        listed = await orgfile.missing(session, orgfile.parse(path))
    assert [(e.handle, e.role, e.party, e.municipality) for e in listed] == [
        ("per", "party_security", "gp", "sjovik"),
        ("sara", "municipal_security", "-", "sjovik"),
    ]
    result = await load(demo_app, path)
    assert [e.handle for e in result.kept] == ["per", "sara"]
    assert (result.removed, result.changed) == ((), ())
    assert "Per Ek" in await chat("anna").say("/kontakter")
    assert await audit_rows(demo_app, "role_removed") == []
    result = await load(demo_app, path, prune={"sara"})  # only those confirmed
    assert [e.handle for e in result.removed] == ["sara"]
    assert [e.handle for e in result.kept] == ["per"]


@SQLITE_ONLY
async def test_people_who_got_their_role_from_an_invite_are_never_pruned(
    demo_app: App, chat: Any, tmp_path: Path
) -> None:
    code = await invite(demo_app, Role.PARTY_SECURITY, issuer="sara")
    assert "Din inbjudan är godkänd" in await chat("gunilla").say(f"/start {code}")
    result = await load(demo_app, DEMO_ORG, prune={"gunilla"})
    assert (result.removed, result.kept) == ((), ())
    gunilla = await person(demo_app, "gunilla")
    assert gunilla is not None and gunilla.role is Role.PARTY_SECURITY
    assert not gunilla.in_org_file


async def test_role_party_and_municipality_changes_are_audited_and_returned(
    demo_app: App, tmp_path: Path
) -> None:
    norrby = (
        "  - key: norrby\n    name: Norrby kommun\n"
        '    security_unit_phone: "+46 8 465 004 90"\n\npeople:\n'
    )
    text = DEMO.replace("\npeople:\n", "\n" + norrby, 1)
    text = text.replace("  - handle: pia\n    name: Pia Lind\n    role: party_security\n",
                        "  - handle: pia\n    name: Pia Lind\n    role: official\n")  # fmt: skip
    bo = "  - handle: bo\n    name: Bo Sand\n    role: official\n    municipality: sjovik\n"
    text = text.replace(f"{bo}    party: bp\n", f"{bo}    party: gp\n")
    kent = "  - handle: kent\n    name: Kent Dahl\n    role: municipal_director\n"
    text = text.replace(f"{kent}    municipality: sjovik\n", f"{kent}    municipality: norrby\n")
    text = text.replace('"+46 70 174 06 10"', '"+46 70 174 06 99"')  # anna: a new phone only
    result = await load(demo_app, org_file(tmp_path, text))
    changed = {p: (await person(demo_app, p) or pytest.fail(p)).id for p in ("pia", "bo", "kent")}
    assert sorted(result.changed) == sorted(changed.values())
    sjovik, other = (
        await municipality_id(demo_app, "sjovik"),
        await municipality_id(demo_app, "norrby"),
    )
    assert await audit_rows(demo_app, "role_changed") == [
        ("operator", "pia", sjovik),
        ("operator", "bo", sjovik),
        ("operator", "kent", sjovik),  # the unit it left sees it, and the one it joined
        ("operator", "kent", other),
    ]
    assert (await load(demo_app, org_file(tmp_path, text))).changed == ()
    assert len(await audit_rows(demo_app, "role_changed")) == 4


async def test_org_load_prune_sends_an_alert_waiting_on_the_removed_contact_on_at_once(
    demo_app: App, chat: Any, tmp_path: Path
) -> None:
    alert_id = await raise_akut(chat)  # Pia now; Per after 10 minutes
    path = org_file(tmp_path, without("pia"))
    assert await _load_org(demo_app, path, prune=True) == 0  # `trygg org load FILE --prune`
    await demo_app.timer_runner().run_due()  # no time passes
    paged = [h for h, k, _ in alerts_only(await outbox(demo_app)) if k == "alert"]
    assert paged == ["pia", "per"]
    assert (await load_alert(demo_app, alert_id)).level == 2


# --- people erased at their request ------------------------------------------------------


async def test_an_erased_person_is_not_loaded_again_unless_restored_by_name(
    demo_app: App, chat: Any
) -> None:
    await erase_with_tombstone(demo_app, "per")
    result = await load(demo_app, DEMO_ORG)
    assert (result.erased, result.restored, result.people) == (("per",), (), 7)
    assert await person(demo_app, "per") is None
    async with demo_app.db.unit_of_work() as session:
        names = (await session.scalars(select(Person.display_name))).all()
    assert PER[0] not in names
    assert PER[0] not in await chat("anna").say("/kontakter")
    assert await audit_rows(demo_app, "restored") == []

    result = await load(demo_app, DEMO_ORG, restore=["per"])
    assert (result.erased, result.restored, result.people) == ((), ("per",), 8)
    back = await person(demo_app, "per")
    assert back is not None and (back.display_name, back.role) == (PER[0], Role.PARTY_SECURITY)
    async with demo_app.db.unit_of_work() as session:
        assert await session.scalar(select(func.count()).select_from(ErasedHandle)) == 0
    sjovik = await municipality_id(demo_app, "sjovik")
    assert await audit_rows(demo_app, "restored") == [("operator", "per", sjovik)]
    assert PER[0] in await chat("anna").say("/kontakter")


@SQLITE_ONLY
async def test_after_forget_me_the_org_file_does_not_bring_the_person_back(
    demo_app: App, chat: Any
) -> None:
    anna = chat("anna")
    await anna.say("/glom")
    assert "Klart. Trygg har glömt dig:" in await press(anna, "forget:yes")
    result = await load(demo_app, DEMO_ORG)
    assert result.erased == ("anna",) and await person(demo_app, "anna") is None
    async with demo_app.db.unit_of_work() as session:
        assert ANNA[0] not in (await session.scalars(select(Person.display_name))).all()


@SQLITE_ONLY
async def test_a_tombstone_made_before_the_keys_were_rotated_still_holds_and_is_rekeyed(
    demo_app: App, tmp_path: Path
) -> None:
    await erase_with_tombstone(demo_app, "per")
    new_key = Keyring.new_key_line()
    rotated = Keyring.parse(f"{new_key},{TEST_KEYS}")
    result = await load(demo_app, DEMO_ORG, keyring=rotated)
    assert result.erased == ("per",) and await person(demo_app, "per") is None
    # that load re-keyed the tombstone: it holds on the new key alone
    result = await load(demo_app, DEMO_ORG, keyring=Keyring.parse(new_key))
    assert result.erased == ("per",) and await person(demo_app, "per") is None


@SQLITE_ONLY
async def test_restore_must_name_someone_erased_in_the_file(demo_app: App) -> None:
    await erase_with_tombstone(demo_app, "per")
    for handle, why in (("pia", "was not erased"), ("nobody", "not in the file")):
        with pytest.raises(DirectoryError) as caught:
            await load(demo_app, DEMO_ORG, restore=[handle])
        assert caught.value.problems == [f"--restore {handle}: {why}" + (
            "; nothing to restore" if handle == "pia" else ""
        )]  # fmt: skip
    assert await person(demo_app, "per") is None


# --- the operator's command line -----------------------------------------------------------


def trygg_at_terminal(settings: Settings, answer: str, *args: str) -> tuple[int, str]:
    """Run the CLI with a terminal as its input; type ``answer``; return (code, output)."""
    controller, terminal = pty.openpty()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TRYGG_", "TELEGRAM_"))}
    env |= {
        "PYTHONPATH": str(DEMO_ORG.parents[2]),
        "TRYGG_DATA_DIR": str(settings.data_dir),
        "DATABASE_URL": settings.db_url,
        "TRYGG_KEYS": TEST_KEYS,
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", *args],
        stdin=terminal,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        cwd=settings.data_dir,
        env=env,
    )
    os.close(terminal)
    os.write(controller, answer.encode() + b"\n")
    try:
        out, _ = process.communicate(timeout=60)
    finally:
        os.close(controller)
    return process.returncode, out.decode()


@SQLITE_ONLY
async def test_org_load_lists_who_is_gone_and_removes_their_roles_only_when_asked(
    demo_app: App, settings: Settings, tmp_path: Path
) -> None:
    path = org_file(tmp_path, without("per"))
    listing = [
        f"1 person with a role from an earlier file is not in {path}:",
        "  per\tparty_security\tgp\tsjovik",
    ]
    loaded = f"Loaded 1 municipalities, 2 parties, 7 people from {path}."
    # not at a terminal: nobody is asked, per keeps the role, and the operator is told how
    done = trygg(settings, "org", "load", str(path))
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        *listing,
        loaded,
        f"They keep their roles: per. To remove them: trygg org load {path} --prune",
    ]
    # at a terminal: asked; anything but yes keeps the role
    code, out = trygg_at_terminal(settings, "", "org", "load", str(path))
    assert code == 0 and "Remove their roles? [y/N]" in out and "They keep their roles" in out
    assert (await person(demo_app, "per") or pytest.fail()).role is Role.PARTY_SECURITY
    code, out = trygg_at_terminal(settings, "y", "org", "load", str(path))
    assert code == 0 and "Roles removed: per." in out, out
    assert (await person(demo_app, "per") or pytest.fail()).role is Role.UNREGISTERED
    log = trygg(settings, "audit").stdout
    assert re.search(r"^\S+\toperator\trole_removed\tper$", log, re.MULTILINE), log


@SQLITE_ONLY
async def test_org_load_prune_removes_at_once_and_org_show_no_longer_lists_them(
    demo_app: App, settings: Settings, tmp_path: Path
) -> None:
    path = org_file(tmp_path, without("pia", without("per")))
    done = trygg(settings, "org", "load", str(path), "--prune")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        f"2 people with a role from an earlier file are not in {path}:",
        "  per\tparty_security\tgp\tsjovik",
        "  pia\tparty_security\tgp\tsjovik",
        f"Loaded 1 municipalities, 2 parties, 6 people from {path}.",
        "Roles removed: per, pia.",
    ]
    shown = trygg(settings, "org", "show").stdout.splitlines()
    assert not [line for line in shown if line.startswith(("per\t", "pia\t"))], shown
    # put back in the file, they stay without a role until invited again (as if revoked)
    done = trygg(settings, "org", "load", str(DEMO_ORG))
    assert done.returncode == 0, done.stderr
    assert "Revoked or removed earlier, so no role until invited again: pia, per." in done.stdout


@SQLITE_ONLY
async def test_org_load_skips_the_erased_and_restore_brings_them_back(
    demo_app: App, settings: Settings
) -> None:
    await erase_with_tombstone(demo_app, "per")
    done = trygg(settings, "org", "load", str(DEMO_ORG))
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        f"Loaded 1 municipalities, 2 parties, 7 people from {DEMO_ORG}.",
        "Erased at their request; not loaded: per. To load someone again on purpose: "
        "--restore HANDLE",
    ]
    typo = trygg(settings, "org", "load", str(DEMO_ORG), "--restore", "pér")
    assert typo.returncode == 1
    assert "  --restore pér: not in the file" in typo.stderr.splitlines()
    assert await person(demo_app, "per") is None
    done = trygg(settings, "org", "load", str(DEMO_ORG), "--restore", "per")
    assert done.returncode == 0, done.stderr
    assert "Loaded again (erased earlier): per." in done.stdout.splitlines()
    assert "per\tparty_security\tgp\tsjovik" in trygg(settings, "org", "show").stdout
    assert re.search(r"\toperator\trestored\tper$", trygg(settings, "audit").stdout, re.M)
