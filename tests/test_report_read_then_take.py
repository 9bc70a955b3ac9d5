"""Pia, woken by Anna's report at night, presses "Visa rapporten" on the push and reads it
whole. The report came with no button under it: to take it she had to scroll back up to the
push. It now ends with [Jag tar det] while it waits for her, and with [Öppna ärende] once
someone has it; a reader who may not act on the alert gets no button to take it."""

from __future__ import annotations

from typing import Any

from bot.app import App
from tests.conftest import Chat, FakeClock
from tests.golden import Transcript
from tests.test_case import MONDAY_10, submit_report


async def test_the_report_read_from_the_push_can_be_taken_where_it_ends(
    chat: Any, demo_app: App, clock: FakeClock
) -> None:
    clock.now = MONDAY_10
    case = await submit_report(chat)
    pia: Chat = chat("pia")
    read = await pia.press(f"show:{case.id}")
    assert read.startswith(f"Incidentrapport {case.ref}"), read
    assert read.endswith("[1] Jag tar det"), read
    assert (f"ack:{case.alert_id}", "Jag tar det") in [(i, label) for i, label, _t in pia.buttons]
    taken = await pia.say("Jag tar det")
    assert taken.startswith("Tack – det är ditt."), taken
    again = await pia.press(f"show:{case.id}")
    assert again.endswith(f"[1] Öppna ärende {case.ref}"), again


async def test_her_own_report_has_no_button_to_take_it(
    chat: Any, demo_app: App, clock: FakeClock
) -> None:
    clock.now = MONDAY_10
    case = await submit_report(chat)
    anna: Chat = chat("anna")
    read = await anna.press(f"show:{case.id}")
    assert "Jag tar det" not in read and "Öppna ärende" not in read, read


async def test_pia_reads_then_takes_at_night(demo_app: App, clock: FakeClock) -> None:
    t = Transcript("report_read_then_take_sv", demo_app)
    clock.now = MONDAY_10
    case = await submit_report(t.person)
    t.note("Anna has sent her report; at night Pia presses [Visa rapporten] on its push")
    pia = t.person("pia")
    await t.press(pia, f"show:{case.id}", "Visa rapporten")
    await t.say(pia, "Jag tar det")
    t.check()
