"""A day typed for a follow-up call that nobody works on: "24/12", "25 december" or "lördag"
was kept as written, with no word that it is julafton or a Saturday. Now she is told in one
line, and offered the next working day or her own day (typed answers count too)."""

from __future__ import annotations

from datetime import date, time

import pytest

from bot.app import App
from conversations.followups import FOLLOWUP_DUE
from conversations.schedule import holiday_name, on_day
from tests.conftest import FakeClock
from tests.test_followup_day import SQLITE_ONLY, row_of, timers_of
from tests.test_followup_day_moves import MONDAY_7_DEC, _in_english, _planned_for_tuesday
from tests.test_followup_days_off import _asked_for_call_2
from tests.test_followups import run_at

JULAFTON_SV = (
    "Torsdag 24 december är julafton.\nVill du planera samtal 2 till måndag 28 december i stället?"
)


@SQLITE_ONLY
async def test_julafton_typed_is_said_and_kept_if_she_wants(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    case, pia = await _asked_for_call_2(chat, clock, MONDAY_7_DEC)
    asked = await pia.say("24/12")
    assert asked == JULAFTON_SV + "\n[1] Måndag 28 december  [2] Behåll 24 december", asked
    assert [(i, label) for i, label, _t in pia.buttons] == [
        ("dayoff:next", "Måndag 28 december"),
        ("dayoff:keep", "Behåll 24 december"),
    ]
    kept = await pia.press("dayoff:keep")
    assert kept.startswith(
        "Uppföljningssamtal 2 är planerat till omkring torsdag 24 december, utan tid än. "
        "Jag påminner dig på morgonen den dagen"
    ), kept
    assert (await row_of(demo_app, case, 2)).planned_day == date(2026, 12, 24)
    # her day, kept: reminded that morning, as she was told (not moved past it)
    morning = on_day(date(2026, 12, 24), time(8))
    assert await timers_of(demo_app, case) == [(FOLLOWUP_DUE, morning)]
    assert ("pia", "followup_nudge") in await run_at(demo_app, clock, morning, case)


@SQLITE_ONLY
async def test_the_next_working_day_is_taken(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    case, pia = await _asked_for_call_2(chat, clock, MONDAY_7_DEC)
    asked = await pia.say("25 december")
    assert asked.startswith(
        "Fredag 25 december är juldagen.\n"
        "Vill du planera samtal 2 till måndag 28 december i stället?"
    ), asked
    planned = await pia.press("dayoff:next")
    assert planned.startswith(
        "Uppföljningssamtal 2 är planerat till omkring måndag 28 december, utan tid än."
    ), planned
    assert "Ändra dagen för samtal 2" in planned
    assert (await row_of(demo_app, case, 2)).planned_day == date(2026, 12, 28)


@SQLITE_ONLY
async def test_a_saturday_typed_to_move_the_day_is_said_by_its_name(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    case, pia = await _planned_for_tuesday(chat, clock)
    await pia.press("case:day")
    asked = await pia.say("lördag")
    assert asked.startswith(
        "12 december är en lördag.\nVill du planera samtal 2 till måndag 14 december i stället?"
    ), asked
    planned = await pia.say("ja")  # typed, as the question asks
    assert planned.startswith(
        "Uppföljningssamtal 2 är planerat till omkring måndag 14 december, utan tid än."
    ), planned
    assert (await row_of(demo_app, case, 2)).planned_day == date(2026, 12, 14)


@SQLITE_ONLY
@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("behåll", date(2026, 12, 12)),  # her own day
        ("onsdag", date(2026, 12, 9)),  # another day instead: read, not thrown away
    ],
)
async def test_a_typed_answer_counts(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock, typed: str, day: date
) -> None:
    case, pia = await _planned_for_tuesday(chat, clock)
    await pia.press("case:day")
    await pia.say("lördag")
    planned = await pia.say(typed)
    assert planned.startswith("Uppföljningssamtal 2 är planerat till omkring"), planned
    assert (await row_of(demo_app, case, 2)).planned_day == day


@SQLITE_ONLY
async def test_words_typed_instead_are_kept(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    case, pia = await _planned_for_tuesday(chat, clock)
    await pia.press("case:day")
    await pia.say("24/12")
    asked = await pia.say("Anna firar jul hos sin syster och vill höras efter nyår")
    assert asked.startswith(
        "Jag har sparat det du skrev som en intern anteckning i ärendet.\n"
        "Skriv en dag som kommer, till exempel ”måndag” eller 20/12."
    ), asked
    assert "Behåll 24 december" in asked  # the question stands
    planned = await pia.press("dayoff:next")
    assert planned.startswith("Uppföljningssamtal 2 är planerat till omkring måndag 28 december")
    assert (await row_of(demo_app, case, 2)).planned_day == date(2026, 12, 28)


@SQLITE_ONLY
async def test_in_english_the_holiday_has_its_english_name(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    _case, pia = await _planned_for_tuesday(chat, clock)
    await _in_english(demo_app, "pia")
    await pia.press("case:day")
    asked = await pia.say("24/12")
    assert asked == (
        "Thursday 24 December is Christmas Eve.\n"
        "Would you rather plan call 2 for Monday 28 December?\n"
        "[1] Monday 28 December  [2] Keep 24 December"
    ), asked
    asked = await pia.say("Saturday")
    assert asked.startswith("12 December is a Saturday.\n"), asked


def test_a_holiday_is_named_in_the_readers_language() -> None:
    assert holiday_name(date(2026, 6, 19), "sv") == "midsommarafton"
    assert holiday_name(date(2027, 5, 6), "sv") == "Kristi himmelsfärdsdag"  # a name: capital
    assert holiday_name(date(2026, 12, 31), "en") == "New Year's Eve"
    assert holiday_name(date(2026, 12, 12), "sv") is None  # a Saturday, not a holiday
    assert holiday_name(date(2026, 12, 24), "de") is None  # no names in that language
