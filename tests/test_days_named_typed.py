"""A day typed in her own words, as the person in front of Trygg meant it.

At "När och var hände det?" Anna's "för en vecka sedan, hemma" and "julafton" were no day:
she was asked "Vilken dag hände det?" as if she had said none, and "den 25:e kl 22" (on 22
November) was "a time that has not come yet". Pia's "den 30" for a call held was 30
December, "not a day it was held"; her "den 5" for a call to plan was the 5th just gone, so
Trygg asked what time today. Now each is the day meant: gone, the latest such day; to plan,
the next; and said back as any day is.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from bot.app import App
from conversations.report.form import ReportStep
from storage.cases import CaseRepo
from storage.models import FollowUp
from tests.conftest import Chat, FakeClock
from tests.reporting import open_step
from tests.test_followup_calls import book_tuesday
from tests.test_followup_day import SQLITE_ONLY, row_of
from tests.test_followup_day_moves import MONDAY_7_DEC, _in_english
from tests.test_followup_days_off import _asked_for_call_2
from tests.test_followups import taken_monday
from tests.test_report import answers, told

# the report's clock: Sunday 22 November 2026, 23.00 in Stockholm

REPORTED = [
    (
        "anna",
        "för en vecka sedan, hemma",
        "Jag skrev: omkring 15 november.",  # a week counted back is a rough day
        {"day": "2026-11-15", "about": True},
    ),
    ("anna", "julafton", "Jag skrev: 24 december 2025.", {"day": "2025-12-24"}),
    (
        "anna",
        "den 25:e kl 22, utanför kommunhuset",
        "Jag skrev: söndag 25 oktober kl. 22.00.",
        {"day": "2026-10-25", "time": "22:00"},
    ),
    (
        "bo",
        "a week ago, at home",
        "I noted: around 15 November.",
        {"day": "2026-11-15", "about": True},
    ),
    ("bo", "Christmas Eve", "I noted: 24 December 2025.", {"day": "2025-12-24"}),
    ("bo", "on the 25th at 10 pm", "I noted: Sunday 25 October, 22:00.", {"day": "2026-10-25"}),
]


@pytest.mark.parametrize(
    ("handle", "typed", "echo", "stored"), REPORTED, ids=[t for _h, t, _e, _s in REPORTED]
)
async def test_when_and_where_reads_the_day_she_means(
    demo_app: App, chat: Any, handle: str, typed: str, echo: str, stored: dict[str, str]
) -> None:
    person: Chat = chat(handle)
    await told(person, "Hot i ett sms.", "/rapportera" if handle == "anna" else "/report")
    await person.press("done")
    assert await open_step(person) is ReportStep.WHEN
    reply = await person.say(typed)
    assert reply.startswith(echo + "\n"), reply
    assert "Vilken dag" not in reply and "Which day" not in reply, reply
    assert "inte har varit" not in reply and "not come yet" not in reply, reply
    when = (await answers(demo_app, handle))["when"]
    assert when["text"] == typed and when.items() >= stored.items(), when


async def test_the_day_asked_after_takes_a_holiday(demo_app: App, chat: Any) -> None:
    anna: Chat = chat("anna")
    await told(anna, "Han stod utanför och skrek.")
    await anna.press("done")
    assert "Vilken dag hände det?" in await anna.say("utanför kommunhuset")
    reply = await anna.say("midsommarafton")
    assert reply.startswith("Jag skrev: 19 juni.\n"), reply
    when = (await answers(demo_app, "anna"))["when"]
    assert (when["text"], when["day"]) == ("utanför kommunhuset", "2026-06-19")


# --- the handlers: a call held, a call to plan ------------------------------------------------


@SQLITE_ONLY
@pytest.mark.parametrize(
    ("typed", "held", "echo"),
    [
        ("för en vecka sedan", "2026-11-27", "Jag skrev: hölls fredag 27 november."),
        ("den 30", "2026-11-30", "Jag skrev: hölls måndag 30 november."),  # was 30 December
    ],
)
async def test_the_day_a_call_was_held(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock, typed: str, held: str, echo: str
) -> None:
    case = await taken_monday(chat, clock)  # Monday 23 November
    clock.now = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)  # Friday 4 December
    pia = chat("pia")
    await pia.say(f"/arende {case.ref}")
    await pia.press("case:followup")
    said = await pia.say(typed)
    assert said.startswith(echo + "\nVilka deltog?"), said
    async with demo_app.db.unit_of_work() as session:
        row = await session.get(FollowUp, (await row_of(demo_app, case, 1)).id)
        assert row is not None
        assert CaseRepo(session, demo_app.keyring).notes_of(row)["date"] == held


@SQLITE_ONLY
async def test_a_day_of_the_month_to_plan_is_the_coming_one(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    """Monday 7 December: "den 5" was the 5th just gone, so she was asked the time today."""
    case, pia = await _asked_for_call_2(chat, clock, MONDAY_7_DEC)
    planned = await pia.say("den 5")
    assert planned.startswith(
        "Uppföljningssamtal 2 är planerat till omkring tisdag 5 januari 2027, utan tid än."
    ), planned
    assert (await row_of(demo_app, case, 2)).planned_day == date(2027, 1, 5)


@SQLITE_ONLY
@pytest.mark.parametrize(
    ("locale", "typed", "asked"),
    [
        (
            "sv",
            "julafton",
            "Torsdag 24 december är julafton.\n"
            "Vill du planera samtal 2 till måndag 28 december i stället?",
        ),
        (
            "en",
            "Christmas Eve",
            "Thursday 24 December is Christmas Eve.\n"
            "Would you rather plan call 2 for Monday 28 December?",
        ),
    ],
)
async def test_a_holiday_to_plan_is_the_coming_one_and_said_to_be_a_day_off(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock, locale: str, typed: str, asked: str
) -> None:
    case, pia = await _asked_for_call_2(chat, clock, MONDAY_7_DEC)
    if locale == "en":
        await _in_english(demo_app, "pia")
    reply = await pia.say(typed)
    assert reply.startswith(asked + "\n"), reply
    await pia.press("dayoff:keep")
    assert (await row_of(demo_app, case, 2)).planned_day == date(2026, 12, 24)


@SQLITE_ONLY
async def test_a_call_booked_for_a_day_of_the_month(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    """Monday 23 November: "den 5 kl 10" was 5 November, "has been"."""
    case = await taken_monday(chat, clock)
    booked = await book_tuesday(chat, case, "den 5 kl 10")
    assert booked.startswith(
        "Bokat: uppföljningssamtal 1 med Anna Berg lördag 5 december kl. 10.00."
    ), booked
