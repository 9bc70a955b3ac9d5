"""Issue 16, logs: the Telegram transport at DEBUG, logging set up as `trygg run` sets it up,
through a whole report, an invite redemption, the alert and the contact taking it, writes
none of the answers, names, phone numbers, the invite code or the bot token anywhere."""

from __future__ import annotations

import pytest

from bot.app import App
from conversations.report.form import ReportStep as S
from storage.models import Role
from tests.fakebotapi import FakeBotApi, fake_bot_api_fixture  # noqa: F401
from tests.reporting import Script, write_report
from tests.telegram_harness import (  # noqa: F401
    TelegramHarness,
    TelegramWriter,
    telegram_app_fixture,
    wait_text,
)
from tests.test_privacy_logs import (  # noqa: F401
    assert_clean,
    configure_as_trygg_run,
    logging_restored_fixture,
)
from tests.test_trust import (
    EVIDENCE,
    EVIDENCE_CAPTION,
    EVIDENCE_NAME,
    FEELING,
    PERP,
    REF_RE,
    SQLITE_ONLY,
    WHAT,
    WHAT_MORE,
    WHERE,
    invite,
)

ANNA, PIA = 1001, 1002
TEXTS = {S.WHEN: WHERE, S.PERPETRATOR: PERP, S.EXPERIENCE: FEELING}


def ids(tg: TelegramHarness, chat: int) -> dict[str, tuple[int, str]]:
    """The latest keyboard's buttons: id -> (message id, callback data)."""
    message = tg.keyboard_message(chat)["message_id"]
    return {data.partition("|")[2]: (message, data) for _l, data in tg.fake.buttons(chat, message)}


async def press(tg: TelegramHarness, chat: int, button: str) -> list[str]:
    offered = ids(tg, chat)
    assert button in offered, f"{button!r} not offered: {sorted(offered)}"
    return await tg.press_data(chat, *offered[button])


async def report(tg: TelegramHarness, chat: int) -> str:
    """Write a full report with every distinctive answer and a file; return its reference."""
    script = Script(
        what=(WHAT, WHAT_MORE),
        answers=TEXTS,
        evidence=[(EVIDENCE, EVIDENCE_NAME, EVIDENCE_CAPTION)],
    )
    sent = await write_report(TelegramWriter(tg, chat), script)
    found = REF_RE.search(sent)
    assert found, sent
    return found.group(1)


@SQLITE_ONLY
async def test_the_telegram_bot_at_debug_logs_nothing_personal(
    logging_restored: None, tg_app: App, fake_bot_api: FakeBotApi, capfd: pytest.CaptureFixture[str]
) -> None:
    configure_as_trygg_run("DEBUG")  # TRYGG_LOG_LEVEL=DEBUG
    tg = TelegramHarness(tg_app, fake_bot_api)
    await tg.start()
    try:
        code = await invite(tg_app, Role.PARTY_SECURITY, person="pia")
        welcome = await tg.say(PIA, f"/start {code}")
        assert any("Välkommen till Trygg, Pia Lind." in text for text in welcome), welcome
        await tg.bind("anna", ANNA)
        ref = await report(tg, ANNA)
        alert = await wait_text(tg.fake, PIA, ref)
        assert "Anna Berg" in alert and "+46 70 174 06 10" in alert
        offered = ids(tg, PIA)  # the alert's buttons; taking it settles its keyboard
        [ack] = [data for button, data in offered.items() if button.startswith("ack:")]
        [show] = [data for button, data in offered.items() if button.startswith("show:")]
        taken = await tg.press_data(PIA, *ack)
        assert any("det är ditt" in text for text in taken), taken
        shown = await tg.press_data(PIA, *show)
        assert any("ZEBRA-FJORD-1138" in text for text in shown), shown
        await wait_text(tg.fake, ANNA, "Pia Lind")
    finally:
        await tg.stop()
    out, err = capfd.readouterr()
    logged = out + err
    assert_clean(logged)
    for secret in (code, code.replace("-", ""), tg.fake.token, tg.fake.token.split(":")[1]):
        assert secret not in logged, f"{secret!r} is in the log"
    assert "DEBUG bot." in logged  # Trygg's own loggers still speak at DEBUG
