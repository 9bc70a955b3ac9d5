"""A check-in ("Hur mår du?") does not come moments after she told us: one due soon after
she sent a report, wrote to her case or raised an alert, or was asked how she is, moves on
(to later, out of the quiet hours) instead of asking her now."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.app import App
from conversations.schedule import days_after
from tests.conftest import FakeClock
from tests.test_case import MONDAY_10, pending_timers, submit_report, take
from tests.test_followups import connect, run_at, taken_monday

STOCKHOLM = ZoneInfo("Europe/Stockholm")
SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def checkins(timers: list[tuple[str, object]]) -> list[object]:
    return [due for kind, due in timers if kind == "checkin"]


async def test_no_check_in_minutes_after_she_sent_a_new_report(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    """Anna's first case had its day-1 check-in at Tuesday 10:00; she sent a new report at
    09:50 and was asked "Hur mår du?" ten minutes later."""
    clock.now = MONDAY_10
    await connect(chat, "anna", "pia")
    first = await submit_report(chat, "anna", "party")
    await take(chat, "pia", first)
    due = days_after(MONDAY_10, 1)  # Tuesday 10:00
    clock.now = due - timedelta(minutes=10)
    second = await submit_report(chat, "anna", "party")
    assert await run_at(demo_app, clock, due, first) == []
    # twelve hours after her report is Tuesday 21:50, in the quiet hours: Wednesday 08:00
    wednesday_8 = datetime(2026, 11, 25, 8, 0, tzinfo=STOCKHOLM)
    assert min(checkins(await pending_timers(demo_app, first.id))) == wednesday_8
    assert await run_at(demo_app, clock, wednesday_8, first) == [("anna", "checkin_ask")]
    # the new case's own day-1 check-in (Wednesday 09:50) does not follow two hours after it
    assert await run_at(demo_app, clock, days_after(due - timedelta(minutes=10), 1), second) == []
    wednesday_20 = datetime(2026, 11, 25, 20, 0, tzinfo=STOCKHOLM)
    assert min(checkins(await pending_timers(demo_app, second.id))) == wednesday_20


@SQLITE_ONLY
async def test_no_check_in_just_after_she_wrote_to_her_case(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    case = await taken_monday(chat, clock)
    due = days_after(MONDAY_10, 1)  # Tuesday 10:00
    clock.now = due - timedelta(minutes=20)
    await chat("anna").say(f"/arende {case.ref}")
    said = await chat("anna").say("Han ringde igen i morse, jag sover dåligt")
    assert "sparat" in said.lower(), said
    # her case tells her when it will come, not the time it would have come
    view = await chat("anna").say(f"/arende {case.ref}")
    assert "Nästa avstämning: i morgon kl. 08.00" in view, view
    assert await run_at(demo_app, clock, due, case) == []
    later = due - timedelta(minutes=20) + timedelta(hours=12)  # Tuesday 21:40: quiet hours
    assert later.astimezone(STOCKHOLM).hour == 21
    wednesday_8 = datetime(2026, 11, 25, 8, 0, tzinfo=STOCKHOLM)
    assert min(checkins(await pending_timers(demo_app, case.id))) == wednesday_8
    # a day later with nothing new, it is asked
    assert await run_at(demo_app, clock, wednesday_8, case) == [("anna", "checkin_ask")]


@SQLITE_ONLY
async def test_a_time_she_chose_herself_is_kept(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    """She wrote to her case and moved her check-in to the afternoon: it comes then."""
    case = await taken_monday(chat, clock)
    anna = chat("anna")
    clock.now = days_after(MONDAY_10, 1) - timedelta(hours=1)  # Tuesday 09:00
    await anna.say(f"/arende {case.ref}")
    await anna.say("Det är lugnare nu")
    await anna.say(f"/arende {case.ref}")
    await anna.press("case:move")
    moved = await anna.say("i dag kl 14")
    assert "i dag kl. 14.00" in moved, moved
    two = datetime(2026, 11, 24, 14, 0, tzinfo=STOCKHOLM)
    assert await run_at(demo_app, clock, two, case) == [("anna", "checkin_ask")]
