"""A follow-up call planned for a day, later: handed over with the case, the new handler is
told the day (it was left out of his message, and the call forgotten); the day moved or
found not needed from the case (there was no way to change it once planned); and a day
planned again after "Ingen dag än" (only a time could be booked then)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
from sqlalchemy import select

from bot.app import App
from conversations.followups import FOLLOWUP_DUE
from conversations.schedule import on_day
from storage.models import Person
from tests.conftest import FakeClock
from tests.golden import delivered
from tests.test_case import person_ids, submit_report, take
from tests.test_followup_day import SQLITE_ONLY, first_call_documented, row_of, timers_of
from tests.test_followups import connect, taken_monday


async def _in_english(app: App, handle: str) -> None:
    async with app.db.unit_of_work() as session:
        person = (await session.scalars(select(Person).where(Person.handle == handle))).one()
        person.locale = "en"


@SQLITE_ONLY
@pytest.mark.parametrize(
    ("locale", "said"),
    [
        (
            "sv",
            "Ett uppföljningssamtal med Anna Berg är planerat till omkring tisdag 8 december, "
            "utan bokad tid: det är ditt att boka.",
        ),
        (
            "en",
            "A follow-up call with Anna Berg is planned for around Tuesday 8 December, with "
            "no time booked yet: it is yours to book.",
        ),
    ],
)
async def test_the_planned_day_is_in_the_new_handlers_message(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock, locale: str, said: str
) -> None:
    told = await _handed_to_per_with_a_day(chat, demo_app, clock, locale)
    assert told["per"].endswith(said), told


async def _handed_to_per_with_a_day(  # type: ignore[no-untyped-def]
    chat, app: App, clock: FakeClock, locale: str = "sv"
) -> dict[str, str]:
    """Pia plans call 2 for Tuesday 8 December, no time yet, and hands the case to Per
    (reading ``locale``); what each was told of it, by handle."""
    case = await taken_monday(chat, clock)
    await connect(chat, "per")
    if locale == "en":
        await _in_english(app, "per")
    pia = chat("pia")
    await first_call_documented(pia, case)
    await pia.say("8/12")
    await delivered(app)
    await pia.say(f"/arende {case.ref}")
    await pia.press("case:handover")
    await pia.press(f"handover:{(await person_ids(app))['per']}")
    return dict(await delivered(app))


MONDAY_7_DEC = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)  # 10:00 in Stockholm


async def _planned_for_tuesday(chat, clock: FakeClock):  # type: ignore[no-untyped-def]
    """Monday 7 December: Pia plans call 2 for "8/12", Tuesday, no time yet."""
    clock.now = MONDAY_7_DEC
    await connect(chat, "anna", "pia")
    case = await submit_report(chat, "anna", "party")
    await take(chat, "pia", case)
    pia = chat("pia")
    await first_call_documented(pia, case)
    planned = await pia.say("8/12")
    assert planned.startswith(
        "Uppföljningssamtal 2 är planerat till omkring tisdag 8 december, utan tid än."
    ), planned
    assert "Ändra dagen för samtal 2" in planned  # it can be changed at once
    return case, pia


@SQLITE_ONLY
async def test_the_planned_day_is_moved_to_a_day_typed(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    case, pia = await _planned_for_tuesday(chat, clock)
    card = await pia.press("case:view")
    assert "Uppföljningssamtal 2 med Anna Berg: omkring tisdag 8 december, ingen tid bokad än" in (
        card
    )
    assert "Boka samtal 2" in card and "Ändra dagen för samtal 2" in card
    asked = await pia.press("case:day")
    assert asked.startswith(
        "Uppföljningssamtal 2 med Anna Berg är planerat till omkring tisdag 8 december. "
        "Vilken dag ska det vara i stället?\n"
        "Skriv dagen, till exempel ”fredag” eller 15/12, eller:"
    ), asked
    moved = await pia.say("fredag")
    assert moved.startswith(
        "Uppföljningssamtal 2 är planerat till omkring fredag 11 december, utan tid än. "
        "Jag påminner dig på morgonen den dagen, så att du kan boka en tid med Anna Berg."
    ), moved
    row = await row_of(demo_app, case, 2)
    assert (row.status, row.planned_for, row.planned_day) == ("planned", None, date(2026, 12, 11))
    # reminded that Friday morning, not on Tuesday any more
    assert await timers_of(demo_app, case) == [(FOLLOWUP_DUE, on_day(date(2026, 12, 11), time(8)))]
    card = await pia.press("case:view")
    assert "Uppföljningssamtal 2 med Anna Berg: omkring fredag 11 december" in card
    assert "tisdag 8 december" not in card


@SQLITE_ONLY
async def test_a_week_later_skips_jul(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    case, pia = await _planned_for_tuesday(chat, clock)
    await pia.press("case:day")
    await pia.say("18/12")  # Friday 18 December
    await pia.press("case:day")
    moved = await pia.press("day:7")  # Friday 25 December is juldagen
    assert moved.startswith(
        "Uppföljningssamtal 2 är planerat till omkring måndag 28 december, utan tid än."
    ), moved
    assert (await row_of(demo_app, case, 2)).planned_day == date(2026, 12, 28)


@SQLITE_ONLY
@pytest.mark.parametrize("typed", [False, True])
async def test_the_planned_day_is_taken_away(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock, typed: bool
) -> None:
    case, pia = await _planned_for_tuesday(chat, clock)
    await pia.press("case:day")
    dropped = await (pia.say("Ingen dag än") if typed else pia.press("day:drop"))
    assert dropped.startswith(
        "Uppföljningssamtal 2 är inte längre planerat till någon dag, och jag påminner dig inte "
        "om det. Boka det när du har kommit överens om en tid med Anna Berg."
    ), dropped
    assert "Boka samtal 2" in dropped
    row = await row_of(demo_app, case, 2)
    assert (row.status, row.planned_for, row.planned_day) == ("planned", None, None)
    assert await timers_of(demo_app, case) == []
    card = await pia.press("case:view")
    assert "omkring tisdag 8 december" not in card
    assert "Boka samtal 2" in card and "Ändra dagen" not in card
    assert "Planera en dag för samtal 2" in card  # not only a time: a day again, too


@SQLITE_ONLY
@pytest.mark.parametrize("from_card", [False, True])
async def test_a_day_is_planned_again_after_no_day_yet(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock, from_card: bool
) -> None:
    """After "Ingen dag än" the only way on was "Boka samtal 2": a time, not a day."""
    case, pia = await _planned_for_tuesday(chat, clock)
    await pia.press("case:day")
    dropped = await pia.press("day:drop")
    assert dropped.endswith(
        "[1] Svara på nästa punkt  [2] Boka samtal 2  [3] Planera en dag för samtal 2  "
        "[4] Visa ärendet"
    ), dropped
    if from_card:
        await pia.press("case:view")
    asked = await pia.press("case:day")
    assert asked == (
        "Uppföljningssamtal 2 med Anna Berg har ingen dag än. Vilken dag ska det vara?\n"
        "Skriv dagen, till exempel ”fredag” eller 15/12, eller:\n"
        "[1] Om 2 veckor  [2] Om en månad  [3] Samtal 2 behövs inte  [4] Tillbaka"
    ), asked
    planned = await pia.press("day:14")  # Monday 21 December
    assert planned.startswith(
        "Uppföljningssamtal 2 är planerat till omkring måndag 21 december, utan tid än. "
        "Jag påminner dig på morgonen den dagen, så att du kan boka en tid med Anna Berg."
    ), planned
    assert "Ändra dagen för samtal 2" in planned
    row = await row_of(demo_app, case, 2)
    assert (row.status, row.planned_for, row.planned_day) == ("planned", None, date(2026, 12, 21))
    assert await timers_of(demo_app, case) == [(FOLLOWUP_DUE, on_day(date(2026, 12, 21), time(8)))]


@SQLITE_ONLY
async def test_a_day_typed_plans_it_again(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    case, pia = await _planned_for_tuesday(chat, clock)
    await pia.press("case:day")
    await pia.press("day:drop")
    await pia.press("case:day")
    planned = await pia.say("torsdag")
    assert planned.startswith(
        "Uppföljningssamtal 2 är planerat till omkring torsdag 10 december, utan tid än."
    ), planned
    assert (await row_of(demo_app, case, 2)).planned_day == date(2026, 12, 10)
    card = await pia.press("case:view")
    assert "Ändra dagen för samtal 2" in card and "Planera en dag" not in card


@SQLITE_ONLY
async def test_the_planned_call_is_found_not_needed(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    case, pia = await _planned_for_tuesday(chat, clock)
    await pia.press("case:day")
    said = await pia.say("behövs inte")  # typed as the button's words
    assert said.startswith("Noterat: uppföljningssamtal 2 behövs inte."), said
    row = await row_of(demo_app, case, 2)
    assert (row.status, row.planned_day) == ("not_needed", None)
    assert await timers_of(demo_app, case) == []


@SQLITE_ONLY
async def test_a_day_and_time_typed_books_the_call_and_words_are_kept(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    case, pia = await _planned_for_tuesday(chat, clock)
    await pia.press("case:day")
    asked = await pia.say("Anna är bortrest och hör av sig när hon är hemma igen")
    assert asked.startswith(
        "Jag har sparat det du skrev som en intern anteckning i ärendet.\n"
        "Skriv en dag som kommer, till exempel ”måndag” eller 20/12."
    ), asked
    booked = await pia.say("onsdag 14:00")
    assert booked.startswith(
        "Bokat: uppföljningssamtal 2 med Anna Berg onsdag 9 december kl. 14.00."
    ), booked
    row = await row_of(demo_app, case, 2)
    assert (row.planned_for, row.planned_day) == (
        datetime(2026, 12, 9, 13, 0, tzinfo=UTC),
        None,
    )


@SQLITE_ONLY
async def test_the_unit_is_told_the_day_when_she_names_her_contact(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    """She names Pia as the threat: the case goes to the unit, whose message names the day."""
    await connect(chat, "sara")
    case, _pia = await _planned_for_tuesday(chat, clock)
    await delivered(demo_app)
    said = await chat("anna").say("det är Pia Lind som hotar mig")
    assert f"Pia Lind kan inte längre läsa ditt ärende {case.ref}." in said, said
    [told] = [text for to, text in await delivered(demo_app) if to == "sara"]
    assert told.startswith("Anna Berg säger att hotet kommer inifrån partiet"), told
    assert told.endswith(
        "Ett uppföljningssamtal med Anna Berg är planerat till omkring tisdag 8 december, "
        "utan bokad tid: det är ditt att boka."
    ), told


@SQLITE_ONLY
async def test_the_example_day_is_in_her_language(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    """A contact who reads English was asked for a day "like “måndag” or 20/12"."""
    _case, pia = await _planned_for_tuesday(chat, clock)
    await _in_english(demo_app, "pia")
    await pia.press("case:day")
    asked = await pia.say("soon")
    assert asked.startswith("Write a day to come, like “Monday” or 20/12.\n"), asked
    assert "måndag" not in asked


@SQLITE_ONLY
async def test_two_weeks_typed_moves_the_day(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    """ "om två veckor" typed was not understood (only the buttons were): asked again."""
    case, pia = await _planned_for_tuesday(chat, clock)
    await pia.press("case:day")
    moved = await pia.say("om två veckor")
    assert moved.startswith("Uppföljningssamtal 2 är planerat till omkring måndag 21 december"), (
        moved
    )
    assert (await row_of(demo_app, case, 2)).planned_day == date(2026, 12, 21)


@SQLITE_ONLY
async def test_she_is_told_the_planned_day_with_who_has_her_case(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    """Anna's "Per Ek har nu ditt ärende" named her booked calls but not the one planned."""
    told = await _handed_to_per_with_a_day(chat, demo_app, clock)
    assert told["anna"].endswith(
        "Ditt nästa uppföljningssamtal är planerat till omkring tisdag 8 december: Per Ek hör "
        "av sig till dig om tiden."
    ), told
