"""Follow-up calls and the case's schedule, from the people's side: a contact books call 1 for
a day and time to come (a past one is refused kindly), is reminded before it, documents it
(date held, who took part, notes) and those who handle the case read the log; the targeted
person sees and moves her next check-in; quiet hours come from the org file."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot import orgfile
from bot.app import App
from storage.calls import CHECKIN_KINDS, REMINDER_KINDS, CallRepo
from storage.errors import DirectoryError, NotFound
from storage.models import ChannelBinding, FollowUp, Person, Report
from storage.viewer import Viewer
from tests.conftest import DEMO_ORG, Chat, FakeClock
from tests.test_case import MONDAY_10, Submitted, submit_report, take
from tests.test_followups import Transport, run_at, taken_monday

STOCKHOLM = ZoneInfo("Europe/Stockholm")
SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
TUESDAY_14 = datetime(2026, 11, 24, 14, 0, tzinfo=STOCKHOLM)
NOTES = "Anna sover bättre. Vill ha ett samtal till om en månad."


async def book_tuesday(chat, case: Submitted, typed: str = "tisdag 14:00") -> str:  # type: ignore[no-untyped-def]
    pia = chat("pia")
    view = await pia.say(f"/arende {case.ref}")
    assert "Boka samtal 1" in view
    asked = await pia.press("case:book")
    assert asked.startswith("När ska uppföljningssamtal 1 med Anna Berg hållas?")
    return str(await pia.say(typed))


async def viewer(app: App, handle: str) -> Viewer:
    async with app.db.unit_of_work() as session:
        person = (await session.scalars(select(Person).where(Person.handle == handle))).one()
        return Viewer.of(person)


@SQLITE_ONLY
async def test_a_contact_books_a_call_to_come_and_a_past_one_is_refused_kindly(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    case = await taken_monday(chat, clock)
    pia = chat("pia")
    await pia.say(f"/arende {case.ref}")
    asked = await pia.press("case:book")
    assert "Skriv dag och tid, till exempel ”tisdag 14:00” eller ”8/12 kl 10”" in asked
    # Two likely slots as buttons: the next working days.
    assert [label for _, label, _ in pia.buttons][:2] == [
        "i morgon kl. 10.00",
        "onsdag 25 november kl. 14.00",
    ]
    # A day gone, or a time gone today, is refused kindly and the question stays open.
    refused = await pia.say("i fredags 14:00")
    assert refused.startswith("Fredag 20 november har redan varit. Skriv en dag och tid som")
    assert "När ska uppföljningssamtal 1" in refused
    assert (await pia.say("kl 8")).startswith("I dag kl. 08.00 har redan varit.")
    # A day without a time: asked for the time, then booked.
    assert "Vilken tid tisdag 24 november?" in await pia.say("tisdag")
    booked = await pia.say("14:00")
    assert booked.startswith(
        "Bokat: uppföljningssamtal 1 med Anna Berg i morgon kl. 14.00.\n"
        "Jag påminner dig på morgonen samma dag och en timme innan.\n"
        "Anna Berg får veta tiden."
    )
    assert "Checklista" not in booked  # said, not the whole case again
    booked = await pia.press("case:view")
    assert "Uppföljningssamtal 1 med Anna Berg: i morgon kl. 14.00" in booked  # the other side
    assert "Flytta samtal 1" in booked
    async with demo_app.db.unit_of_work() as session:
        row = (await session.scalars(select(FollowUp))).one()
    assert (row.number, row.status, row.planned_for) == (1, "planned", TUESDAY_14)

    # Anna is told, in words she understands, with Pia's number.
    transport = Transport()
    await demo_app.outbox_sender(transport).deliver_due()
    [told] = [r for r in transport.to(await _address(demo_app, "anna")) if "samtal" in r.text]
    assert told.text == (
        "Pia Lind vill ha ett uppföljningssamtal med dig i morgon kl. 14.00.\n"
        "Passar inte tiden? Ring Pia Lind på +46 70 174 06 11."
    )
    # Moving the call: the new time is kept and Anna is told again.
    await pia.say(f"/arende {case.ref}")
    await pia.press("case:book")
    assert (await pia.say("8/12 kl 10")).startswith(
        "Bokat: uppföljningssamtal 1 med Anna Berg tisdag 8 december kl. 10.00."
    )


async def _address(app: App, handle: str) -> str:
    async with app.db.unit_of_work() as session:
        person_id = (await session.scalars(select(Person.id).where(Person.handle == handle))).one()
        binding = (
            await session.scalars(
                select(ChannelBinding).where(ChannelBinding.person_id == person_id)
            )
        ).first()
        assert binding is not None
        return str(binding.address)


@SQLITE_ONLY
async def test_the_reminder_comes_before_the_call(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    case = await taken_monday(chat, clock)
    await book_tuesday(chat, case)
    morning = datetime(2026, 11, 24, 8, 0, tzinfo=STOCKHOLM)
    assert await run_at(demo_app, clock, morning - timedelta(minutes=1), case) == []
    assert await run_at(demo_app, clock, morning, case) == [("pia", "followup_nudge")]
    # Tuesday 10:00, the first check-in: not on the day of her call (it comes after it)
    assert await run_at(demo_app, clock, TUESDAY_14 - timedelta(hours=1, minutes=1), case) == []
    transport = Transport()
    sender = demo_app.outbox_sender(transport)
    await sender.deliver_due()
    transport.sent.clear()
    assert await run_at(demo_app, clock, TUESDAY_14 - timedelta(hours=1), case) == [
        ("pia", "followup_nudge")
    ]
    await sender.deliver_due()
    [(_, reminder)] = transport.sent
    assert reminder.text == (
        # the second reminder says it is soon, not "today" as the morning's did
        f"Ärende {case.ref}: uppföljningssamtal 1 med Anna Berg om en timme, kl. 14.00.\n"
        "Telefon: +46 70 174 06 10\n"
        "Dokumentera samtalet i ärendet efteråt: datum, vilka som deltog, anteckningar."
    )
    # The day-2 "please book" nudge is not sent: the call is booked. Anna is asked how she
    # is the morning after the call.
    wednesday = datetime(2026, 11, 25, 10, 0, tzinfo=STOCKHOLM)
    assert await run_at(demo_app, clock, wednesday, case) == [("anna", "checkin_ask")]


@SQLITE_ONLY
async def test_a_documented_call_is_in_the_log_for_those_who_handle_the_case(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    clock.now = MONDAY_10
    case = await submit_report(chat, "anna", "assignment")  # Pia and Sara at once
    await take(chat, "pia", case)
    await book_tuesday(chat, case)
    clock.now = (TUESDAY_14 + timedelta(hours=1)).astimezone(UTC)
    pia = chat("pia")
    await pia.say(f"/arende {case.ref}")
    asked = await pia.press("case:followup")
    assert pia.buttons[0][1] == "Som bokat: 24 november"
    assert asked.startswith("Uppföljningssamtal 1. När hölls det?")
    assert (await pia.press("fu:booked")).startswith("Vilka deltog?")
    await pia.say("Anna Berg och Pia Lind")
    await pia.say(NOTES)
    await pia.press("fu:yes")
    await pia.press("fu:not_needed")
    await pia.press("next:none")
    view = await pia.press("case:view")
    assert (
        "Uppföljningssamtal 1: hölls 24 november\n"
        "  Deltog: Anna Berg och Pia Lind\n"
        f"  Anteckningar (interna): {NOTES}"
    ) in view

    # Sara (the unit) reads the whole log; Anna reads that it was held, not the notes.
    assert "Deltog: Anna Berg och Pia Lind" in await chat("sara").say(f"/arende {case.ref}")
    anna_view = await chat("anna").say(f"/arende {case.ref}")
    assert "Uppföljningssamtal 1: hölls 24 november" in anna_view
    assert NOTES not in anna_view and "Deltog" not in anna_view

    # In storage: handlers read the three fields; the reporter the dates; Kent (the
    # director), Per (not alerted) and Britt (another party) nothing at all.
    async with demo_app.db.unit_of_work() as session:
        report = await session.get(Report, case.id)
        assert report is not None
        calls = CallRepo(session, demo_app.keyring)
        for handle in ("pia", "sara"):
            [entry, second] = await calls.log(await viewer(demo_app, handle), report)
            assert second.status == "not_needed"
            assert (entry.held_on, entry.participants, entry.notes) == (
                "2026-11-24",
                "Anna Berg och Pia Lind",
                NOTES,
            )
        entry, _second = await calls.log(await viewer(demo_app, "anna"), report)
        assert (entry.held_on, entry.participants, entry.notes) == ("2026-11-24", None, None)
        for handle in ("kent", "per", "britt"):
            someone = await viewer(demo_app, handle)
            with pytest.raises(NotFound):
                await calls.log(someone, report)
            with pytest.raises(NotFound):
                await calls.book(someone, report, 2, TUESDAY_14 + timedelta(days=7), clock.now)
        # Only those who handle the case book calls; nobody books one in the past.
        with pytest.raises(NotFound):
            await calls.book(await viewer(demo_app, "anna"), report, 2, TUESDAY_14, clock.now)
        with pytest.raises(ValueError):
            await calls.book(await viewer(demo_app, "pia"), report, 2, TUESDAY_14, clock.now)


@SQLITE_ONLY
async def test_the_targeted_person_moves_her_next_check_in(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    clock.now = MONDAY_10
    case = await submit_report(chat, "anna", "party")
    await take(chat, "pia", case)
    anna = chat("anna")
    view = await anna.say(f"/arende {case.ref}")
    assert "Nästa avstämning: i morgon kl. 10.00" in view
    asked = await anna.press("case:move")
    assert asked.startswith(
        "Nästa avstämning är i morgon kl. 10.00. När vill du att jag hör av mig i stället?"
    )
    # At night is moved out of the quiet hours, and she is told.
    moved = await anna.say("i morgon kl 23")
    assert moved.startswith(
        "Jag skriver inte till dig mellan 21.00 och 08.00.\n"
        "Flyttat. Nästa avstämning: onsdag 25 november kl. 08.00"
    )
    await anna.press("case:view")
    await anna.press("case:move")  # the part of the day she names, not the planned hour
    moved = await anna.say("fredag kväll")
    assert moved.startswith("Flyttat. Nästa avstämning: fredag 27 november kl. 17.00"), moved
    await anna.press("case:view")
    await anna.press("case:move")
    moved = await anna.say("onsdag 15:00")
    assert moved.startswith("Flyttat. Nästa avstämning: onsdag 25 november kl. 15.00")
    tuesday = datetime(2026, 11, 24, 10, 0, tzinfo=STOCKHOLM)
    assert await run_at(demo_app, clock, tuesday, case) == []
    wednesday = datetime(2026, 11, 25, 15, 0, tzinfo=STOCKHOLM)
    before = await run_at(demo_app, clock, wednesday - timedelta(minutes=1), case)
    assert before == [("pia", "followup_nudge")]  # day 2, 10:00: Pia's, not Anna's
    assert await run_at(demo_app, clock, wednesday, case) == [("anna", "checkin_ask")]

    # In storage: the check-ins are hers to move, the reminders the contact's.
    async with demo_app.db.unit_of_work() as session:
        report = await session.get(Report, case.id)
        assert report is not None
        calls = CallRepo(session, demo_app.keyring)
        later = clock.now + timedelta(days=3)
        for handle, kinds in (("pia", CHECKIN_KINDS), ("anna", REMINDER_KINDS)):
            with pytest.raises(NotFound):
                await calls.move_next(
                    await viewer(demo_app, handle), report, kinds, later, clock.now
                )
        for handle in ("per", "britt", "kent"):
            with pytest.raises(NotFound):
                await calls.upcoming(await viewer(demo_app, handle), report, CHECKIN_KINDS)
        # Pia sees and moves her next reminder (day 2).
        pia = await viewer(demo_app, "pia")
        [first, *_rest] = await calls.upcoming(pia, report, REMINDER_KINDS)
        assert first.kind == "followup_first"
        moved_timer = await calls.move_next(pia, report, REMINDER_KINDS, later, clock.now)
        assert moved_timer is not None and moved_timer.due_at == later


async def test_quiet_hours_come_from_the_org_file(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock, tmp_path: Path
) -> None:
    text = DEMO_ORG.read_text(encoding="utf-8")
    text = text.replace(
        "    pack: oxelosund\n", '    pack: oxelosund\n    quiet_hours: "20-09"\n', 1
    )
    org = tmp_path / "org.yaml"
    org.write_text(text, encoding="utf-8")
    async with demo_app.db.unit_of_work() as session:
        await orgfile.apply(session, orgfile.parse(org), demo_app.keyring)
    # /hjalp says so, to everyone in the municipality.
    helped = await chat("anna").say("/hjalp")
    assert "Jag skickar inga påminnelser mellan 20.00 och 09.00 – larm går alltid fram." in helped
    # A report at 08:30: the day-1 check-in would come at 08:30, it comes at 09:00.
    clock.now = datetime(2026, 11, 23, 8, 30, tzinfo=STOCKHOLM).astimezone(UTC)
    case = await submit_report(chat, "anna", "party", police=True)
    await take(chat, "pia", case)
    # the director's item too waits for 09:00, the end of these quiet hours
    nine_today = datetime(2026, 11, 23, 9, 0, tzinfo=STOCKHOLM)
    assert await run_at(demo_app, clock, nine_today, case) == [("kent", "item_owned")]
    day_one = datetime(2026, 11, 24, 8, 30, tzinfo=STOCKHOLM)
    assert await run_at(demo_app, clock, day_one, case) == []
    nine = datetime(2026, 11, 24, 9, 0, tzinfo=STOCKHOLM)
    assert await run_at(demo_app, clock, nine - timedelta(minutes=1), case) == []
    assert await run_at(demo_app, clock, nine, case) == [("anna", "checkin_ask")]
    # Pia books a call at 09:30 on Wednesday: the reminder an hour before (08:30) is in the
    # quiet hours, so it comes at 09:00; the morning one would be too close to the call.
    pia = chat("pia")
    await pia.say(f"/arende {case.ref}")
    await pia.press("case:book")
    assert "Jag påminner dig i morgon kl. 09.00." in await pia.say("onsdag 09:30")
    reminder = datetime(2026, 11, 25, 9, 0, tzinfo=STOCKHOLM)
    early = await run_at(demo_app, clock, reminder - timedelta(minutes=31), case)
    assert ("pia", "followup_nudge") not in early
    assert await run_at(demo_app, clock, reminder, case) == [("pia", "followup_nudge")]
    # A wrong setting is refused by the strict schema.
    org.write_text(text.replace('"20-09"', '"25-08"'), encoding="utf-8")
    with pytest.raises(DirectoryError, match="quiet_hours"):
        orgfile.parse(org)


async def test_help_shows_the_default_quiet_hours(chat) -> None:  # type: ignore[no-untyped-def]
    said = await chat("pia").say("/hjalp")
    assert "Jag skickar inga påminnelser mellan 21.00 och 08.00 – larm går alltid fram." in said


@SQLITE_ONLY
async def test_a_call_booked_at_night_is_told_in_the_morning(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    clock.now = MONDAY_10
    case = await submit_report(chat, "anna", "party")
    await take(chat, "pia", case)
    clock.now = datetime(2026, 11, 23, 22, 15, tzinfo=STOCKHOLM).astimezone(UTC)
    pia = chat("pia")
    await pia.say(f"/arende {case.ref}")
    await pia.press("case:book")
    assert "Anna Berg får veta tiden." in await pia.say("onsdag 14:00")
    night = datetime(2026, 11, 24, 7, 59, tzinfo=STOCKHOLM)
    assert await run_at(demo_app, clock, night, case) == []
    morning = datetime(2026, 11, 24, 8, 0, tzinfo=STOCKHOLM)
    assert await run_at(demo_app, clock, morning, case) == [("anna", "followup_booked")]


async def test_words_typed_with_the_time_of_a_call_are_kept(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    """'tisdag 14:00, Anna vill att hennes man är med': the call is booked for the time, and
    the rest is kept as an internal note instead of being thrown away (language.md rule 4)."""
    case = await taken_monday(chat, clock)
    booked = await book_tuesday(chat, case, "tisdag 14:00, Anna vill att hennes man är med")
    assert booked.startswith("Bokat: uppföljningssamtal 1 med Anna Berg i morgon kl. 14.00.\n")
    assert "Jag sparade det du skrev som en intern anteckning i ärendet." in booked
    shown = await chat("pia").say("Visa ärendet")  # typed, as on a keyboard without buttons
    assert "tisdag 14:00, Anna vill att hennes man är med" in shown  # shown in the case


def test_a_time_alone_is_not_kept_as_a_note() -> None:
    from conversations.case.calls import _more_than_a_time

    for typed in ("tisdag 14:00", "onsdag, kl 9.30", "8/12 kl 10", "den 8 december kl 14"):
        assert not _more_than_a_time(typed), typed
    assert _more_than_a_time("onsdag kl 9.30, Lena vill att Bo är med")


@SQLITE_ONLY
async def test_a_proposed_time_pressed_books_the_time_its_button_says(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    """The button "i morgon kl. 10.00" booked 09.00: its id held the time in UTC, read back
    as Stockholm time (two hours early in summer)."""
    clock.now = MONDAY_10
    case = await submit_report(chat, "anna", "party")
    await take(chat, "pia", case)
    pia = chat("pia")
    await pia.say(f"/arende {case.ref}")
    await pia.press("case:book")
    button, label = next((i, label) for i, label, _ in pia.buttons if i.startswith("at:"))
    assert label == "i morgon kl. 10.00"
    booked = await pia.press(button)
    assert booked.startswith(f"Bokat: uppföljningssamtal 1 med Anna Berg {label}."), booked


async def _documenting(chat: Any, clock: FakeClock) -> tuple[Any, Chat]:
    """Pia, after call 1 on Tuesday, documenting it: held as booked, who took part."""
    case = await taken_monday(chat, clock)
    await book_tuesday(chat, case)
    clock.now = (TUESDAY_14 + timedelta(hours=1)).astimezone(UTC)
    pia = chat("pia")
    await pia.say(f"/arende {case.ref}")
    await pia.press("case:followup")
    await pia.press("fu:booked")
    await pia.say("Anna Berg och Pia Lind")
    return case, pia


@SQLITE_ONLY
async def test_half_written_answers_about_a_call_are_kept_when_she_leaves(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    case, pia = await _documenting(chat, clock)
    # a command in the middle: what she wrote is kept, and she is told where it is
    left = await pia.say("/meny")
    assert left.startswith(
        "Det du har skrivit om uppföljningssamtal 1 är sparat. Fortsätt med "
        f"”Dokumentera ett uppföljningssamtal” i ärende {case.ref}."
    )
    await pia.say(f"/arende {case.ref}")
    back = await pia.press("case:followup")
    assert back.startswith(
        "Du har börjat dokumentera uppföljningssamtal 1. Det du skrev är sparat:\n"
        "• Hölls: tisdag 24 november\n"
        "• Deltog: Anna Berg och Pia Lind\n"
        "Nuläge och behov av fortsatt stöd för Anna Berg:"
    )
    await pia.say(NOTES)
    assert "Det du har skrivit" in await pia.say(f"/arende {case.ref}")  # again, after notes
    back = await pia.press("case:followup")
    assert f"• Nuläget: {NOTES}\nBehöver Anna Berg fortsatt stöd?" in back
    await pia.press("fu:yes")
    assert "Uppföljningssamtal 1 är dokumenterat." in await pia.press("fu:not_needed")
    async with demo_app.db.unit_of_work() as session:
        row = (await session.scalars(select(FollowUp).where(FollowUp.number == 1))).one()
        notes = CallRepo(session, demo_app.keyring)._notes(row)
    assert (row.status, notes["present"], notes["situation"]) == (
        "documented",
        "Anna Berg och Pia Lind",
        NOTES,
    )
    # nothing half written: leaving says nothing
    assert "sparat" not in await pia.say("/meny")


@SQLITE_ONLY
async def test_no_further_call_is_offered_after_one_not_needed(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    _case, pia = await _documenting(chat, clock)
    await pia.say(NOTES)
    await pia.press("fu:yes")
    await pia.press("fu:not_needed")
    await pia.press("next:none")  # call 2 not needed: no more calls were needed then
    view = await pia.press("case:view")
    assert "Uppföljningssamtal 2: behövs inte" in view
    labels = [label for _, label, _ in pia.buttons]
    assert not [label for label in labels if "samtal 3" in label], labels
    assert "Boka ett samtal till" in labels  # the situation may change
    asked = await pia.press("case:anyway")
    assert asked.startswith("När ska uppföljningssamtal 2 med Anna Berg hållas?")
    booked = await pia.say("8/12 kl 10")
    assert booked.startswith("Bokat: uppföljningssamtal 2 med Anna Berg")
