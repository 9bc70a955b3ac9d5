"""A follow-up call planned for a day lands on a working day: "om en vecka" said on Friday 18
December was planned for juldagen, and "Om 2 veckor" on Thursday 10 December for julafton,
days nobody works; now both are planned for Monday 28 December. The times offered for a
booking skip the holidays too.

The reminders to book a call come on working days: a report on a Thursday had Pia asked to
book call 1 on the Saturday ("Nästa påminnelse: lördag 12 december kl. 09.00"), one on 22
December on julafton; now they come the next working day, at 08:00."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.app import App
from conversations.schedule import is_day_off, working_day
from tests.conftest import FakeClock
from tests.test_case import Submitted, submit_report, take
from tests.test_followup_day import SQLITE_ONLY, first_call_documented, row_of
from tests.test_followups import connect, run_at

FRIDAY_18_DEC = datetime(2026, 12, 18, 9, 0, tzinfo=UTC)  # 10:00 in Stockholm
THURSDAY_10_DEC = datetime(2026, 12, 10, 9, 0, tzinfo=UTC)
WEDNESDAY_23_DEC = datetime(2026, 12, 23, 9, 0, tzinfo=UTC)
STOCKHOLM = ZoneInfo("Europe/Stockholm")


@pytest.mark.parametrize(
    ("day", "worked"),
    [
        (date(2026, 12, 24), date(2026, 12, 28)),  # julafton, juldagen, annandag, a weekend
        (date(2026, 12, 25), date(2026, 12, 28)),
        (date(2026, 12, 26), date(2026, 12, 28)),
        (date(2026, 12, 31), date(2027, 1, 4)),  # nyårsafton, nyårsdagen, a weekend
        (date(2027, 1, 6), date(2027, 1, 7)),  # trettondedag jul
        (date(2027, 3, 26), date(2027, 3, 30)),  # långfredagen to annandag påsk
        (date(2027, 5, 6), date(2027, 5, 7)),  # Kristi himmelsfärdsdag
        (date(2026, 6, 19), date(2026, 6, 22)),  # midsommarafton
        (date(2029, 5, 1), date(2029, 5, 2)),  # första maj
        (date(2029, 6, 6), date(2029, 6, 7)),  # nationaldagen
        (date(2026, 12, 8), date(2026, 12, 8)),  # a Tuesday like any other
        (date(2026, 12, 23), date(2026, 12, 23)),
    ],
)
def test_a_day_nobody_works_moves_to_the_next_working_day(day: date, worked: date) -> None:
    assert working_day(day) == worked
    assert is_day_off(day) is (day != worked)


async def _asked_for_call_2(chat, clock: FakeClock, now: datetime):  # type: ignore[no-untyped-def]
    clock.now = now
    await connect(chat, "anna", "pia")
    case = await submit_report(chat, "anna", "party")
    await take(chat, "pia", case)
    pia = chat("pia")
    await first_call_documented(pia, case)
    return case, pia


@SQLITE_ONLY
async def test_in_a_week_on_juldagen_is_the_monday_after_jul(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    case, pia = await _asked_for_call_2(chat, clock, FRIDAY_18_DEC)
    planned = await pia.say("om en vecka")  # Friday 25 December: juldagen
    assert planned.startswith(
        "Uppföljningssamtal 2 är planerat till omkring måndag 28 december, utan tid än."
    ), planned
    assert (await row_of(demo_app, case, 2)).planned_day == date(2026, 12, 28)


@SQLITE_ONLY
async def test_in_two_weeks_on_julafton_is_the_monday_after_jul(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    case, pia = await _asked_for_call_2(chat, clock, THURSDAY_10_DEC)
    planned = await pia.press("next:14")  # Thursday 24 December: julafton
    assert planned.startswith(
        "Uppföljningssamtal 2 är planerat till omkring måndag 28 december, utan tid än."
    ), planned
    assert (await row_of(demo_app, case, 2)).planned_day == date(2026, 12, 28)


@SQLITE_ONLY
async def test_the_times_offered_before_jul_skip_the_holidays(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    _case, pia = await _asked_for_call_2(chat, clock, WEDNESDAY_23_DEC)
    await pia.press("next:book")
    assert [label for _id, label, _t in pia.buttons][:2] == [
        "måndag 28 december kl. 10.00",
        "tisdag 29 december kl. 14.00",
    ], pia.buttons


async def _reported(chat, clock: FakeClock, now: datetime) -> Submitted:  # type: ignore[no-untyped-def]
    """Anna reports at ``now``; Pia takes it at once."""
    clock.now = now
    await connect(chat, "anna", "pia")
    case = await submit_report(chat, "anna", "party")
    await take(chat, "pia", case)
    return case


def _nudges(sent: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [one for one in sent if one == ("pia", "followup_nudge")]


@SQLITE_ONLY
async def test_the_reminder_to_book_call_1_waits_for_monday(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    """Reported on Thursday 10 December: day 2 is a Saturday, day 10 a Sunday."""
    case = await _reported(chat, clock, THURSDAY_10_DEC)
    card = await chat("pia").say(f"/arende {case.ref}")
    assert "Nästa påminnelse: måndag 14 december kl. 08.00" in card, card
    saturday = datetime(2026, 12, 12, 10, 0, tzinfo=STOCKHOLM)
    assert _nudges(await run_at(demo_app, clock, saturday, case)) == []
    sunday = datetime(2026, 12, 13, 12, 0, tzinfo=STOCKHOLM)
    assert _nudges(await run_at(demo_app, clock, sunday, case)) == []
    monday = datetime(2026, 12, 14, 8, 0, tzinfo=STOCKHOLM)
    assert _nudges(await run_at(demo_app, clock, monday - timedelta(minutes=1), case)) == []
    assert _nudges(await run_at(demo_app, clock, monday, case)) == [("pia", "followup_nudge")]
    # "not documented yet" on day 10, Sunday 20 December: Monday 21 December
    sunday = datetime(2026, 12, 20, 10, 0, tzinfo=STOCKHOLM)
    assert _nudges(await run_at(demo_app, clock, sunday, case)) == []
    monday = datetime(2026, 12, 21, 8, 0, tzinfo=STOCKHOLM)
    assert _nudges(await run_at(demo_app, clock, monday, case)) == [("pia", "followup_nudge")]


@SQLITE_ONLY
async def test_the_reminder_to_book_call_1_skips_jul(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    """Reported on Tuesday 22 December: day 2 is julafton; the next working day is the 28th."""
    case = await _reported(chat, clock, datetime(2026, 12, 22, 9, 0, tzinfo=UTC))
    card = await chat("pia").say(f"/arende {case.ref}")
    assert "Nästa påminnelse: måndag 28 december kl. 08.00" in card, card
    for day in (24, 25, 26, 27):
        moment = datetime(2026, 12, day, 12, 0, tzinfo=STOCKHOLM)
        assert _nudges(await run_at(demo_app, clock, moment, case)) == [], day
    monday = datetime(2026, 12, 28, 8, 0, tzinfo=STOCKHOLM)
    assert _nudges(await run_at(demo_app, clock, monday, case)) == [("pia", "followup_nudge")]


@SQLITE_ONLY
async def test_a_reminder_late_from_a_friday_waits_for_monday(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    """Due on Friday 11 December at 10:00, the bot down until Saturday: not sent on the
    Saturday, but on Monday morning."""
    case = await _reported(chat, clock, datetime(2026, 12, 9, 9, 0, tzinfo=UTC))  # Wednesday
    card = await chat("pia").say(f"/arende {case.ref}")
    assert "Nästa påminnelse: fredag 11 december kl. 10.00" in card, card
    saturday = datetime(2026, 12, 12, 9, 30, tzinfo=STOCKHOLM)
    assert _nudges(await run_at(demo_app, clock, saturday, case)) == []
    card = await chat("pia").say(f"/arende {case.ref}")
    assert "Nästa påminnelse: måndag 14 december kl. 08.00" in card, card
    monday = datetime(2026, 12, 14, 8, 0, tzinfo=STOCKHOLM)
    assert _nudges(await run_at(demo_app, clock, monday, case)) == [("pia", "followup_nudge")]


@SQLITE_ONLY
async def test_a_day_later_from_a_friday_is_monday(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    """ "En dag senare" pressed for Friday's reminder put it on the Saturday."""
    case = await _reported(chat, clock, datetime(2026, 12, 9, 9, 0, tzinfo=UTC))  # Wednesday
    pia = chat("pia")
    await pia.say(f"/arende {case.ref}")
    await pia.press("case:move")
    moved = await pia.press("move:1")
    assert "Flyttat. Nästa påminnelse: måndag 14 december kl. 10.00" in moved, moved
    # a time she writes herself is kept, even on a Saturday
    await pia.press("case:move")
    moved = await pia.say("lördag 10:00")
    assert "Flyttat. Nästa påminnelse: lördag 12 december kl. 10.00" in moved, moved
    saturday = datetime(2026, 12, 12, 10, 0, tzinfo=STOCKHOLM)
    assert _nudges(await run_at(demo_app, clock, saturday, case)) == [("pia", "followup_nudge")]


@SQLITE_ONLY
async def test_the_unit_is_brought_in_on_a_working_day(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    """Reported on Thursday 10 December and call 1 never booked: day 14 is julafton, and Sara
    was brought onto the case that day; she is a municipal employee, so now on the 28th."""
    await connect(chat, "sara")
    case = await _reported(chat, clock, THURSDAY_10_DEC)
    for day in (24, 25, 26, 27):
        moment = datetime(2026, 12, day, 12, 0, tzinfo=STOCKHOLM)
        sent = await run_at(demo_app, clock, moment, case)
        assert ("sara", "followup_overdue") not in sent, (day, sent)
    monday = datetime(2026, 12, 28, 8, 0, tzinfo=STOCKHOLM)
    assert ("sara", "followup_overdue") in await run_at(demo_app, clock, monday, case)
