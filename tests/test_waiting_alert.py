"""Words from a contact an alert waits on: the alert again, not the menu. Pia typed "ok jag
ringer henne" under the push and read the menu; her "1" then raised her own alarm."""

from __future__ import annotations

from typing import Any

from bot.app import App
from tests.golden import delivered
from tests.reporting import offered
from tests.test_akut_after import pia_alerted


async def test_words_under_an_untaken_alert_show_it_again(chat: Any, demo_app: App) -> None:
    _anna, pia, alert = await pia_alerted(chat, demo_app)
    await delivered(demo_app)
    said = await pia.say("ok jag ringer henne")
    assert said.splitlines()[:3] == [
        "Larmet om Anna Berg från i dag kl. 23.00 är inte taget än.",
        "Tar du det? Tryck på ”Jag tar det”, så vet de andra.",
        "Ring Anna Berg: +46 70 174 06 10",
    ], said
    assert offered(pia)[:2] == [f"ack:{alert.id}", f"call:{alert.id}"]
    taken = await pia.press(offered(pia)[0])
    assert "det är ditt" in taken, taken
    # taken: her words get that alert and the number, not the menu (whose "1" raised her
    # own alarm on Signal)
    said = await pia.say("hon svarar inte")
    assert "Larmet om Anna Berg" not in said, said
    assert said.splitlines()[:2] == [
        "Du har larmet om Anna Berg.",
        "Ring Anna Berg: +46 70 174 06 10",
    ], said
    read = await pia.press(offered(pia)[0])  # "Läs vad Anna Berg skrev", not "Jag behöver hjälp"
    assert "Anna Berg har inte skrivit något med larmet." in read, read


async def test_whom_it_has_not_reached_sees_the_menu(chat: Any, demo_app: App) -> None:
    await pia_alerted(chat, demo_app)
    said = await chat("per").say("ok jag ringer henne")
    assert "Larmet om" not in said, said
