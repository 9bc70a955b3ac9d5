"""Long words written in a case are kept whole: a note over 10,000 characters was refused and
what was written was lost."""

from __future__ import annotations

from bot.app import App
from tests.conftest import FakeClock
from tests.test_case_check import the_unit_case


async def test_a_long_message_to_the_person_is_sent_whole(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    """A note over 10,000 characters was refused ("högst 10000 tecken") and Pia had to write
    it all again: it is kept whole, and Anna reads it whole."""
    case = await the_unit_case(chat, clock)
    pia, anna = chat("pia"), chat("anna")
    long = "".join(f"Punkt {n}: lås dörren och ring mig om något händer. " for n in range(250))
    assert len(long) > 10_000
    await pia.say(f"/arende {case.ref}")
    await pia.press("case:note")
    kept = await pia.say(long + "Hör av dig.")
    assert kept.startswith("Sparad som intern anteckning: Anna Berg ser den inte."), kept[:200]
    sent = await pia.press("note:send")
    assert sent.startswith("Skickat till Anna Berg.")
    seen = await anna.say(f"/arende {case.ref}")
    assert "Punkt 249: lås dörren och ring mig om något händer. Hör av dig." in seen
