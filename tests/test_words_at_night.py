"""Routine in the quiet hours waits for the morning: calm words she writes to her case
reach its handlers then (words that may tell of danger, at once), and a case closed at
night is told then."""

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


async def test_a_case_closed_at_night_is_told_in_the_morning(
    chat: Any, demo_app: App, clock: FakeClock
) -> None:
    """Pia closed the case at 23:30 and Anna was woken by "Ditt ärende … är avslutat"."""
    pia = chat("pia")
    case = await submit_report(chat)
    await ack(pia, case.alert_id)
    await chat("anna").say("/hjalp")
    await delivered(demo_app)
    clock.advance(minutes=30)
    await pia.say(f"/arende {case.ref}")
    for button in ("case:close", "close:confirm", "applied:yes", "close:skip", "close:skip"):
        await pia.press(button)
    assert not [t for to, t in await delivered(demo_app) if to == "anna"]
    clock.advance(hours=9)  # 08:30 in Stockholm
    await demo_app.timer_runner().run_due()
    [told] = [t for to, t in await delivered(demo_app) if to == "anna"]
    assert f"Ditt ärende {case.ref} är avslutat av Pia Lind." in told, told
