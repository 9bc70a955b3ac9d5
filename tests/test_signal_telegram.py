"""One process, two channels: a person on Signal alerts a contact on Telegram and the
reverse, both bots on one runtime as `trygg run` runs them (bot.run_all); a report with
a photo written on one channel is read, file and all, on the other. On SQLite and
PostgreSQL."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import os
import signal
import socket
from collections.abc import AsyncIterator

import httpx
import pytest

from bot.app import App
from bot.run_all import configured, run_configured
from tests.conftest import FakeClock
from tests.fakebotapi import FakeBotApi, fake_bot_api_fixture  # noqa: F401
from tests.fakesignal import FakeSignal
from tests.reporting import SKIPPED, Script, write_report
from tests.signal_harness import (  # noqa: F401
    SignalHarness,
    fake_signal_fixture,
    one_process,
    signal_settings,
)
from tests.telegram_harness import (  # noqa: F401
    TelegramHarness,
    TelegramWriter,
    eventually,
    telegram_app_fixture,
    wait_text,
)
from tests.test_case_reading_telegram import offered
from tests.test_signal_transport import ALERT_LABEL, SignalWriter
from tests.test_trust import REF_RE, SQLITE_ONLY, WHAT

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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@SQLITE_ONLY
async def test_trygg_run_serves_every_configured_channel_on_one_runtime_until_sigterm(
    tg_app: App, fake_bot_api: FakeBotApi, fake_signal: FakeSignal, clock: FakeClock
) -> None:
    port = free_port()
    web = {"web_url": "https://trygg.example.se", "web_port": port}
    app = App.create(
        signal_settings(tg_app.settings, fake_signal).model_copy(update=web), clock=clock
    )
    try:
        process = configured(app)
        assert process.telegram is not None and process.signal is not None
        assert process.web is not None  # TRYGG_WEB_URL set: the console runs beside them
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
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            for _ in range(100):
                with contextlib.suppress(httpx.TransportError):
                    page = await client.get("/login/abc")
                    break
                await asyncio.sleep(0.05)
            assert page.status_code == 200 and "Logga in" in page.text
            assert page.headers["x-frame-options"] == "DENY"
        os.kill(os.getpid(), signal.SIGTERM)  # stops every intake, then the runtime
        await asyncio.wait_for(running, 10)
        await eventually(lambda: not fake_signal.connections, "the daemon connection to close")
        with pytest.raises(httpx.TransportError):  # the console stopped with the bots
            async with httpx.AsyncClient() as client:
                await client.get(f"http://127.0.0.1:{port}/login/abc")
    finally:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
        await app.close()


PHOTO = b"\x89PNG\r\n\x1a\n" + b"bilen vid grinden, registreringsnummer syns " * 30
SHA = hashlib.sha256(PHOTO).hexdigest()
SCRIPT = dict(what=(WHAT,), skip=SKIPPED, evidence=[(PHOTO, "bilen.png", "Bilen vid grinden")])


async def test_a_report_with_a_photo_on_signal_is_read_with_its_file_on_telegram(
    both: tuple[TelegramHarness, SignalHarness],
) -> None:
    tg, sg = both
    await tg.bind("pia", PIA)
    tg.fake.add_chat(PIA)
    anna = await sg.bind("anna")
    sent = await write_report(SignalWriter(sg, anna), Script(**SCRIPT))  # type: ignore[arg-type]
    found = REF_RE.search(sent)
    assert found, sent
    await wait_text(tg.fake, PIA, found.group(1))
    buttons = offered(tg, PIA)
    [ack] = [data for button, data in buttons.items() if button.startswith("ack:")]
    [show] = [data for button, data in buttons.items() if button.startswith("show:")]
    await tg.press_data(PIA, *ack)
    await sg.wait_text(anna, "Pia Lind")  # told on Signal who took it
    pieces = await tg.press_data(PIA, *show)
    assert WHAT in "\n".join(pieces) and f"SHA-256 {SHA}" in pieces[-1], pieces
    [open_file] = [data for b, data in offered(tg, PIA).items() if b.startswith("ev_open:")]
    start = len(tg.fake.requests)
    await tg.press_data(PIA, *open_file)
    await tg.fake.wait_for("sendDocument", after=start)
    document = tg.fake.sent(PIA)[-1]["document"]
    assert tg.fake.file_content(document["file_id"]) == PHOTO  # the bytes sent on Signal


async def test_a_report_with_a_photo_on_telegram_is_read_with_its_file_on_signal(
    both: tuple[TelegramHarness, SignalHarness],
) -> None:
    tg, sg = both
    await tg.bind("anna", ANNA)
    pia = await sg.bind("pia")
    sent = await write_report(TelegramWriter(tg, ANNA), Script(**SCRIPT))  # type: ignore[arg-type]
    found = REF_RE.search(sent)
    assert found, sent
    await sg.wait_text(pia, found.group(1))
    await eventually(lambda: "Jag tar det" in sg.choices(pia), "the alert's choices")
    taken = await sg.say(pia, sg.choices(pia)["Jag tar det"])
    assert any("det är ditt" in t for t in taken), taken
    await wait_text(tg.fake, ANNA, "Pia Lind")
    show = [n for n, b in enumerate(sg.button_ids(pia), 1) if b.startswith("show:")]
    if not show:  # the reply to "take it" offered other choices: the alert still shows it
        await sg.say(pia, f"/arende {found.group(1)}")
        show = [n for n, b in enumerate(sg.button_ids(pia), 1) if b.startswith("show:")]
    pieces = await sg.say(pia, str(show[0]))
    assert WHAT in "\n".join(pieces) and SHA in "\n".join(pieces), pieces
    [number] = [n for n, b in enumerate(sg.button_ids(pia), 1) if b.startswith("ev_open:")]
    await sg.say(pia, str(number))
    [uri] = sg.sends(pia)[-1]["attachment"]
    assert base64.b64decode(uri.partition(";base64,")[2]) == PHOTO  # the bytes sent on Telegram


async def test_a_contact_on_both_channels_gets_the_alert_on_both_and_one_take_settles_it(
    both: tuple[TelegramHarness, SignalHarness],
) -> None:
    tg, sg = both
    await tg.bind("pia", PIA)
    await tg.say(PIA, "/meny")
    pia = await sg.bind("pia")
    anna = await sg.bind("anna")
    await sg.say(anna, "akut")
    await sg.say(anna, sg.choices(anna)[ALERT_LABEL])
    await wait_text(tg.fake, PIA, "BRÅDSKANDE")
    await sg.wait_text(pia, "BRÅDSKANDE")
    await eventually(lambda: "Jag tar det" in sg.choices(pia), "the alert's choices")
    taken = await sg.say(pia, sg.choices(pia)["Jag tar det"])
    assert any("det är ditt" in t for t in taken), taken
    again = await tg.press(PIA, "Jag tar det")  # the same alert on Telegram: already hers
    assert again and not any("det är ditt" in t for t in again), again
    await sg.wait_text(anna, "Pia Lind har sett ditt larm")  # the outbox sends it on its own
    told = [t for t in sg.texts(anna) if "Pia Lind har sett ditt larm" in t]
    assert len(told) == 1, told  # once: the second take settled nothing new
