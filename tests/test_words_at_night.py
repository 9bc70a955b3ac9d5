"""Calm words she writes to her case in the quiet hours reach its handlers in the morning;
words that may tell of danger, at once."""

from __future__ import annotations

from typing import Any

from bot.app import App
from tests.conftest import FakeClock
from tests.golden import delivered
from tests.test_alerts import ack, submit_report


async def test_calm_words_in_the_night_reach_her_contact_in_the_morning(
    chat: Any, demo_app: App, clock: FakeClock
) -> None:
    """ "sover dåligt" written at 02:00 woke Pia with "Anna Berg har skrivit till dig";
    words that may tell of danger still reach her at once."""
    anna, pia = chat("anna"), chat("pia")
    case = await submit_report(chat)
    await ack(pia, case.alert_id)
    await delivered(demo_app)
    clock.advance(hours=3)  # 02:00 in Stockholm
    said = await anna.say("Jag sover dåligt efter det här")
    assert "Pia Lind" in said, said  # she is told who will see it
    assert not [t for to, t in await delivered(demo_app) if to == "pia"]
    await anna.say("han står utanför dörren nu")
    [urgent] = [t for to, t in await delivered(demo_app) if to == "pia"]
    assert "Läs det nu" in urgent, urgent
    clock.advance(hours=6)  # 08:00 in Stockholm: the quiet hours are over
    await demo_app.timer_runner().run_due()
    [morning] = [t for to, t in await delivered(demo_app) if to == "pia"]
    assert morning.startswith(f"Ärende {case.ref}: Anna Berg har skrivit till dig."), morning
