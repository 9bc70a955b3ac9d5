"""Pia and Per on Signal at 23:00: Anna's /akut alert with no report written.

Pia does not take it, it goes on to Per, who takes it in words; Pia wakes and answers her
old push by number and in words. Played through the real SignalBot and the fake
signal-cli daemon; compare with tests/transcripts/signal_night_akut_to_per_sv.txt.
"""

from __future__ import annotations

from bot.app import App
from tests.conftest import FakeClock
from tests.signal_harness import (  # noqa: F401
    SignalHarness,
    fake_signal_fixture,
    signal_app_fixture,
    signal_fixture,
)
from tests.test_transcripts_signal import SignalTranscript
from tests.test_trust import SQLITE_ONLY

READ = "Läs vad Anna Berg skrev"


@SQLITE_ONLY
async def test_pia_late_at_the_akut_per_took_reads_who_has_it_and_what_is_left(
    sg: SignalHarness, sg_app: App, clock: FakeClock
) -> None:
    """Pia's "1" (Jag tar det) at her old push, after Per took it, read only "Per Ek har
    redan tagit det.": not that nothing more was needed, nor how to reach Per, and nothing
    by number; her "jag tar det" after that got "Det finns inget larm som väntar på att du
    tar det" without saying who had it."""
    t = SignalTranscript("signal_night_akut_to_per_sv", sg)
    people = {h: await t.person(h) for h in ("anna", "pia", "per")}
    anna, pia, per = people["anna"], people["pia"], people["per"]
    t.note("23:00: Anna writes akut, what happens, and asks for the alert")
    await t.say(anna, "akut")
    await t.say(anna, "någon står utanför mitt hus")
    await t.say(anna, "larma")
    assert list(sg.choices(pia)) == ["Jag tar det", READ, "Ring upp"]
    t.note("Pia sleeps; ten minutes pass")
    clock.advance(minutes=11)
    await t.happen("the escalation is due", sg.bot.timers.run_due())
    t.note("Per takes it in words, then types as he goes")
    await t.say(per, "jag tar det")
    await t.say(per, "ringer henne nu")  # was passed over without a word: he thought it sent
    said = "\n".join(t.t.lines[-6:])
    assert "Det du skrev har inte skickats till Anna Berg." in said, said
    await t.say(per, "ok")
    assert "har inte skickats" not in "\n".join(t.t.lines[-6:])  # "ok" says nothing
    t.note("Pia wakes and answers her old push")
    await t.say(pia, "1")
    said = "\n".join(t.t.lines[-8:])
    assert "Per Ek har redan tagit det." in said
    assert "Du behöver inte göra något mer." in said
    assert "Ring Per Ek: +46 70 174 06 12" in said
    assert list(sg.choices(pia)) == [READ]
    await t.choose(pia, READ)
    await t.say(pia, "jag tar det")
    assert "Per Ek har redan tagit det." in "\n".join(t.t.lines[-8:])
    t.check()
