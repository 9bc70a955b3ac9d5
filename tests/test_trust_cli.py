"""Issue 7, trust, through the operator's command line: `trygg invite create`,
`trygg person revoke`, `trygg audit`, `trygg keys new|rotate`.

The CLI runs as a real subprocess against the same database the in-process bot uses (an
SQLite file in the test's directory; the CLI adds nothing backend-specific), from a working
directory without a ``.env`` file.
"""

from __future__ import annotations

import base64
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from sqlalchemy import select

from bot.app import App
from bot.settings import Settings
from conversations.events import EventKind, InboundEvent
from storage.crypto import Keyring
from storage.directory import DirectoryRepo
from storage.models import Role
from storage.rotation import SEALED
from tests.conftest import REPO, TEST_KEYS, Chat, FakeClock
from tests.test_trust import (
    MARKERS,
    PERP,
    SQLITE_ONLY,
    WHAT,
    add_norrby,
    alert_of,
    audit,
    database_text,
    forge,
    full_report,
    press,
    refused,
)

TIMEOUT = 60
BOT = "TryggTestBot"
CODE = r"[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}"


def trygg(settings: Settings, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run the CLI on the test's database; return it with decoded output."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TRYGG_", "TELEGRAM_")) and k != "DATABASE_URL"
    }
    clean |= {
        "PYTHONPATH": str(REPO),
        "TRYGG_DATA_DIR": str(settings.data_dir),
        "DATABASE_URL": settings.db_url,
        "TRYGG_KEYS": TEST_KEYS,
        "TELEGRAM_BOT_USERNAME": BOT,
        **env,
    }
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        capture_output=True,
        cwd=settings.data_dir,
        env=clean,
        timeout=TIMEOUT,
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


@SQLITE_ONLY
async def test_invite_create_prints_a_code_and_a_deep_link_and_only_the_unit_may_issue(
    demo_app: App, chat: Any, settings: Settings
) -> None:
    await add_norrby(demo_app)
    created = trygg(
        settings,
        "invite", "create", "--role", "party_security", "--municipality", "sjovik",
        "--party", "gp", "--person", "pia", "--by", "sara",
    )  # fmt: skip
    assert created.returncode == 0, created.stderr
    code = re.search(rf"Code: ({CODE})  \(single use, valid 72 h\)", created.stdout)
    assert code, created.stdout
    link = re.search(rf"https://t\.me/{BOT}\?start=([2-9A-HJ-NP-Z]{{12}})\b", created.stdout)
    assert link and link.group(1) == code.group(1).replace("-", ""), created.stdout
    dump = await database_text(demo_app)
    assert code.group(1).encode() not in dump and link.group(1).encode() not in dump
    # refused: an official, a party contact, another municipality's unit, unknown names
    for by in ("pia", "nils"):
        denied = trygg(
            settings,
            "invite", "create", "--role", "official", "--municipality", "sjovik",
            "--party", "gp", "--by", by,
        )  # fmt: skip
        assert denied.returncode == 1 and "Not created" in denied.stderr, denied
        assert not re.search(CODE, denied.stdout)
    # the deep link, as Telegram delivers it: /start <payload>
    event = InboundEvent(
        "tg-link", "telegram", "4242", EventKind.COMMAND, command="start", text=link.group(1)
    )
    delivery = await demo_app.dispatcher(_ignore).process(event)
    assert delivery is not None
    assert "Välkommen till Trygg, Pia Lind." in Chat.text(delivery.replies)
    async with demo_app.db.unit_of_work() as session:
        person = await DirectoryRepo(session).person_for_address("telegram", "4242")
        assert person is not None and person.handle == "pia"
        assert person.role is Role.PARTY_SECURITY
    entries = [e[:3] for e in await audit(demo_app)]
    assert ("sara", "invite_created", "party_security") in entries
    assert ("pia", "role_granted", "pia") in entries
    assert len([e for e in entries if e[1] == "invite_created"]) == 1


async def _ignore(delivery: object) -> None:
    return None


