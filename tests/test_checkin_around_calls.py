"""A check-in ("Hur mår du?") is not put to her around a follow-up call: on the day of a
booked call it comes a while after the call, not an hour before it; it follows the call when
the call is moved; a call held counts as her being asked; a time she chose is kept."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.app import App
from tests.conftest import FakeClock
from tests.test_case import Submitted, pending_timers
from tests.test_checkin_after_words import checkins
from tests.test_followup_calls import book_tuesday
from tests.test_followups import run_at, taken_monday

STOCKHOLM = ZoneInfo("Europe/Stockholm")
SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
ASKED = [("anna", "checkin_ask")]
REMINDED = [("pia", "followup_nudge")]


def at(*when: int) -> datetime:
    return datetime(2026, *when, tzinfo=STOCKHOLM)


async def test_no_check_in_on_the_day_of_her_booked_call(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    """Pia booked call 1 for Tuesday 14:00; Anna's day-1 check-in (Tuesday 10:00) came an
    hour before Pia rang, as if Trygg had forgotten the call."""
    case = await taken_monday(chat, clock)
    await book_tuesday(chat, case)
    # her case tells her when it will come: twelve hours after the call is in the quiet
    # hours, so Wednesday 08:00
    anna = chat("anna")
    view = await anna.say(f"/arende {case.ref}")
    assert "Nästa avstämning: onsdag 25 november kl. 08.00" in view, view
    asked = await anna.press("case:move")  # and so does the question to move it
    assert asked.startswith("Nästa avstämning är onsdag 25 november kl. 08.00."), asked
    await anna.press("case:view")
    assert await run_at(demo_app, clock, at(11, 24, 8, 0), case) == REMINDED
    assert await run_at(demo_app, clock, at(11, 24, 10, 0), case) == []
    assert await run_at(demo_app, clock, at(11, 24, 13, 0), case) == REMINDED
    assert await run_at(demo_app, clock, at(11, 24, 20, 0), case) == []
    assert min(checkins(await pending_timers(demo_app, case.id))) == at(11, 25, 8, 0)
    assert await run_at(demo_app, clock, at(11, 25, 8, 0), case) == ASKED


async def to_anna(app: App, clock: FakeClock, when: datetime, case: Submitted) -> list[object]:
    """Move the clock, run what is due, return what it sent Anna about the case."""
    return [sent for sent in await run_at(app, clock, when, case) if sent[0] == "anna"]


async def move_call(chat, case: Submitted, typed: str) -> None:  # type: ignore[no-untyped-def]
    pia = chat("pia")
    await pia.say(f"/arende {case.ref}")
    assert (await pia.press("case:book")).startswith("När ska uppföljningssamtal 1")
    moved = await pia.say(typed)
    assert moved.startswith("Bokat: uppföljningssamtal 1"), moved


async def next_checkin(chat, case: Submitted) -> str:  # type: ignore[no-untyped-def]
    view = str(await chat("anna").say(f"/arende {case.ref}"))
    return view.split("Nästa avstämning: ")[1].splitlines()[0]


@SQLITE_ONLY
async def test_the_check_in_follows_a_moved_call(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    """The call is moved to Thursday: the Tuesday check-in comes as planned. The day-7
    check-in waits for a call booked that morning, and for it again when it is moved to the
    afternoon."""
    case = await taken_monday(chat, clock)
    await book_tuesday(chat, case)
    assert await next_checkin(chat, case) == "onsdag 25 november kl. 08.00"
    await move_call(chat, case, "torsdag 14:00")
    assert await next_checkin(chat, case) == "i morgon kl. 10.00"
    assert await to_anna(demo_app, clock, at(11, 24, 10, 0), case) == ASKED

    await move_call(chat, case, "30/11 08:30")  # the morning of day 7 (Monday 10:00)
    assert await next_checkin(chat, case) == "måndag 30 november kl. 20.30"
    assert await to_anna(demo_app, clock, at(11, 30, 10, 0), case) == []
    assert min(checkins(await pending_timers(demo_app, case.id))) == at(11, 30, 20, 30)
    await move_call(chat, case, "i dag 15:00")  # after it had waited for the morning call
    assert await next_checkin(chat, case) == "i morgon kl. 08.00"
    assert await to_anna(demo_app, clock, at(11, 30, 20, 30), case) == []
    assert await to_anna(demo_app, clock, at(12, 1, 8, 0), case) == ASKED


@SQLITE_ONLY
async def test_a_call_held_is_how_she_was_asked(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    """Pia rang Anna on Tuesday morning without booking it, and documented the call: the
    check-in of 10:00 waits as it would after her own words."""
    case = await taken_monday(chat, clock)
    clock.now = at(11, 24, 9, 30)
    pia = chat("pia")
    await pia.say(f"/arende {case.ref}")
    await pia.press("case:followup")
    await pia.press("fu:today")
    await pia.say("Anna Berg och Pia Lind")
    await pia.say("Anna mår bättre.")
    await pia.press("fu:no")
    assert "dokumenterat" in await pia.press("fu:not_needed")
    await pia.press("next:none")
    assert await next_checkin(chat, case) == "i morgon kl. 08.00"
    assert await to_anna(demo_app, clock, at(11, 24, 10, 0), case) == []
    assert await to_anna(demo_app, clock, at(11, 25, 8, 0), case) == ASKED


@SQLITE_ONLY
async def test_a_time_she_chose_around_the_call_is_kept(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    """She moved her check-in to the morning of the call herself: it comes then."""
    case = await taken_monday(chat, clock)
    await book_tuesday(chat, case)
    anna = chat("anna")
    await anna.say(f"/arende {case.ref}")
    await anna.press("case:move")
    moved = await anna.say("i morgon kl 12")
    assert "i morgon kl. 12.00" in moved, moved
    assert await next_checkin(chat, case) == "i morgon kl. 12.00"
    assert await to_anna(demo_app, clock, at(11, 24, 12, 0), case) == ASKED
