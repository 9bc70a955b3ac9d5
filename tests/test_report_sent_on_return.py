"""Anna sent her report at night and closed the chat. Opening it again, she read "Här var vi:"
and the sent message as it was then: "Har ingen tagit den inom 2 timmar går den till Per
Ek.", after Pia had long taken it. She now sees her case as it is, with who has it: before
Pia takes it "Pia Lind har din rapport och hör av sig till dig.", after "Hanteras av: Pia
Lind, +46 70 174 06 11"; her case card says the same."""

from __future__ import annotations

from bot.app import App
from tests.conftest import FakeClock
from tests.golden import Transcript
from tests.test_alert_on_return import resumed
from tests.test_case import MONDAY_10, submit_report

WHERE = "Välkommen tillbaka. Här var vi:"


async def test_back_after_sending_she_sees_who_has_her_report(
    demo_app: App, clock: FakeClock
) -> None:
    t = Transcript("report_sent_on_return_sv", demo_app)
    clock.now = MONDAY_10
    case = await submit_report(t.person)
    t.note("Anna has sent her report and closes the chat; an hour later she opens it again")
    clock.advance(hours=1)
    again = await resumed(t, "anna")
    shown = "\n".join(reply.text for reply in again)
    assert again[0].text == WHERE, again
    assert f"Ärende {case.ref} – öppet" in shown, shown
    assert "Pia Lind har din rapport och hör av sig till dig." in shown, shown
    assert "inom 2 timmar" not in shown, shown
    t.note("Pia takes it; Anna comes back later")
    pia = t.person("pia")
    await pia.press(f"ack:{case.alert_id}")
    clock.advance(hours=1)
    again = await resumed(t, "anna")
    shown = "\n".join(reply.text for reply in again)
    assert "Hanteras av: Pia Lind, +46 70 174 06 11" in shown, shown  # whom she may call
    assert "går den till Per Ek" not in shown, shown
    t.check()
