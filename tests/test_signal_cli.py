"""`trygg run` starts Signal when TRYGG_SIGNAL_RPC is set (and says what is missing when
nothing is); `trygg invite create --channel signal` prints what the person sends."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys

from bot.app import App
from bot.settings import Settings
from tests.conftest import REPO, TEST_KEYS
from tests.fakesignal import FakeSignal
from tests.test_trust import SQLITE_ONLY
from tests.test_trust_cli import CODE, trygg


@SQLITE_ONLY
async def test_run_without_any_transport_says_what_to_set(
    demo_app: App, settings: Settings
) -> None:
    done = trygg(settings, "run")
    assert done.returncode == 2
    assert "TELEGRAM_BOT_TOKEN" in done.stderr and "TRYGG_SIGNAL_RPC" in done.stderr


@SQLITE_ONLY
async def test_invite_for_signal_prints_the_code_and_what_to_send(
    demo_app: App, settings: Settings
) -> None:
    created = trygg(
        settings,
        "invite", "create", "--role", "official", "--municipality", "sjovik", "--party", "gp",
        "--channel", "signal", TRYGG_SIGNAL_ACCOUNT="+46700000000",
    )  # fmt: skip
    assert created.returncode == 0, created.stderr
    code = re.search(rf"Code: ({CODE})", created.stdout)
    assert code, created.stdout
    assert f"start {code.group(1)}" in created.stdout
    assert "+46700000000" in created.stdout and "t.me" not in created.stdout


@SQLITE_ONLY
async def test_run_with_only_signal_answers_on_signal_and_stops_on_sigterm(
    demo_app: App, settings: Settings
) -> None:
    async with FakeSignal() as fake:
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("TRYGG_", "TELEGRAM_")) and k != "DATABASE_URL"
        }
        env |= {
            "PYTHONPATH": str(REPO),
            "TRYGG_DATA_DIR": str(settings.data_dir),
            "DATABASE_URL": settings.db_url,
            "TRYGG_KEYS": TEST_KEYS,
            "TRYGG_SIGNAL_RPC": fake.address,
        }
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.cli", "run",
            cwd=settings.data_dir, env=env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        try:
            await asyncio.wait_for(fake.connected.wait(), 30)
            someone = fake.person()
            await fake.push_text(someone, "akut")
            [sent] = await fake.wait_for_request("send", timeout=30)
            assert sent["params"]["recipient"] == [someone.aci]
            assert "112" in sent["params"]["message"]
        finally:
            proc.send_signal(signal.SIGTERM)
            _out, err = await asyncio.wait_for(proc.communicate(), 30)
        assert proc.returncode == 0, err.decode()
        assert b"Traceback" not in err
        fake.assert_valid()
