"""A check-in held back past a booked call is planned again when the call is moved or called
off: it comes when it now would (after the new call, out of the quiet hours), not at the time
the old call had set; her case view and "Flytta avstämningen" say the new time, and a time she
chose herself is kept."""

from __future__ import annotations

import pytest

from bot.app import App
from tests.conftest import FakeClock
from tests.test_case import pending_timers
from tests.test_checkin_after_words import checkins
from tests.test_checkin_around_calls import ASKED, at, move_call, next_checkin, to_anna
from tests.test_followup_calls import book_tuesday
from tests.test_followups import taken_monday

SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@SQLITE_ONLY
async def test_a_held_check_in_comes_earlier_when_the_call_is_moved_earlier(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    """Call 1 at Tuesday 20:30: the check-in of Tuesday 10:00 waits till Wednesday 08:30.
    Pia moves the call to 19:00: it comes at 08:00, when the quiet hours end."""
    case = await taken_monday(chat, clock)
    await book_tuesday(chat, case, "tisdag 20:30")
    assert await to_anna(demo_app, clock, at(11, 24, 10, 0), case) == []  # held back
    assert min(checkins(await pending_timers(demo_app, case.id))) == at(11, 25, 8, 30)
    clock.now = at(11, 24, 10, 30)
    await move_call(chat, case, "i dag 19:00")
    assert await next_checkin(chat, case) == "i morgon kl. 08.00"
    anna = chat("anna")
    await anna.say(f"/arende {case.ref}")
    asked = await anna.press("case:move")  # "Flytta avstämningen" says it too
    assert asked.startswith("Nästa avstämning är i morgon kl. 08.00."), asked
    assert min(checkins(await pending_timers(demo_app, case.id))) == at(11, 25, 8, 0)
    assert await to_anna(demo_app, clock, at(11, 25, 8, 0), case) == ASKED


@SQLITE_ONLY
async def test_a_held_check_in_comes_when_due_once_the_call_moves_away(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    """The check-in of Tuesday 10:00 waited for the 14:00 call; the call moves to Thursday:
    she is asked now, not on Wednesday morning."""
    case = await taken_monday(chat, clock)
    await book_tuesday(chat, case)
    assert await to_anna(demo_app, clock, at(11, 24, 10, 0), case) == []
    clock.now = at(11, 24, 10, 30)
    await move_call(chat, case, "torsdag 14:00")
    assert await next_checkin(chat, case) == "i dag kl. 10.30"
    assert await to_anna(demo_app, clock, at(11, 24, 10, 30), case) == ASKED


@SQLITE_ONLY
async def test_a_held_check_in_moved_by_her_stays_where_she_put_it(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    """Held back for the call, then moved by Anna to Wednesday 12:00: the call moving away
    does not take her time from her."""
    case = await taken_monday(chat, clock)
    await book_tuesday(chat, case)
    assert await to_anna(demo_app, clock, at(11, 24, 10, 0), case) == []
    anna = chat("anna")
    await anna.say(f"/arende {case.ref}")
    await anna.press("case:move")
    assert "i morgon kl. 12.00" in await anna.say("onsdag kl 12")
    clock.now = at(11, 24, 10, 30)
    await move_call(chat, case, "torsdag 14:00")
    assert await next_checkin(chat, case) == "i morgon kl. 12.00"
    assert await to_anna(demo_app, clock, at(11, 24, 10, 30), case) == []


@SQLITE_ONLY
async def test_a_held_check_in_follows_the_call_when_it_is_documented_as_held_earlier(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    """The check-in of Tuesday 10:00 waited for the call booked at 14:00; Pia writes that she
    held it on Monday evening instead: no call is booked now, and the check-in comes twelve
    hours after that call, not on Wednesday morning."""
    case = await taken_monday(chat, clock)
    await book_tuesday(chat, case)
    assert await to_anna(demo_app, clock, at(11, 24, 10, 0), case) == []
    clock.now = at(11, 24, 10, 30)
    pia = chat("pia")
    await pia.say(f"/arende {case.ref}")
    await pia.press("case:followup")
    await pia.say("i går")
    await pia.say("Anna Berg och Pia Lind")
    await pia.say("Anna mår bättre.")
    await pia.press("fu:no")
    assert "dokumenterat" in await pia.press("fu:not_needed")
    await pia.press("next:none")
    assert await next_checkin(chat, case) == "i dag kl. 12.00"
    assert await to_anna(demo_app, clock, at(11, 24, 12, 0), case) == ASKED