@SQLITE_ONLY
async def test_person_revoke_takes_access_away_at_once_and_the_audit_log_shows_it(
    demo_app: App, chat: Any, settings: Settings
) -> None:
    ref = await full_report(chat("anna"))
    alert = await alert_of(demo_app, ref)
    pia = chat("pia")
    assert "Tack – det är ditt" in await forge(pia, f"ack:{alert.id}")
    assert f"Ärende {ref}" in await pia.say(f"/arende {ref}")
    revoked = trygg(settings, "person", "revoke", "pia")
    assert revoked.returncode == 0, revoked.stderr
    assert "pia: role revoked" in revoked.stdout
    # her open keyboard, her references, her buttons: all refused from the next message on
    assert "Det ärendet är inte tillgängligt" in await press(pia, "case:followup")
    refused(await pia.say(f"/arende {ref}"))
    refused(await forge(pia, f"show:{alert.report_id}"))
    refused(await forge(pia, f"ack:{alert.id}"))
    refused(await forge(pia, f"call:{alert.id}"))
    assert ref not in await pia.say("/arenden")
    help_now = await pia.say("/akut")
    assert "112" in help_now and "Per Ek" not in help_now
    # reloading the organisation file does not quietly give a revoked contact her role back
    reloaded = trygg(settings, "org", "load", str(REPO / "bot" / "demo" / "org.yaml"))
    assert reloaded.returncode == 0, reloaded.stderr
    refused(await forge(pia, f"show:{alert.report_id}"))
    log = trygg(settings, "audit")
    assert log.returncode == 0, log.stderr
    lines = log.stdout.splitlines()
    assert any(re.fullmatch(r"\S+\toperator\trole_revoked\tpia", line) for line in lines), lines
    [opened] = [line for line in lines if line.endswith(f"\tpia\tcase_opened\t{ref}")]
    assert opened.startswith("2026-11-22T23:") and "+01:00\t" in opened, opened  # Stockholm
    assert not any(m in log.stdout for m in MARKERS) and WHAT not in log.stdout


@SQLITE_ONLY
async def test_keys_new_prints_a_key_and_keys_rotate_reencrypts_everything(
    demo_app: App, chat: Any, settings: Settings, clock: FakeClock
) -> None:
    ref = await full_report(chat("anna"))
    alert = await alert_of(demo_app, ref)
    new = trygg(settings, "keys", "new")
    assert new.returncode == 0, new.stderr
    line = new.stdout.strip()
    key_id, _, encoded = line.partition(":")
    assert re.fullmatch(r"[0-9a-zA-Z]{8}", key_id) and len(base64.b64decode(encoded)) == 32
    assert Keyring.parse(line).current == key_id
    rotated = trygg(settings, "keys", "rotate", TRYGG_KEYS=f"{line},{TEST_KEYS}")
    assert rotated.returncode == 0, rotated.stderr
    assert re.search(rf"Re-encrypted [1-9]\d* values under key {key_id}; 0 left\.", rotated.stdout)
    async with demo_app.db.unit_of_work() as session:
        for model, column, _pk in SEALED:
            col = getattr(model, column)
            for blob in (await session.scalars(select(col).where(col.is_not(None)))).all():
                assert Keyring.key_id_of(blob) == key_id
    assert ("operator", "keys_rotated", key_id) in [e[:3] for e in await audit(demo_app)]
    # the bot reads everything with the new key alone
    app = App.create(
        Settings(
            DATABASE_URL=settings.db_url,
            TRYGG_DATA_DIR=Path(settings.data_dir),
            TRYGG_DEFAULT_LOCALE="sv",
            TRYGG_KEYS=line,
        ),
        clock=clock,
    )
    try:
        shown = await Chat(app, "pia").press(f"show:{alert.report_id}", token="n")
        assert WHAT in shown and PERP in shown, shown
    finally:
        await app.close()
    # and without any configured key that opens the data, the CLI says so and stops
    wrong = trygg(settings, "keys", "rotate", TRYGG_KEYS=Keyring.new_key_line())
    assert wrong.returncode == 2 and "Encryption keys" in wrong.stderr, wrong
