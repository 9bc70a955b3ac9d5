"""The one-shot case operations (conversations/desk/) called directly, as the web console
will: each does one complete piece of work in the caller's unit of work, with the chat's
side effects (notices, timers, audit), and refuses what storage or the input does not allow.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from bot.app import App
from conversations.case_notices import CASE_CLOSED, CASE_MESSAGE, CASE_REOPENED, ITEM_OWNED
from conversations.casefile.build import reader_context
from conversations.desk import calls, checklist, closing, followup, handover, notes
from conversations.desk.errors import Refused
from conversations.flow import Context
from conversations.followups import CHECKIN, FOLLOWUP_CALL, FOLLOWUP_DUE, FOLLOWUP_TELL, PURGE
from conversations.notices import CASE_HANDED_OVER, CASE_NEW_HANDLER, FOLLOWUP_BOOKED
from conversations.schedule import days_after
from storage.access import Access
from storage.calls import CallRepo
from storage.cases import CaseRepo
from storage.models import (
    AuditEntry,
    Municipality,
    Party,
    Person,
    Report,
    ReportStatus,
    Timer,
    TimerState,
)
from storage.viewer import Sender, Viewer
from tests.conftest import FakeClock
from tests.test_case import MONDAY_10, Submitted, submit_report, take


@asynccontextmanager
async def desk(
    app: App, handle: str, case: Submitted, clock: FakeClock
) -> AsyncIterator[tuple[Context, Report, Access]]:
    """One unit of work as ``handle``, in Swedish: the context, the case and the access
    the caller believes it has (the operations check it again)."""
    async with app.db.unit_of_work() as session:
        person = (await session.scalars(select(Person).where(Person.handle == handle))).one()
        party = await session.get(Party, person.party_id) if person.party_id else None
        town = await session.get(Municipality, person.municipality_id or 0)
        sender, viewer = Sender.of(person, party, town), Viewer.of(person)
        ctx = reader_context(
            session, sender, viewer, "sv", app.catalogs, app.keyring, app.packs, clock()
        )
        report = await session.get(Report, case.id)
        assert report is not None
        yield ctx, report, await CaseRepo(session, app.keyring).access(viewer, report)


async def taken(chat, handle: str = "pia") -> Submitted:  # type: ignore[no-untyped-def]
    case = await submit_report(chat, "anna", "party")
    await take(chat, handle, case)
    return case


async def pending(app: App, kind: str, subject: str) -> list[Timer]:
    async with app.db.unit_of_work() as session:
        rows = await session.scalars(
            select(Timer).where(
                Timer.kind == kind, Timer.subject == subject, Timer.state == TimerState.PENDING
            )
        )
        return list(rows)


async def audited(app: App, action: str) -> int:
    async with app.db.unit_of_work() as session:
        return len(
            list(await session.scalars(select(AuditEntry).where(AuditEntry.action == action)))
        )


async def test_checklist_rows_and_answers(chat, demo_app: App, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    case = await taken(chat)
    async with desk(demo_app, "pia", case, clock) as (ctx, report, access):
        rows = await checklist.checklist_rows(ctx, report, access)
        by_id = {row.id: row for row in rows}
        assert by_id["3.1.1"].mine and by_id["3.1.1"].answer is None
        assert not by_id["3.1.3"].mine  # the director's
        assert by_id["3.1.1"].question and by_id["3.1.1"].responsible
        said = await checklist.answer_item(ctx, report, access, "3.1.1", "no", "inte än")
        assert said.endswith("Nej.")  # "Saved: {answer}." (a new text)
    clock.advance(minutes=5)
    async with desk(demo_app, "pia", case, clock) as (ctx, report, access):
        said = await checklist.answer_item(ctx, report, access, "3.1.1", "yes", None)
        assert said == (
            "Ändrat. Det tidigare svaret finns kvar i ärendets historik.\n"
            "Sara Strand på kommunens säkerhetsenhet har nu ärendet och sin del av checklistan."
        )
        row = next(
            r for r in await checklist.checklist_rows(ctx, report, access) if r.id == "3.1.1"
        )
        assert (row.answer, row.label, row.previous) == ("yes", "Ja", "Nej")
        assert row.answered_by == "Pia Lind" and row.answered_at is not None
        written = await checklist.answer_item(
            ctx, report, access, "3.2.2-support-measures", "text", "Stödperson: Per"
        )
        assert "Stödperson: Per" in written
    assert await audited(demo_app, "checklist_changed") == 1


@pytest.mark.parametrize(
    ("handle", "item", "answer", "comment"),
    [
        ("pia", "no-such-item", "yes", None),  # an item that does not exist
        ("pia", "3.1.3", "yes", None),  # the director's
        ("pia", "3.1.1", "text", "words"),  # a written answer to a Ja/Nej question
        ("pia", "3.1.1", "maybe", None),  # no such answer
        ("pia", "3.2.2-support-measures", "yes", None),  # a line to fill in, not Ja/Nej
        ("pia", "3.2.2-support-measures", "text", "  "),  # an empty written answer
        ("britt", "3.1.1", "yes", None),  # another party's contact
    ],
)
async def test_checklist_refusals(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock, handle: str, item: str, answer: str, comment: str | None
) -> None:
    case = await taken(chat)
    async with desk(demo_app, handle, case, clock) as (ctx, report, _access):
        with pytest.raises(Refused) as refused:
            # the caller claims HANDLER: storage decides
            await checklist.answer_item(ctx, report, Access.HANDLER, item, answer, comment)
        assert refused.value.message


async def test_notes_internal_and_to_the_reporter(chat, demo_app: App, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    case = await taken(chat)
    async with desk(demo_app, "pia", case, clock) as (ctx, report, access):
        said = await notes.add_note(ctx, report, access, "internal", "Ringde polisen.")
        assert said == "Sparad som intern anteckning: Anna Berg ser den inte."
        assert ctx.notices == []
        said = await notes.add_note(ctx, report, access, "message", "Vi hörs i morgon.")
        assert said == "Skickat till Anna Berg. Det syns också i ärendet."
        assert [(n.recipient_id, n.kind) for n in ctx.notices] == [
            (report.reporter_id, CASE_MESSAGE)
        ]
        for kind, text in [("secret", "x"), ("internal", " ")]:
            with pytest.raises(Refused):
                await notes.add_note(ctx, report, access, kind, text)
        long = "Samtal med Anna. " * 700  # over 10,000 characters: kept whole, not refused
        await notes.add_note(ctx, report, access, "internal", long)
        kept = await CaseRepo(ctx.session, ctx.keyring).notes(ctx.viewer, report)
        assert [(row.kind, text) for row, text in kept] == [
            ("internal", "Ringde polisen."),
            ("message", "Vi hörs i morgon."),
            ("internal", long.strip()),
        ]
    for handle in ("britt", "kent", "anna"):  # another party; the director; the reporter
        async with desk(demo_app, handle, case, clock) as (ctx, report, _access):
            with pytest.raises(Refused):
                await notes.add_note(ctx, report, Access.HANDLER, "internal", "x")


async def test_booking_and_moving_a_call(chat, demo_app: App, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    case = await taken(chat)
    when = days_after(clock.now, 3).replace(hour=13, minute=0)
    async with desk(demo_app, "pia", case, clock) as (ctx, report, access):
        with pytest.raises(Refused) as past:
            await calls.book_call(ctx, report, access, clock.now - timedelta(hours=1))
        assert "har redan varit" in past.value.message
        with pytest.raises(Refused):
            await calls.move_call(ctx, report, access, 1, when)  # not booked yet
        said = await calls.book_call(ctx, report, access, when)
        assert said.startswith("Bokat: uppföljningssamtal 1 med Anna Berg")
        assert ctx.notices == []  # 23:00: she is told when the quiet hours end, as in chat
        log = await calls.calls(ctx, report, access)
        assert [(e.number, e.status, e.planned_for) for e in log] == [(1, "planned", when)]
    told = await pending(demo_app, FOLLOWUP_TELL, f"{case.id}:1")
    assert [t.payload["moved"] for t in told] == [False]
    reminders = await pending(demo_app, FOLLOWUP_CALL, f"{case.id}:1")
    assert len(reminders) == 2  # the morning and an hour before, as the chat plans them
    later = when + timedelta(days=1)
    clock.advance(hours=12)  # 11:00: she is told at once
    async with desk(demo_app, "pia", case, clock) as (ctx, report, access):
        said = await calls.move_call(ctx, report, access, 1, later)
        assert "Bokat" in said
        assert [n.kind for n in ctx.notices] == [FOLLOWUP_BOOKED]
        assert ctx.notices[0].payload["moved"] is True
        assert ctx.notices[0].payload["was"] == when.isoformat()  # she is told what is off
    moved = await pending(demo_app, FOLLOWUP_CALL, f"{case.id}:1")
    assert all(t.due_at.date() >= later.date() - timedelta(days=1) for t in moved)
    assert await audited(demo_app, "call_booked") == 2
    async with desk(demo_app, "kent", case, clock) as (ctx, report, _access):
        with pytest.raises(Refused):
            await calls.book_call(ctx, report, Access.HANDLER, later)


async def test_documenting_a_followup_and_planning_the_next(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    case = await taken(chat)
    today = clock.now.date()
    async with desk(demo_app, "pia", case, clock) as (ctx, report, access):
        for held, support, professional in [
            (today + timedelta(days=1), "yes", "ordered"),  # not held yet
            (today, "maybe", "ordered"),
            (today, "yes", "soon"),
        ]:
            with pytest.raises(Refused):
                await followup.document_followup(
                    ctx, report, access, held, "Anna, Pia", "Lugnt.", support, professional
                )
        said = await followup.document_followup(
            ctx, report, access, today, "Anna, Pia", "Lugnt nu.", "yes", "not_needed"
        )
        assert said == (
            "Uppföljningssamtal 1 är dokumenterat.\n"
            "Jag har besvarat 3 punkter i checklistan utifrån samtalet (3.2.4)."
        )
        repo = CaseRepo(ctx.session, ctx.keyring)
        answered = await repo.checklist(report, ctx.viewer)
        for item in ("3.2.4-conversation", "3.2.4-documented", "3.2.4-professional-need"):
            assert answered[item].answer == "yes", item
        assert "3.2.4-professional-order" not in answered  # the unit's, not Pia's
        row = (await CallRepo(ctx.session, ctx.keyring).rows(ctx.viewer, report))[1]
        assert row.status == "documented"
        assert repo.notes_of(row) == {
            "date": today.isoformat(),
            "present": "Anna, Pia",
            "situation": "Lugnt nu.",
            "continued_support": "yes",
            "professional_support": "not_needed",
        }
        with pytest.raises(Refused):
            await followup.plan_next(ctx, report, access, 2, today - timedelta(days=1))
        with pytest.raises(Refused):  # a day without a time: not today, its morning has gone
            await followup.plan_next(ctx, report, access, 2, today)
        said = await followup.plan_next(ctx, report, access, 2, today + timedelta(days=14))
        assert said.startswith("Uppföljningssamtal 2 är planerat till omkring")
        assert said.endswith(  # planning call 2 had left this item open until closing
            "Behovet av fler samtal är bedömt: jag har besvarat 1 punkt i checklistan (3.2.4)."
        ), said
        answered = await repo.checklist(report, ctx.viewer)
        assert answered["3.2.4-more-conversations"].answer == "yes"
        said = await followup.plan_next(ctx, report, access, 3, None)
        assert said == "Noterat: uppföljningssamtal 3 behövs inte."  # answered once, not again
    assert len(await pending(demo_app, FOLLOWUP_DUE, f"{case.id}:2")) == 1


async def test_booking_call_two_answers_that_further_calls_were_assessed(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    """Call 2 booked at a time (not planned for a day) left 3.2.4 "Behov av ytterligare
    uppföljande samtal har bedömts" open, and closing listed it as undone."""
    case = await taken(chat)
    async with desk(demo_app, "pia", case, clock) as (ctx, report, access):
        said = await calls.book_call(ctx, report, access, clock.now + timedelta(days=9), 2)
        assert "jag har besvarat 1 punkt i checklistan (3.2.4)" in said, said
        answered = await CaseRepo(ctx.session, ctx.keyring).checklist(report, ctx.viewer)
        assert answered["3.2.4-more-conversations"].answer == "yes"
        assert "3.2.4-conversation" not in answered  # call 1 is not held by booking call 2


