"""Pia on Signal with two of Anna's alerts: her report, then minutes later /akut.

On Signal there are no buttons and only the newest message's numbered choices count: after
each message Pia reads she can reach by number what she could reach on Telegram at that
point (there the earlier messages' buttons still work). Played through the real SignalBot
and the fake signal-cli daemon; compare with tests/transcripts/signal_two_alerts_*_sv.txt.
"""

from __future__ import annotations

from sqlalchemy import select

from bot.app import App
from storage.models import Report
from tests.conftest import FakeClock
from tests.fakesignal import Person
from tests.reporting import Script, write_report
from tests.signal_harness import (  # noqa: F401
    SignalHarness,
    fake_signal_fixture,
    signal_app_fixture,
    signal_fixture,
)
from tests.test_signal_transport import SignalWriter
from tests.test_transcripts_signal import SignalTranscript
from tests.test_trust import SQLITE_ONLY

READ, WRITE = "Läs vad Anna Berg skrev", "Skriv till Anna Berg"


async def _both_alerts(
    t: SignalTranscript, sg: SignalHarness, clock: FakeClock, take_first: bool = False
) -> dict[str, Person]:
    """Anna sends her report, then minutes later writes akut and what happens; Pia gets
    both (``take_first``: Pia takes the report by its number before the akut)."""
    clock.advance(hours=12)  # a weekday morning: her report's alert goes out at once
    people = {handle: await t.person(handle) for handle in ("anna", "pia", "per", "sara")}
    anna, pia = people["anna"], people["pia"]
    t.note("Anna sends her report (her side not shown); Pia gets its alert")
    shown = len(t.t.lines)
    await write_report(SignalWriter(sg, anna), Script(typed=True))
    await t.settle()
    t.t.lines[shown:] = _only(t.t.lines[shown:], "pia")
    if take_first:
        t.note("Pia takes the report by its number")
        await t.choose(pia, "Jag tar det")
        assert list(sg.choices(pia)) == [await _case(sg)]
    t.note("Minutes later someone is outside her house: Anna writes akut, then what happens")
    clock.advance(minutes=3)
    await t.say(anna, "akut")
    await t.say(anna, "någon står utanför mitt hus")
    await t.say(anna, "larma")
    return people


async def _case(sg: SignalHarness) -> str:
    """The label of the choice that opens Anna's case."""
    async with sg.app.db.unit_of_work() as session:
        (ref,) = (await session.scalars(select(Report.ref))).all()
        return f"Öppna ärende {ref}"


def _only(lines: list[str], handle: str) -> list[str]:
    """The messages sent to one person among these lines."""
    kept, keep = [], False
    for line in lines:
        if line.startswith("bot → "):
            keep = line == f"bot → {handle}:"
        kept += [line] if keep and not line.startswith(f"{handle}>") else []
    return kept


@SQLITE_ONLY
async def test_taking_the_akut_then_her_report_keeps_read_and_write_a_number_away(
    sg: SignalHarness, sg_app: App, clock: FakeClock
) -> None:
    """Taken the newer first, then "ta det också": the "Tack" offered only "Öppna ärende",
    and "Läs vad Anna Berg skrev" and "Skriv till Anna Berg" of the alert taken before
    could no longer be reached by number (on Telegram their buttons still work)."""
    t = SignalTranscript("signal_two_alerts_akut_taken_first_sv", sg)
    pia = (await _both_alerts(t, sg, clock))["pia"]
    case = await _case(sg)
    t.note("Pia takes in words: the alert first, then her report")
    await t.say(pia, "Jag tar det")
    assert list(sg.choices(pia)) == [READ, WRITE, "Ta det också"]
    # which of her two messages is meant: the report's case, not "ett öppet larm" alone
    ref = case.removeprefix("Öppna ärende ")
    offer = f"Anna Berg har också ett öppet larm om ärende {ref} från i dag kl. 11.00"
    assert offer in "\n".join(t.t.lines[-12:])
    await t.say(pia, "ta det också")
    assert list(sg.choices(pia)) == [case, READ, WRITE]
    t.note("Pia writes to Anna, then opens the case, by their numbers")
    await t.choose(pia, WRITE)
    await t.say(pia, "Jag ringer dig nu.")
    assert list(sg.choices(pia)) == [case, READ, WRITE]  # not the prompt's "Avbryt"
    await t.choose(pia, case)
    t.check()


@SQLITE_ONLY
async def test_taking_her_report_then_the_akut_keeps_the_case_a_number_away(
    sg: SignalHarness, sg_app: App, clock: FakeClock
) -> None:
    """The report taken first, then the akut: its "Tack" offered "Läs" and "Skriv till"
    only, and "Öppna ärende REF-1" of the report taken before was lost; after writing to
    her, the prompt's "Avbryt" was the only number left. The akut's push, before she takes
    it, offered no "Öppna ärende" either, though its numbers are the only ones that count."""
    t = SignalTranscript("signal_two_alerts_report_taken_first_sv", sg)
    pia = (await _both_alerts(t, sg, clock, take_first=True))["pia"]
    case = await _case(sg)
    assert list(sg.choices(pia)) == ["Jag tar det", READ, case, "Ring upp"]
    t.note("Pia takes the alert by its number, writes to Anna and opens the case")
    await t.choose(pia, "Jag tar det")
    assert list(sg.choices(pia)) == [case, READ, WRITE]
    await t.choose(pia, WRITE)
    await t.say(pia, "Jag ringer dig nu.")
    assert list(sg.choices(pia)) == [case, READ, WRITE]
    await t.choose(pia, case)
    t.check()


@SQLITE_ONLY
async def test_escalated_to_per_and_pia_late_with_an_old_number(
    sg: SignalHarness, sg_app: App, clock: FakeClock
) -> None:
    """Pia does not answer: both alerts go on to Per, who takes them by number; Pia's
    "1" from her old alert and a number that was never offered are answered kindly."""
    t = SignalTranscript("signal_two_alerts_to_per_sv", sg)
    people = await _both_alerts(t, sg, clock)
    pia, per, case = people["pia"], people["per"], await _case(sg)
    t.note("Pia does not answer; ten minutes pass")
    clock.advance(minutes=11)
    await t.happen("the escalation is due", sg.bot.timers.run_due())
    t.note("Per takes the alert by its number, then her report too")
    await t.choose(per, "Jag tar det")
    # Pia is told which is still waiting as its taking is told: by its case
    ref = case.removeprefix("Öppna ärende ")
    still = f"Larmet om ärende {ref}, i dag kl. 11.00, väntar fortfarande på att någon tar det."
    assert still in "\n".join(t.t.lines[-12:])
    await t.choose(per, "Ta det också")
    assert list(sg.choices(per)) == [case, READ, WRITE]
    t.note("Pia wakes and types the number of 'Jag tar det' in the alert she got")
    await t.say(pia, "1")
    assert "Per Ek har redan tagit det." in "\n".join(t.t.lines[-6:])
    assert list(sg.choices(pia)) == [case]  # what is left to her, not a dead "Jag tar det"
    await t.say(pia, "9")
    t.check()
