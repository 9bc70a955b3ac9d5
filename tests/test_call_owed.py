"""Her ask for a call outlives the case being closed: closing says it is owed and does
not call it off; nobody more alerted had been a promise broken."""

from __future__ import annotations

from typing import Any

from bot.app import App
from conversations.notices import NOTICE_TOKEN
from tests.conftest import FakeClock
from tests.golden import delivered
from tests.reporting import offered
from tests.test_alerts import ack, submit_report

CLOSE = ("case:close", "close:confirm", "applied:yes", "close:skip", "close:skip")


async def test_a_call_she_asked_for_is_owed_after_the_case_is_closed(
    chat: Any, demo_app: App, clock: FakeClock
) -> None:
    """Anna pressed "Ja, ring mig"; Pia closed the case without taking it; Anna read "Om
    ingen tar det inom 10 minuter larmar jag Per Ek", and nobody was ever alerted."""
    anna, pia = chat("anna"), chat("pia")
    await chat("per").say("/arenden")  # Per's chat is known, so an alert reaches it
    case = await submit_report(chat)
    await ack(pia, case.alert_id)
    clock.advance(days=1, hours=11)  # Tuesday 10:00, by day
    asked = await anna.press(f"checkin:{case.id}:yes", token=NOTICE_TOKEN)
    assert "larmar jag Per Ek" in asked, asked
    await delivered(demo_app)
    await pia.say(f"/arende {case.ref}")
    closing = await pia.press("case:close")
    assert closing.startswith(
        "Anna Berg bad om ett samtal i dag kl. 10.00, och ingen har tagit det än.\n"
        "Att avsluta ärendet tar inte bort det.\n"
    ), closing
    for button in CLOSE[1:]:
        await pia.press(button)
    [closed] = [text for to, text in await delivered(demo_app) if to == "anna"]
    assert "Du bad om ett samtal: det står kvar, någon ringer dig." in closed, closed
    clock.advance(minutes=11)
    await demo_app.timer_runner().run_due()
    to_per = [text for to, text in await delivered(demo_app) if to == "per"]
    assert any("vill att någon ringer" in text for text in to_per), to_per


async def test_the_call_can_be_taken_from_the_closing_question(
    chat: Any, demo_app: App, clock: FakeClock
) -> None:
    anna, pia = chat("anna"), chat("pia")
    case = await submit_report(chat)
    await ack(pia, case.alert_id)
    await anna.press(f"checkin:{case.id}:yes", token=NOTICE_TOKEN)
    await pia.say(f"/arende {case.ref}")
    await pia.press("case:close")
    [call_ack] = [b for b in offered(pia) if b.startswith("ack:")]
    assert "det är ditt" in await pia.press(call_ack)
    await pia.say(f"/arende {case.ref}")
    closing = await pia.press("case:close")
    assert "bad om ett samtal" not in closing, closing
