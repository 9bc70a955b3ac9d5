"""Pia is away: she hands Anna's case over to Per with follow-up call 2 booked. Per's
message said "Ett uppföljningssamtal med personen är bokat …": with whom, he had to open the
case to find out; it names Anna now. Per is reminded of the call, Anna sees it is with Per."""

from __future__ import annotations

from bot.app import App
from tests.conftest import FakeClock
from tests.golden import Transcript
from tests.test_transcripts_followup import at, reported


async def test_per_takes_over_a_booked_follow_up_call(demo_app: App, clock: FakeClock) -> None:
    case = await reported(demo_app, clock, "anna", "pia")
    t = Transcript("followup_handed_over_sv", demo_app)
    pia, anna = t.person("pia"), t.person("anna")
    await t.deliver()
    t.lines.clear()
    at(clock, 11, 24, 15, 0)
    await t.say(pia, f"/arende {case.ref}")
    await t.press(pia, "case:followup", "Dokumentera ett uppföljningssamtal")
    await t.press(pia, "fu:today", "I dag")
    await t.say(pia, "Anna Berg och Pia Lind")
    await t.say(pia, "Lugnare nu.")
    await t.press(pia, "fu:yes", "Ja")
    await t.press(pia, "fu:not_needed", "Behövs inte")
    await t.press(pia, "next:book", "Boka en tid")
    await t.say(pia, "8/12 kl 10")
    await t.deliver()
    t.note("Pia is away: she hands over to Per with call 2 booked")
    await t.say(pia, "lämna över")
    await t.say(pia, "1")
    await t.deliver()
    await t.say(anna, f"/arende {case.ref}")
    per = t.person("per")
    await t.say(per, f"/arende {case.ref}")
    for day in range(25, 31):
        at(clock, 11, day, 9, 0)
        await demo_app.timer_runner().run_due()
        await t.deliver()
    for day in range(1, 10):
        at(clock, 12, day, 9, 0)
        await demo_app.timer_runner().run_due()
        await t.deliver()
    said = t.text()
    assert (
        "Ett uppföljningssamtal med Anna Berg är bokat tisdag 8 december kl. 10.00: det är ditt nu."
        in said
    )
    assert "Uppföljningssamtal 2 med Per Ek: tisdag 8 december kl. 10.00" in said  # Anna's view
    assert (
        "bot → per:\n    Ärende REF-1: uppföljningssamtal 2 med Anna Berg om en timme, kl. 10.00."
        in said
    )
    t.check()
