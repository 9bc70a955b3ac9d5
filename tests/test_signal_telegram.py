"""One process, two channels: a person on Signal alerts a contact on Telegram and the
reverse, both bots on one runtime as `trygg run` runs them (bot.run_all)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.app import App
from tests.fakebotapi import FakeBotApi, fake_bot_api_fixture  # noqa: F401
from tests.fakesignal import FakeSignal
from tests.signal_harness import (  # noqa: F401
    SignalHarness,
    fake_signal_fixture,
    one_process,
)
from tests.telegram_harness import (  # noqa: F401
    TelegramHarness,
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
