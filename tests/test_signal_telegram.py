"""One process, two channels: a person on Signal alerts a contact on Telegram and the
reverse, both bots on one runtime as `trygg run` runs them (bot.run_all)."""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import AsyncIterator

import pytest

from bot.app import App
from bot.run_all import configured, run_configured
from tests.conftest import FakeClock
from tests.fakebotapi import FakeBotApi, fake_bot_api_fixture  # noqa: F401
from tests.fakesignal import FakeSignal
from tests.signal_harness import (  # noqa: F401
    SignalHarness,
    fake_signal_fixture,
    one_process,
    signal_settings,
)
from tests.telegram_harness import (  # noqa: F401
    TelegramHarness,
    eventually,
    telegram_app_fixture,
    wait_text,
)
from tests.test_signal_transport import ALERT_LABEL
from tests.test_trust import SQLITE_ONLY

PIA, ANNA = 2002, 2001


@pytest.fixture(name="both")
async def both_fixture(
    tg_app: App, fake_bot_api: FakeBotApi, fake_signal: FakeSignal
) -> AsyncIterator[tuple[TelegramHarness, SignalHarness]]:
    async with one_process(tg_app, fake_bot_api, fake_signal) as (tg, sg):
        # one runtime: one dispatcher, one timer runner, one waker for both channels
        assert tg.bot.runtime is sg.bot.runtime
        assert tg.bot.dispatcher is sg.bot.dispatcher
        assert sorted(tg.bot.runtime.channels) == ["signal", "telegram"]
        yield tg, sg


@SQLITE_ONLY
async def test_a_person_on_signal_alerts_a_contact_on_telegram_who_takes_it(
    both: tuple[TelegramHarness, SignalHarness],
) -> None:
    tg, sg = both
    await tg.bind("pia", PIA)
    await tg.say(PIA, "/meny")  # her chat with the bot exists (Telegram needs that)
    anna = await sg.bind("anna")
    await sg.say(anna, "akut")
    await sg.say(anna, sg.choices(anna)[ALERT_LABEL])
    alert = await wait_text(tg.fake, PIA, "BRÅDSKANDE")
    assert "Anna Berg" in alert
    taken = await tg.press(PIA, "Jag tar det")
    assert any("det är ditt" in t for t in taken), taken
    await sg.wait_text(anna, "Pia Lind har sett ditt larm")


@SQLITE_ONLY
async def test_a_person_on_telegram_alerts_a_contact_on_signal_who_takes_it(
    both: tuple[TelegramHarness, SignalHarness],
) -> None:
    tg, sg = both
    await tg.bind("anna", ANNA)
    pia = await sg.bind("pia")
    await tg.say(ANNA, "/akut")
    await tg.press(ANNA, ALERT_LABEL)
    await sg.wait_text(pia, "BRÅDSKANDE")
    taken = await sg.say(pia, sg.choices(pia)["Jag tar det"])
    assert any("det är ditt" in t for t in taken), taken
    await wait_text(tg.fake, ANNA, "Pia Lind har sett ditt larm")


@SQLITE_ONLY
async def test_trygg_run_serves_every_configured_channel_on_one_runtime_until_sigterm(
    tg_app: App, fake_bot_api: FakeBotApi, fake_signal: FakeSignal, clock: FakeClock
) -> None:
    app = App.create(signal_settings(tg_app.settings, fake_signal), clock=clock)
    try:
        process = configured(app)
        assert process.telegram is not None and process.signal is not None
        runtime = process.telegram.runtime
        assert process.signal.runtime is runtime
        assert process.signal.dispatcher is process.telegram.dispatcher is runtime.dispatcher
        assert sorted(runtime.lanes) == ["signal", "telegram"]  # one outbox sender each
        await process.signal.rpc.close()

        start = len(fake_bot_api.requests)
        running = asyncio.create_task(run_configured(app))
        await eventually(
            lambda: (
                any(r.method == "getUpdates" for r in fake_bot_api.requests[start:])
                and fake_signal.connections
            ),
            "both channels to read updates",
        )
        os.kill(os.getpid(), signal.SIGTERM)  # stops every intake, then the runtime
        await asyncio.wait_for(running, 10)
        await eventually(lambda: not fake_signal.connections, "the daemon connection to close")
    finally:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
        await app.close()