async def test_handing_over(chat, demo_app: App, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    case = await taken(chat)
    async with desk(demo_app, "pia", case, clock) as (ctx, report, access):
        people = await handover.handover_candidates(ctx, report, access)
        names = [name for _id, name in people]
        assert "Per Ek" in names and "Sara Strand (kommunens säkerhetsenhet)" in names
        ids = {name: pid for pid, name in people}
        britt = (await ctx.session.scalars(select(Person).where(Person.handle == "britt"))).one()
        with pytest.raises(Refused):
            await handover.hand_over(ctx, report, access, britt.id)  # another party's contact
        said = await handover.hand_over(ctx, report, access, ids["Per Ek"])
        assert said.startswith(f"Ärende {case.ref} ligger nu hos Per Ek.")
        assert [n.kind for n in ctx.notices] == [CASE_HANDED_OVER, CASE_NEW_HANDLER]
    assert await audited(demo_app, "case_handed_over") == 1
    async with desk(demo_app, "britt", case, clock) as (ctx, report, _access):
        with pytest.raises(Refused):
            await handover.handover_candidates(ctx, report, Access.HANDLER)


async def test_closing_reopening_and_checkins(chat, demo_app: App, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    clock.now = MONDAY_10  # by day: the notices go at once (tests/test_words_at_night.py)
    case = await taken(chat)
    async with desk(demo_app, "kent", case, clock) as (ctx, report, access):
        with pytest.raises(Refused):  # the director may not close
            await closing.close_case(ctx, report, access, "yes", None, None)
    async with desk(demo_app, "anna", case, clock) as (ctx, report, access):
        assert await closing.toggle_checkins(ctx, report, access) == (
            "Jag slutar fråga hur du mår. Du kan alltid skriva till mig."
        )
        assert report.checkins is False
        started = await closing.toggle_checkins(ctx, report, access)
        assert started.startswith("Jag hör av mig till dig igen. Nästa avstämning:"), started
    async with desk(demo_app, "pia", case, clock) as (ctx, report, access):
        with pytest.raises(Refused):  # only the targeted person stops her check-ins
            await closing.toggle_checkins(ctx, report, access)
        with pytest.raises(Refused):
            await closing.reopen_case(ctx, report, access)  # it is open
        said = await closing.close_case(ctx, report, access, "yes", "Bra.", None)
        assert said.startswith(f"Ärende {case.ref} är avslutat. Tack.")
        assert report.status is ReportStatus.CLOSED
        assert CaseRepo(ctx.session, ctx.keyring).evaluation_of(report) == {
            "routine_applied": "yes",
            "routine": "Bra.",
            "plan": "",
        }
        assert {n.kind for n in ctx.notices} == {CASE_CLOSED}
        assert report.reporter_id in {n.recipient_id for n in ctx.notices}
        with pytest.raises(Refused):  # closing a closed case
            await closing.close_case(ctx, report, access, "yes", None, None)
    assert await pending(demo_app, CHECKIN, case.id) == []
    assert len(await pending(demo_app, PURGE, case.id)) == 1
    async with desk(demo_app, "pia", case, clock) as (ctx, report, access):
        said = await closing.reopen_case(ctx, report, access)
        assert said.startswith(f"Ärende {case.ref} är öppet igen.")
        assert {n.kind for n in ctx.notices} == {CASE_REOPENED}
    assert await pending(demo_app, PURGE, case.id) == []
    assert await pending(demo_app, CHECKIN, case.id)
    assert await audited(demo_app, "case_closed") == 1
    assert await audited(demo_app, "case_reopened") == 1


async def test_followup_date_in_the_future_is_refused_even_for_a_closed_day(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    case = await taken(chat)
    async with desk(demo_app, "per", case, clock) as (ctx, report, _access):  # not his case
        with pytest.raises(Refused):
            await followup.document_followup(
                ctx, report, Access.HANDLER, date(2020, 1, 1), "x", "y", "yes", "ordered"
            )


async def test_the_strategist_contacted_brings_the_unit_onto_a_party_case(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    """Per answered 3.1.1 "Har kommunens säkerhetsstrateg kontaktats? Ja" (he had called
    Sara), but Sara could not open the case, and 3.1.2, hers, stayed open for nobody."""
    case = await taken(chat)
    sara = chat("sara")
    assert "inget ärende" in await sara.say(f"/arende {case.ref}")
    async with desk(demo_app, "pia", case, clock) as (ctx, report, access):
        said = await checklist.answer_item(ctx, report, access, "3.1.1", "yes", "Ringde Sara")
        assert said.endswith(
            "Sara Strand på kommunens säkerhetsenhet har nu ärendet och sin del av checklistan."
        ), said
        [told] = [n for n in ctx.notices if n.kind == ITEM_OWNED]
        assert "3.1.2" in told.payload["items"] and "3.1.3" not in told.payload["items"]
        again = await checklist.answer_item(ctx, report, access, "3.1.1", "yes", None)
        assert "säkerhetsenhet" not in again  # brought in once
    shown = await sara.say(f"/arende {case.ref}")
    assert f"Ärende {case.ref} – öppet" in shown, shown


async def test_professional_support_needed_tells_the_unit_that_has_the_case_already(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    """About her municipal assignment Sara had the case from the start: "Behövs" at call 1
    told her nothing, as only a unit not yet on the case was told."""
    case = await submit_report(chat, "anna", "assignment")  # Pia and Sara at once
    await take(chat, "pia", case)
    async with desk(demo_app, "pia", case, clock) as (ctx, report, access):
        said = await followup.document_followup(
            ctx, report, access, clock.now.date(), "Anna, Pia", "Sover dåligt.", "yes", "assessed"
        )
        assert "Sara Strand på kommunens säkerhetsenhet har fått veta" in said, said
        [told] = [n for n in ctx.notices if n.kind == ITEM_OWNED]
        assert told.payload["items"] == ["3.2.4-professional-order"]
    async with desk(demo_app, "sara", case, clock) as (ctx, report, access):  # her own call
        await followup.document_followup(
            ctx, report, access, clock.now.date(), "Anna, Sara", "Bättre.", "yes", "assessed"
        )
        assert [n for n in ctx.notices if n.kind == ITEM_OWNED] == []  # not told of herself


async def test_professional_support_needed_tells_the_unit_which_orders_it(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    """Pia documented "Behövs, Sara beställer det" at call 1; nothing reached Sara, and the
    case closed with her item (3.2.4 företagshälsovård beställts) open."""
    case = await taken(chat)
    today = clock.now.date()
    async with desk(demo_app, "pia", case, clock) as (ctx, report, access):
        said = await followup.document_followup(
            ctx, report, access, today, "Anna, Pia", "Sover dåligt.", "yes", "assessed"
        )
        assert "Sara Strand på kommunens säkerhetsenhet har nu ärendet" in said, said
        [told] = [n for n in ctx.notices if n.kind == ITEM_OWNED]
        assert told.payload["items"] == ["3.2.4-professional-order"]
