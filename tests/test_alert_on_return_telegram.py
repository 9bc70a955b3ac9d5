"""On Telegram, a contact's next message after she was away, while an alert she was pushed
still waits untaken: the alert comes first, with its "Jag tar det", then her answer. It had
been her answer alone, the push far up the chat."""

from __future__ import annotations

import pytest

from tests.conftest import FakeClock
from tests.fakebotapi import fake_bot_api_fixture  # noqa: F401
from tests.telegram_harness import (  # noqa: F401
    TelegramHarness,
    telegram_app_fixture,
    telegram_fixture,
    wait_text,
)

ANNA, PIA = 1001, 1002
SQLITE = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@SQLITE
async def test_her_next_message_after_she_was_away_shows_the_alert_first(
    tg: TelegramHarness, clock: FakeClock
) -> None:
    await tg.bind("anna", ANNA)
    await tg.bind("pia", PIA)
    await tg.say(PIA, "/hjalp")
    clock.advance(hours=3)
    await tg.say(ANNA, "/akut")
    await tg.press(ANNA, "Larma Pia Lind")
    await wait_text(tg.fake, PIA, "BRÅDSKANDE")
    soon = await tg.say(PIA, "/arenden")  # the push is just above: not repeated
    assert not any("inte taget än" in text for text in soon), soon
    clock.advance(hours=1)  # nobody took it: it went on, and reminded her (a push)
    await wait_text(tg.fake, PIA, "Påminnelse: ingen har tagit det här än.")
    soon = await tg.say(PIA, "/hjalp")  # the reminder is just above: not repeated
    assert not any("inte taget än" in text for text in soon), soon
    clock.advance(hours=1)
    later = await tg.say(PIA, "/arenden")
    assert later[0].startswith("Larmet om Anna Berg från i dag kl. 02.00 är inte taget än."), later
    assert later[1].startswith("Öppna ärenden:"), later
    again = tg.fake.sent(PIA)[-2]  # the alert, before the list
    assert [label for label, _data in tg.fake.buttons(PIA, again["message_id"])] == [
        "Jag tar det",
        "Ring upp",
    ]
    taken = await tg.press(PIA, "Jag tar det", message_id=again["message_id"])
    assert any("Tack – det är ditt." in text for text in taken), taken
