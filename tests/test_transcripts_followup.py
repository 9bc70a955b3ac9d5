"""Golden transcripts of following a case up: a contact books follow-up call 1, is reminded
before it and documents it; the targeted person moves a check-in (Swedish and English)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.app import App
from storage.directory import DirectoryRepo
from tests.conftest import Chat, FakeClock
from tests.golden import Transcript
from tests.test_case import MONDAY_10, Submitted, submit_report, take

STOCKHOLM = ZoneInfo("Europe/Stockholm")


async def reported(app: App, clock: FakeClock, handle: str, contact: str) -> Submitted:
    """Monday 10:00: ``handle`` reports, ``contact`` takes it; both have a console address."""
    clock.now = MONDAY_10

    def chat(who: str) -> Chat:
        return Chat(app, who)

    await chat(contact).say("/hjalp")
    case = await submit_report(chat, handle, "party")
    await take(chat, contact, case)
    return case


def at(clock: FakeClock, *when: int) -> None:
    clock.now = datetime(2026, *when, tzinfo=STOCKHOLM).astimezone(UTC)


async def test_book_and_document_follow_up_call_1(demo_app: App, clock: FakeClock) -> None:
    case = await reported(demo_app, clock, "anna", "pia")
    t = Transcript("followup_call_sv", demo_app)
    pia, anna = t.person("pia"), t.person("anna")
    await t.deliver()  # what was sent before: the report, "Pia has taken it"
    t.lines.clear()
    t.note("Monday 23 November 10:00: Pia books follow-up call 1 with Anna")
    await t.say(pia, f"/arende {case.ref}")
    await t.press(pia, "case:book", "Boka samtal 1")
    await t.say(pia, "i fredags 14:00")
    await t.say(pia, "tisdag 14:00")
    await t.deliver()
    t.note("Tuesday 08:00 and 13:00: Pia is reminded")
    for hour in (8, 13):
        at(clock, 11, 24, hour, 0)
        await demo_app.timer_runner().run_due()
        await t.deliver()
    t.note("Tuesday 15:00: the call was held; Pia documents it")
    at(clock, 11, 24, 15, 0)
    await t.say(pia, f"/arende {case.ref}")
    await t.press(pia, "case:followup", "Dokumentera ett uppföljningssamtal")
    await t.press(pia, "fu:booked", "Som bokat: 24 november")
    await t.say(pia, "Anna Berg och Pia Lind")
    await t.say(pia, "Anna sover bättre men vill inte gå till möten ensam än.")
    await t.press(pia, "fu:yes", "Ja")
    await t.press(pia, "fu:not_needed", "Behövs inte")
    await t.press(pia, "next:book", "Boka en tid")
    await t.say(pia, "8/12 kl 10")
    await t.deliver()
    t.note("Anna opens her case")
    await t.say(anna, f"/arende {case.ref}")
    t.note("Wednesday 08:00: Anna is asked how she is, the morning after the call")
    at(clock, 11, 25, 8, 0)
    await demo_app.timer_runner().run_due()
    await t.deliver()
    t.check()
    said = t.text()
    assert "vill inte gå till möten" not in said.split("anna> /arende")[-1]  # internal notes
    # not on the day of the call, before it: the check-in comes after it
    assert said.index("Hur mår du?") > said.index("Dokumentera ett uppföljningssamtal")
    assert "Pia Lind vill ha ett uppföljningssamtal med dig i morgon kl. 14.00." in said


async def test_anna_moves_a_check_in(demo_app: App, clock: FakeClock) -> None:
    case = await reported(demo_app, clock, "anna", "pia")
    t = Transcript("checkin_moved_sv", demo_app)
    anna = t.person("anna")
    await t.deliver()
    t.lines.clear()
    t.note("Monday 23 November 10:00: Anna opens her case and moves the first check-in")
    await t.say(anna, f"/arende {case.ref}")
    await t.press(anna, "case:move", "Flytta avstämningen")
    await t.say(anna, "i morgon kl 23")
    await t.press(anna, "case:move", "Flytta avstämningen")
    await t.say(anna, "onsdag 15:00")
    t.note("Tuesday 10:00 passes quietly; Wednesday 15:00 Trygg asks")
    at(clock, 11, 24, 10, 0)
    await demo_app.timer_runner().run_due()
    at(clock, 11, 25, 15, 0)
    await demo_app.timer_runner().run_due()
    await t.deliver()
    t.check()
    assert t.text().count("Hur mår du?") == 1


async def test_bo_moves_a_check_in_in_english(demo_app: App, clock: FakeClock) -> None:
    case = await reported(demo_app, clock, "bo", "britt")
    t = Transcript("checkin_moved_en", demo_app)
    bo = t.person("bo")
    await t.deliver()
    t.lines.clear()
    t.note("Monday 23 November 10:00: Bo opens his case and moves the first check-in")
    await t.say(bo, f"/arende {case.ref}")
    await t.press(bo, "case:move", "Move the check-in")
    await t.say(bo, "last friday")
    await t.say(bo, "Wednesday 3 pm")
    at(clock, 11, 25, 15, 0)
    await demo_app.timer_runner().run_due()
    await t.deliver()
    t.check()
    assert "Moved. Your next check-in: Wednesday 25 November, 15:00" in t.text()


async def test_a_held_check_in_follows_the_call_moved_earlier(
    demo_app: App, clock: FakeClock
) -> None:
    case = await reported(demo_app, clock, "anna", "pia")
    t = Transcript("checkin_follows_call_sv", demo_app)
    pia, anna = t.person("pia"), t.person("anna")
    await t.deliver()
    t.lines.clear()
    t.note("Monday 23 November 10:00: Pia books call 1 for Tuesday evening")
    await t.say(pia, f"/arende {case.ref}")
    await t.press(pia, "case:book", "Boka samtal 1")
    await t.say(pia, "tisdag 20:30")
    await t.deliver()
    t.note("Tuesday 10:00: Pia's morning reminder; Anna's check-in waits till after the call")
    at(clock, 11, 24, 10, 0)
    await demo_app.timer_runner().run_due()
    await t.deliver()
    await t.say(anna, f"/arende {case.ref}")
    t.note("Tuesday 10:30: Pia moves the call to 19:00; the check-in comes earlier with it")
    at(clock, 11, 24, 10, 30)
    await t.say(pia, f"/arende {case.ref}")
    await t.press(pia, "case:book", "Flytta samtal 1")
    await t.say(pia, "i dag 19:00")
    await t.deliver()
    await t.say(anna, f"/arende {case.ref}")
    await t.press(anna, "case:move", "Flytta avstämningen")
    await t.press(anna, "case:view", "Tillbaka")
    t.note("Wednesday 08:00, when the quiet hours end: Trygg asks")
    at(clock, 11, 25, 8, 0)
    await demo_app.timer_runner().run_due()
    await t.deliver()
    t.check()
    said = t.text()
    assert "Nästa avstämning: i morgon kl. 08.00" in said
    assert said.count("Hur mår du?") == 1


async def test_pia_leaves_a_call_half_documented_and_finds_no_more_calls_offered(
    demo_app: App, clock: FakeClock
) -> None:
    case = await reported(demo_app, clock, "anna", "pia")
    t = Transcript("followup_left_sv", demo_app)
    pia = t.person("pia")
    await t.deliver()
    t.lines.clear()
    t.note("Tuesday 15:00: Pia documents call 1 and is called away half-way")
    at(clock, 11, 24, 15, 0)
    await t.say(pia, f"/arende {case.ref}")
    await t.press(pia, "case:followup", "Dokumentera ett uppföljningssamtal")
    await t.press(pia, "fu:today", "I dag")
    await t.say(pia, "Anna Berg och Pia Lind")
    await t.say(pia, "/arenden")
    t.note("Tuesday 16:00: she comes back to it")
    at(clock, 11, 24, 16, 0)
    await t.say(pia, f"/arende {case.ref}")
    await t.press(pia, "case:followup", "Dokumentera ett uppföljningssamtal")
    await t.say(pia, "Anna mår bättre och vill inte ha fler samtal.")
    await t.press(pia, "fu:no", "Nej")
    await t.press(pia, "fu:not_needed", "Behövs inte")
    await t.press(pia, "next:none", "Behövs inte")
    t.note("Call 2 is not needed: no call 3 is offered, but one can be booked if things change")
    await t.press(pia, "case:view", "Visa ärendet")
    t.note("A call held after all is documented as call 2")
    await t.press(pia, "case:followup", "Dokumentera ett uppföljningssamtal")
    t.check()
    said = t.text()
    assert said.rstrip().endswith("[1] I dag  [2] I går  [3] Tillbaka")
    assert "Uppföljningssamtal 2. När hölls det?" in said
    assert "Det du har skrivit om uppföljningssamtal 1 är sparat." in said
    assert "• Deltog: Anna Berg och Pia Lind" in said
    assert "samtal 3" not in said and "Boka ett samtal till" in said


async def test_britt_is_reminded_of_a_call_in_english(demo_app: App, clock: FakeClock) -> None:
    case = await reported(demo_app, clock, "bo", "britt")
    async with demo_app.db.unit_of_work() as session:  # Britt reads English
        person = await DirectoryRepo(session).person_by_handle("britt")
        assert person is not None
        person.locale = "en"
    t = Transcript("followup_reminders_en", demo_app)
    britt = t.person("britt")
    await t.deliver()
    t.lines.clear()
    t.note("Monday 23 November 10:00: Britt books follow-up call 1 with Bo")
    await t.say(britt, f"/arende {case.ref}")
    await t.press(britt, "case:book", "Book call 1")
    await t.say(britt, "tuesday 14:00")
    await t.deliver()
    t.note("Tuesday 08:00 and 13:00: Britt is reminded")
    for hour in (8, 13):
        at(clock, 11, 24, hour, 0)
        await demo_app.timer_runner().run_due()
        await t.deliver()
    t.check()
    said = t.text()
    assert "follow-up call 1 with Bo" in said and "in an hour, at 14:00." in said
