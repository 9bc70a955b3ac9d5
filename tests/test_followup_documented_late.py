"""Follow-up call 1 documented a week late: "i tisdags förra veckan" was read as yesterday
(the latest Tuesday), and the call was logged on the wrong day; "förra veckan" / "last
week" now puts the weekday in the week before this one."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.app import App
from conversations.dates import understood
from tests.conftest import FakeClock
from tests.golden import Transcript
from tests.test_transcripts_followup import at, reported

WEDNESDAY = datetime(2026, 12, 9, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("typed", "locale"),
    [
        ("i tisdags förra veckan", "sv"),
        ("tisdag förra veckan kl 14", "sv"),
        ("förra veckan på tisdag", "sv"),
        ("Tuesday last week", "en"),
        ("last week Tuesday", "en"),
    ],
)
def test_a_weekday_last_week(typed: str, locale: str) -> None:
    moment, _rest = understood(typed, WEDNESDAY, locale)
    assert moment is not None and moment.day == date(2026, 12, 1), moment


def test_a_weekday_alone_is_still_the_latest() -> None:
    moment, _rest = understood("i tisdags", WEDNESDAY, "sv")
    assert moment is not None and moment.day == date(2026, 12, 8), moment


async def test_pia_documents_call_1_a_week_late(demo_app: App, clock: FakeClock) -> None:
    case = await reported(demo_app, clock, "anna", "pia")
    t = Transcript("followup_documented_late_sv", demo_app)
    pia = t.person("pia")
    await t.deliver()
    t.lines.clear()
    t.note("Wednesday 9 December: Pia documents the call she held on Tuesday last week")
    at(clock, 12, 9, 9, 0)
    await t.say(pia, f"/arende {case.ref}")
    await t.press(pia, "case:followup", "Dokumentera ett uppföljningssamtal")
    echoed = await t.say(pia, "i tisdags förra veckan")
    assert echoed.startswith("Jag skrev: hölls tisdag 1 december."), echoed
    await t.say(pia, "Anna Berg, Pia Lind och Annas man")
    await t.say(pia, "Hon är orolig, han har stått utanför huset igen.")
    await t.press(pia, "fu:yes", "Ja")
    await t.press(pia, "fu:assessed", "Behövs")
    await t.press(pia, "next:14", "Om 2 veckor")
    seen = await t.say(pia, f"/arende {case.ref}")
    assert "Uppföljningssamtal 1: hölls 1 december" in seen, seen
    t.check()


async def test_a_call_held_after_two_weeks_is_not_ticked_as_held_in_time(
    demo_app: App, clock: FakeClock
) -> None:
    """Held 16 days after the report: "held within two weeks" is left open for Pia to answer,
    not answered "Ja" for her in the case's record."""
    case = await reported(demo_app, clock, "anna", "pia")
    t = Transcript("followup_held_late_sv", demo_app)
    pia = t.person("pia")
    await t.deliver()
    t.lines.clear()
    t.note("Thursday 10 December: Pia documents the call she held yesterday, day 16")
    at(clock, 12, 10, 9, 0)
    await t.say(pia, f"/arende {case.ref}")
    await t.press(pia, "case:followup", "Dokumentera ett uppföljningssamtal")
    await t.press(pia, "fu:yesterday", "I går")
    await t.say(pia, "Anna Berg och Pia Lind")
    await t.say(pia, "Lugnare nu.")
    await t.press(pia, "fu:yes", "Ja")
    done = await t.press(pia, "fu:not_needed", "Behövs inte")
    assert "Jag har besvarat 2 punkter i checklistan utifrån samtalet (3.2.4)." in done, done
    await t.press(pia, "next:none", "Behövs inte")
    seen = await t.say(pia, f"/arende {case.ref}")
    assert "✓ 3.2.4 Har ett initialt uppföljande samtal" not in seen, seen
    assert "· 3.2.4 Har ett initialt uppföljande samtal" in seen, seen
    t.check()
