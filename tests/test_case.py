"""/arende: the Oxelösund routine for one case, from the report to closing, and who may see it.

Helpers here (report quickly, take the alert, read the outbox) are shared with
tests/test_followups.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text

from bot import orgfile
from bot.app import App
from conversations.events import action_of
from conversations.followups import CHECKIN, FOLLOWUP_DUE, FOLLOWUP_FIRST
from conversations.notices import NOTICE_TOKEN
from conversations.report.form import ReportStep
from conversations.schedule import days_after, on_day
from storage.cases import CaseRepo
from storage.models import (
    Alert,
    CaseNote,
    ChecklistAnswer,
    FollowUp,
    OutboxMessage,
    Person,
    Report,
    ReportStatus,
    Timer,
    TimerState,
)
from tests.conftest import Chat, FakeClock
from tests.reporting import SKIPPED, Script, write_report

WHAT = "Ett hotfullt brev med min hemadress låg i brevlådan."
MONDAY_10 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # 10:00 in Stockholm (CET)
NO_CASE = "Det finns inget ärende"


def no_case(reply: str) -> bool:
    """The refusal, in Swedish or (for Bo) English."""
    return reply.startswith((NO_CASE, "There is no case"))


@dataclass(frozen=True)
class Submitted:
    id: str
    ref: str
    alert_id: str


async def submit_report(  # type: ignore[no-untyped-def]
    chat, handle: str = "anna", category: str = "party", *, police: bool = False
) -> Submitted:
    """Report through the chat: "it happened to me", the category, what happened; skip the rest
    (an internal case goes to the first three people offered). ``police``: she has decided
    on a police report."""
    person: Chat = chat(handle)
    ticks = {ReportStep.MEASURES: ["police_report"]} if police else {}
    skip = [step for step in SKIPPED if step not in ticks]
    script = Script(category=category, what=(WHAT,), skip=skip, choose=None, ticks=ticks)
    reply = await write_report(person, script)
    assert "Din rapport är skickad" in reply or "Your report is sent" in reply, reply
    async with person.app.db.unit_of_work() as session:
        report = (
            await session.scalars(
                select(Report)
                .join(Person, Person.id == Report.reporter_id)
                .where(Person.handle == handle, Report.status == ReportStatus.SUBMITTED)
                .order_by(Report.submitted_at.desc())
            )
        ).first()
        assert report is not None
        alert = (await session.scalars(select(Alert).where(Alert.report_id == report.id))).one()
        return Submitted(report.id, report.ref, alert.id)


async def take(chat, handle: str, case: Submitted) -> None:  # type: ignore[no-untyped-def]
    """Acknowledge the report's alert from the notice ("I'll take it")."""
    reply = await chat(handle).press(f"ack:{case.alert_id}", token=NOTICE_TOKEN)
    assert "Tack – det är ditt" in reply


async def person_ids(app: App) -> dict[str, int]:
    async with app.db.unit_of_work() as session:
        return {h: i for h, i in await session.execute(select(Person.handle, Person.id))}


async def outbox(app: App, after: int = 0) -> list[tuple[int, str, str, dict[str, Any]]]:
    """(id, recipient handle, kind, payload) of the outbox rows after row ``after``."""
    async with app.db.unit_of_work() as session:
        rows = await session.execute(
            select(OutboxMessage.id, Person.handle, OutboxMessage.kind, OutboxMessage.payload)
            .join(Person, Person.id == OutboxMessage.recipient_id)
            .where(OutboxMessage.id > after)
            .order_by(OutboxMessage.id)
        )
        return [(i, h, k, dict(p)) for i, h, k, p in rows]


async def last_outbox_id(app: App) -> int:
    rows = await outbox(app)
    return rows[-1][0] if rows else 0


def about(
    rows: list[tuple[int, str, str, dict[str, Any]]], case: Submitted
) -> list[tuple[str, str]]:
    """(recipient, kind) of the rows about one case (a report or its alerts)."""
    return [
        (handle, kind)
        for _id, handle, kind, payload in rows
        if payload.get("report") == case.id or payload.get("alert") == case.alert_id
    ]


FOLLOW_THROUGH = (FOLLOWUP_FIRST, FOLLOWUP_DUE, CHECKIN)


async def pending_timers(app: App, subject_prefix: str) -> list[tuple[str, datetime]]:
    """Pending follow-up and check-in timers of a case (by subject prefix: the report id)."""
    async with app.db.unit_of_work() as session:
        rows = await session.execute(
            select(Timer.kind, Timer.due_at)
            .where(
                Timer.state == TimerState.PENDING,
                Timer.subject.startswith(subject_prefix),
                Timer.kind.in_(FOLLOW_THROUGH),
            )
            .order_by(Timer.due_at)
        )
        return [(kind, due) for kind, due in rows]


# --- the whole routine -----------------------------------------------------------------------

# Pia's checklist items, in the order they are offered: (item, answer, comment or text).
PIA = [
    ("3.1.1", "yes", "Sara ringd 10:15"),
    ("3.2.1-initial-support", "yes", "Kamraten Lisa"),
    ("3.2.1-relatives", "no", None),
    ("3.2.1-support-person", "yes", "Maken Erik"),
    ("3.2.2-healthcare", "na", None),
    ("3.2.2-company", "na", "Ingen transport behövdes"),
    ("3.2.2-support-measures", "text", "Lisa stannar hos Anna i kväll"),
    ("3.2.3", "text", "Gruppledaren och partistyrelsen"),
    ("3.2.4-conversation", "no", "Bokas i veckan"),
    ("3.2.4-documented", "no", None),
    ("3.2.4-more-conversations", "yes", None),
    ("3.2.4-professional-need", "yes", "Företagshälsovården tillfrågad"),
]
# a case the plan sent to the unit: 3.1.1 is done by the sending, not Pia's to answer
PIA_SENT = [answer for answer in PIA if answer[0] != "3.1.1"]
SITUATION = "Anna sover dåligt men känner sig tryggare med larmet hemma."


async def answer_items(person: Chat, answers: list[tuple[str, str, str | None]], app: App) -> str:
    """Answer items as they are offered; check each offered item is the expected one."""
    checks = {i.id: i.check.get("sv") for i in app.packs.get("oxelosund").checklist}
    reply = await person.press("case:check")
    for item, answer, comment in answers:
        assert checks[item] in reply, (item, reply)
        if answer == "text":
            assert "Skriv ditt svar." in reply
            reply = await person.say(str(comment))
            continue
        assert [i for i, _, _ in person.buttons][:3] == ["check:yes", "check:no", "check:na"]
        saved = await person.press(f"check:{answer}")
        assert saved.startswith("Sparat: ")
        reply = await (person.say(comment) if comment else person.press("check:skip"))
    return reply


async def test_the_oxelosund_routine_from_report_to_closing(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    clock.now = MONDAY_10
    runner = demo_app.timer_runner()
    ids = await person_ids(demo_app)
    # The municipal assignment: the municipal security unit is told at once, with Pia.
    case = await submit_report(chat, "anna", "assignment", police=True)
    # Kent owns 3.1.3: she decided on a police report, so he is told the case needs him (once)
    assert about(await outbox(demo_app), case) == [
        ("pia", "alert"),
        ("sara", "alert"),
        ("kent", "item_owned"),
    ]
    await take(chat, "pia", case)

    # Pia: the whole case, her open items, the report, closing.
    pia, sara, kent, anna = chat("pia"), chat("sara"), chat("kent"), chat("anna")
    view = await pia.say(f"/arende {case.ref.lower().replace('-', '')}")
    assert view.startswith(f"Ärende {case.ref} – öppet")
    assert "Rapporterat av: Anna Berg, +46 70 174 06 10 (Gröna partiet)" in view
    assert "· 3.1.3 Har händelsen polisanmälts? (kommunchef)" in view
    # whose the open items are, said once: hers by the routine, and the case's
    # 3.1.1 is done: the plan sent the report to Sara at the unit
    assert "Checklista – 11 öppna för dig, 14 i ärendet:" in view
    assert "✓ 3.1.1 Kommunens säkerhetsenhet är kontaktad (Sara Strand)." in view
    assert [action_of(i) for i, _, _ in pia.buttons] == [
        "case:check",
        "case:book",
        "case:move",
        "case:followup",
        "case:note",
        "case:write",
        f"show:{case.id}",
        "case:pdf",
        "case:close",
        "case:handover",
        "case:file",  # the whole case file, last: no other button moves
    ]
    clock.advance(minutes=30)
    pia_at = clock.now
    done = await answer_items(pia, PIA_SENT, demo_app)
    assert done.endswith(  # done, said in a line: not the whole case again
        "Du har inga öppna punkter i checklistan för det här ärendet. Tack.\n[1] Visa ärendet"
    ), done
    assert "Checklista" not in done and "3.1.1" not in done
    done = await pia.press("case:view")  # the case when she asks for it
    assert "Checklista – 0 öppna för dig" not in done
    assert "Checklista – 3 öppna i ärendet, inga för dig:" in done
    assert (
        "✓ 3.2.3 Följande har informerats om händelsen: – Gruppledaren och partistyrelsen" in done
    )
    # Each item says its state honestly, and who answered when (the form's "Check!" column).
    assert "✗ 3.2.1 Har den utsattas anhöriga informerats? – Nej, Pia Lind i dag kl. 10.30" in done
    assert (
        "– 3.2.2 Har den utsatta haft sällskap vid transport samt i avvaktan på stödperson? – "
        "Inte aktuellt, Pia Lind i dag kl. 10.30\n"
        "    Intern anteckning: Ingen transport behövdes"
    ) in done
    assert "Svara på nästa punkt" not in done
    # Pia, who handles it, may read the report itself (Kent, below, may not).
    shown = await pia.press(f"show:{case.id}", token=NOTICE_TOKEN)
    assert shown.startswith(f"Incidentrapport {case.ref}") and WHAT in shown

    # Sara (municipal security unit, alerted with Pia) answers 3.1.2 and leaves the rest.
    clock.advance(minutes=30)
    sara_at = clock.now
    assert "Checklista – 2 öppna för dig, 3 i ärendet:" in await sara.say(f"/arende {case.ref}")
    offered = await sara.press("case:check")
    assert offered.startswith("3.1.2: Polisen kontaktas för bedömning")
    await sara.press("check:yes")
    offered = await sara.say("Polisen i Nyköping, diarienr 5000-K1")
    assert "Har professionellt stöd via kommunens företagshälsovård beställts?" in offered
    assert "Checklista – 1 öppen för dig, 2 i ärendet:" in await sara.press("case:view")

    # Kent (municipal director): header and checklist only, never the report; he owns 3.1.3.
    clock.advance(minutes=30)
    kent_at = clock.now
    view = await kent.say(f"/arende {case.ref}")
    assert "Checklista – 1 öppen för dig, 2 i ärendet:" in view, view
    assert WHAT not in view and "Visa rapporten" not in view
    assert [action_of(i) for i, _, _ in kent.buttons] == ["case:check", "case:pdf"]
    offered = await kent.press("case:check")
    assert "3.1.3: Polisanmälan görs om den utsatta beslutar så." in offered
    await kent.press("check:yes")
    assert "Du har inga öppna punkter" in await kent.say("Anmält via polisen.se, K-2")
    refused = await kent.press(f"show:{case.id}", token=NOTICE_TOKEN)
    assert "Den rapporten är inte tillgänglig för dig." in refused and WHAT not in refused

    # Anna: her own case in plain language, without who is responsible for what.
    view = await anna.say(f"/arende {case.ref}")
    assert "Det här har gjorts i ditt ärende:" in view
    assert "✓ Kommunens säkerhetsenhet är kontaktad (Sara Strand)." in view
    assert "✓ Har händelsen polisanmälts? – Ja, Kent Dahl i dag kl. 11.30" in view
    # the comments are internal notes: not for her
    assert (
        "Sara ringd" not in view
        and "Anmält via polisen.se, K-2" not in view
        and "Intern anteckning" not in view
    )
    # what is still open for the staff is theirs, not a list of what was "done"
    assert "Har professionellt stöd via kommunens företagshälsovård beställts?" not in view
    assert "3.1.1" not in view and "3.2.4" not in view  # the plan's numbers are the staff's
    for internal in (
        "Checklista:",
        "(partiets säkerhetsansvarig",
        "(kommunchef)",
        "Rapporterat av",
    ):
        assert internal not in view
    # 3.2.4's need of support is hers too (with Pia): she may change its answer
    assert [label for _, label, _ in anna.buttons] == [
        "Ändra ett svar",
        "Flytta avstämningen",
        "PDF för polisanmälan",
        "Vad gör jag nu?",
        "Stoppa avstämningarna",
    ]

    # Every answer is recorded with who and when; comments are sealed at rest.
    expected = {item: (answer, comment, "pia", pia_at) for item, answer, comment in PIA_SENT}
    expected["3.1.2"] = ("yes", "Polisen i Nyköping, diarienr 5000-K1", "sara", sara_at)
    expected["3.1.3"] = ("yes", "Anmält via polisen.se, K-2", "kent", kent_at)
    handles = {v: k for k, v in ids.items()}
    async with demo_app.db.unit_of_work() as session:
        report = await session.get(Report, case.id)
        assert report is not None
        state = await CaseRepo(session, demo_app.keyring).checklist(report)
        raw = (
            await session.scalars(
                select(ChecklistAnswer.comment).where(ChecklistAnswer.report_id == case.id)
            )
        ).all()
    got = {
        item: (s.answer, s.comment, handles[s.answered_by or 0], s.answered_at)
        for item, s in state.items()
    }
    assert got == expected
    sealed = b"".join(c for c in raw if c)
    assert b"Maken Erik" not in sealed and "Nyköping".encode() not in sealed

    # Day 1 and 2: Anna is asked how she is; Pia (who took it) is asked to book follow-up 1.
    mark = await last_outbox_id(demo_app)
    clock.now = days_after(MONDAY_10, 2)
    assert await runner.run_due() == 2
    assert about(await outbox(demo_app, mark), case) == [
        ("anna", "checkin_ask"),
        ("pia", "followup_nudge"),
    ]

    # Day 5: follow-up 1 is documented: date, present, situation, needs.
    clock.now = days_after(MONDAY_10, 5)  # Saturday 28 Nov
    await pia.say(f"/arende {case.ref}")
    asked = await pia.press("case:followup")
    assert asked.startswith("Uppföljningssamtal 1. När hölls det?")
    assert "Skriv dagen det hölls" in await pia.say("2026-12-24")
    said = await pia.say("2026-11-27")
    assert said == "Jag skrev: hölls fredag 27 november.\nVilka deltog?\n[1] Tillbaka", said
    assert "Nuläge och behov av fortsatt stöd" in await pia.say("Anna, Pia och Sara")
    assert "Behöver Anna Berg fortsatt stöd?" in await pia.say(SITUATION)
    assert "Professionellt stöd (företagshälsovård)?" in await pia.press("fu:yes")
    asked = await pia.press("fu:assessed")
    assert asked.startswith("Uppföljningssamtal 1 är dokumenterat.\n"), asked
    assert "besvarat" not in asked  # 3.2.4 was answered by hand before: those answers stand
    assert "När ska uppföljningssamtal 2 hållas?" in asked
    fu1_at = clock.now
    # Follow-up 2 in two weeks: a day, not a time (a Saturday: the Monday after); the bot
    # reminds Pia that morning.
    planned = await pia.press("next:14")
    second = on_day(date(2026, 12, 14), time(8))
    assert planned == (  # what was done, and the case one press away
        "Uppföljningssamtal 2 är planerat till omkring måndag 14 december, utan tid än. "
        "Jag påminner dig på morgonen den dagen, så att du kan boka en tid med Anna Berg."
        "\n[1] Ändra dagen för samtal 2  [2] Visa ärendet"  # the day can be changed at once
    ), planned
    planned = await pia.press("case:view")
    assert "Uppföljningssamtal 1: hölls 27 november\n  Deltog: Anna, Pia och Sara" in planned
    assert f"  Anteckningar (interna): {SITUATION}" in planned
    assert "Uppföljningssamtal 2 med Anna Berg: omkring måndag 14 december, ingen tid bokad än" in (
        planned
    )

    async with demo_app.db.unit_of_work() as session:
        rows = {r.number: r for r in await session.scalars(select(FollowUp))}
        report = await session.get(Report, case.id)
        notes = CaseRepo(session, demo_app.keyring).notes_of(rows[1])
        raw_notes = (
            await session.execute(text("SELECT notes FROM followup WHERE number = 1"))
        ).scalar_one()
    assert (rows[1].status, rows[1].documented_by, rows[1].documented_at) == (
        "documented",
        ids["pia"],
        fu1_at,
    )
    assert notes == {
        "date": "2026-11-27",
        "present": "Anna, Pia och Sara",
        "situation": SITUATION,
        "continued_support": "yes",
        "professional_support": "assessed",
    }
    assert SITUATION.encode() not in bytes(raw_notes) and b"Sara" not in bytes(raw_notes)
    assert (rows[2].status, rows[2].planned_for, rows[2].planned_day) == (
        "planned",
        None,
        date(2026, 12, 14),
    )

    # Days 10 and 14 pass quietly (follow-up 1 is documented); day 7 asks Anna again.
    mark = await last_outbox_id(demo_app)
    clock.now = second - timedelta(days=1)
    await runner.run_due()
    assert about(await outbox(demo_app, mark), case) == [("anna", "checkin_ask")]
    mark = await last_outbox_id(demo_app)
    clock.now = second
    assert await runner.run_due() == 1
    [(_id, handle, kind, payload)] = await outbox(demo_app, mark)
    assert (handle, kind, payload) == (
        "pia",
        "followup_nudge",
        {"report": case.id, "n": 2, "stage": "due"},
    )

    # Follow-up 2 is held; follow-up 3 is not needed.
    await pia.say(f"/arende {case.ref}")
    assert (await pia.press("case:followup")).startswith("Uppföljningssamtal 2.")
    await pia.press("fu:today")
    await pia.say("Anna och Pia")
    await pia.say("Det har lugnat sig.")
    await pia.press("fu:no")
    assert "När ska uppföljningssamtal 3 hållas?" in await pia.press("fu:not_needed")
    view = await pia.press("next:none")
    assert "Noterat: uppföljningssamtal 3 behövs inte." in view
    assert "Uppföljningssamtal 3: behövs inte" in await pia.press("case:view")

    # Closing with the form's evaluation.
    closing = [q.get("sv") for q in demo_app.packs.get("oxelosund").followup.closing]  # type: ignore[union-attr]
    clock.advance(hours=2)
    confirm = await pia.press("case:close")
    assert confirm.startswith(  # whose, and which step: the card listed them whole
        "Kvar i checklistan: 1 öppen i ärendet, ingen för dig.\n• För andra: 3.2.4\n"
    ), confirm
    step = "Innan ärendet avslutas: fråga {} av 3.\n"  # the form's own words, asked in turn
    assert (await pia.press("close:confirm")).startswith(step.format(1) + closing[0])
    assert (await pia.press("applied:yes")).startswith(step.format(2) + closing[1])
    said = await pia.say("Strategen borde nås även kvällstid.")
    assert said.startswith(step.format(3) + closing[2])
    assert f"Ärende {case.ref} är avslutat. Tack." in await pia.press("close:skip")
    async with demo_app.db.unit_of_work() as session:
        report = await session.get(Report, case.id)
        assert report is not None
        evaluation = CaseRepo(session, demo_app.keyring).evaluation_of(report)
        assert (report.status, report.closed_by, report.closed_at) == (
            ReportStatus.CLOSED,
            ids["pia"],
            clock.now,
        )
    assert evaluation == {
        "routine_applied": "yes",
        "routine": "Strategen borde nås även kvällstid.",
        "plan": "",
    }
    assert await pending_timers(demo_app, case.id) == []
    view = await pia.say(f"/arende {case.ref}")
    assert view.startswith(f"Ärende {case.ref} – avslutat")
    assert pia.last_buttons == ["case:pdf", "case:reopen", f"show:{case.id}", "case:file"]
    assert (await anna.say(f"/arende {case.ref}")).startswith(f"Ärende {case.ref} – avslutat")
    # who closed it, and when: her card and Pia's own say so
    assert "\nAvslutat i dag kl. " in anna.text(anna.last), anna.text(anna.last)
    assert " av Pia Lind\n" in anna.text(anna.last), anna.text(anna.last)
    assert " av dig\n" in await pia.say(f"/arende {case.ref}")
    assert anna.last_buttons == ["case:pdf"]

    # A closed case receives nothing more, even from a timer that was somehow left behind.
    async with demo_app.db.unit_of_work() as session:
        for kind in ("checkin", "followup_first"):
            session.add(
                Timer(
                    kind=kind,
                    subject=case.id,
                    due_at=clock.now,
                    state=TimerState.PENDING,
                    payload={},
                )
            )
    mark = await last_outbox_id(demo_app)
    clock.advance(days=60)
    await runner.run_due()
    assert about(await outbox(demo_app, mark), case) == []


async def her_taken_case(chat, clock: FakeClock) -> tuple[Submitted, Chat]:  # type: ignore[no-untyped-def]
    """Anna's report on a Monday morning, taken by Pia; Anna's chat."""
    clock.now = MONDAY_10
    case = await submit_report(chat)
    await take(chat, "pia", case)
    return case, chat("anna")


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_the_targeted_person_may_not_know(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    """ "vet inte" at her item got "Välj nu svaret på punkt 3.1.1:" and the routine's whole
    text for staff again."""
    case, anna = await her_taken_case(chat, clock)
    await anna.say(f"/arende {case.ref}")
    await anna.press("case:check")
    said = await anna.say("vet inte")
    assert said.startswith(
        "Då lämnar jag den öppen. De som hanterar ditt ärende kan gå igenom den med dig."
    ), said
    assert said.endswith(  # not her whole case again, nor the same question
        "gå igenom den med dig.\n[1] Visa ärendet"
    ), said
    await anna.press("case:view")
    await anna.press("case:check")
    assert (await anna.press("check:unsure")).startswith("Då lämnar jag den öppen.")


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_the_targeted_person_answers_her_own_items(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    case, anna = await her_taken_case(chat, clock)
    assert "Svara på nästa punkt" in await anna.say(f"/arende {case.ref}")
    offered = await anna.press("case:check")
    assert offered.startswith(
        "En fråga om ditt ärende:\nHar du eller Pia Lind kontaktat kommunens "
        "säkerhetsstrateg?\n[1] Ja"
    ), offered
    assert "informerar partiets säkerhetsansvarig" not in offered  # the routine, for staff
    assert "check:unsure" in anna.last_buttons
    assert "Sparat: Ja." in await anna.press("check:yes")
    offered = await anna.press("check:skip")
    assert "Har du och de som hanterar ditt ärende bedömt om du behöver professionellt" in offered
    view = await anna.press("case:view")
    assert "Det här har gjorts i ditt ärende" in view and "Svara på nästa punkt" in view
    assert "Det här är ditt att svara på:\n· Har du och de som hanterar ditt ärende" in view
    # Pia no longer gets 3.1.1; it shows who answered it (the answer, not the role).
    view = await chat("pia").say(f"/arende {case.ref}")
    assert "Checklista – 11 öppna för dig, 14 i ärendet:" in view
    assert "✓ 3.1.1 Har kommunens säkerhetsstrateg kontaktats? – Ja" in view
    async with demo_app.db.unit_of_work() as session:
        row = (await session.scalars(select(ChecklistAnswer))).one()
    assert (row.item_id, row.answer, row.answered_by, row.answered_at) == (
        "3.1.1",
        "yes",
        (await person_ids(demo_app))["anna"],
        MONDAY_10,
    )
    # The follow-ups and closing stay with those who handle the case.
    assert [action_of(i) for i, _, _ in anna.buttons] == [
        "case:check",
        "case:change",
        "case:move",
        "case:pdf",
        f"advice:{case.id}",
        "case:stop_checkins",
    ]


# --- who may open a case ---------------------------------------------------------------------

OTHER_MUNICIPALITY = """
municipalities:
  - key: norrby
    name: Norrby kommun
    security_unit_phone: "+46 8 465 004 30"
    pack: oxelosund
people:
  - handle: nils
    name: Nils Ny
    role: municipal_director
    municipality: norrby
    phone: "+46 8 465 004 31"
    language: sv
"""


async def test_who_may_open_a_case(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock, tmp_path: Path
) -> None:
    path = tmp_path / "norrby.yaml"
    path.write_text(OTHER_MUNICIPALITY, encoding="utf-8")
    async with demo_app.db.unit_of_work() as session:
        await orgfile.apply(session, orgfile.parse(path), demo_app.keyring, now=clock.now)
    case = await submit_report(chat, "anna", "party")  # Pia first, then Per, then Sara

    opens = {}
    for handle in ("anna", "pia", "per", "sara", "kent", "bo", "britt", "nils"):
        opens[handle] = not no_case(await chat(handle).say(f"/arende {case.ref}"))
    assert opens == {
        "anna": True,  # her own case
        "pia": True,  # alerted
        "per": False,  # next in line, not alerted yet
        "sara": False,  # not alerted yet
        "kent": True,  # the municipal director (checklist only)
        "bo": False,  # another party
        "britt": False,  # another party's security contact
        "nils": False,  # the director of another municipality
    }
    britt = chat("britt")
    assert f"Det finns inget ärende {case.ref} som du kan se." in await britt.say(
        f"/arende {case.ref}"
    )
    for guess in ("AAAA-AAAA", "K7M4-QX2P", case.ref[:-1] + "Z", "x" * 40, "'; --"):
        assert NO_CASE in await britt.say(f"/arende {guess}")
        assert NO_CASE in await chat("per").say(f"/arende {guess}")
    refused = await britt.press(f"show:{case.id}", token=NOTICE_TOKEN)
    assert refused == "Den rapporten är inte tillgänglig för dig."

    # Nobody took it within two hours: the alert escalates to Per, who may now open it.
    clock.advance(hours=2)
    await demo_app.timer_runner().run_due()
    view = await chat("per").say(f"/arende {case.ref}")
    assert view.startswith(f"Ärende {case.ref} – öppet") and "Visa rapporten" in view
    assert NO_CASE in await chat("sara").say(f"/arende {case.ref}")
    clock.advance(hours=2)
    await demo_app.timer_runner().run_due()
    assert "Visa rapporten" in await chat("sara").say(f"/arende {case.ref}")

    # An internal case (within the party) is not shown to the municipal director.
    internal = await submit_report(chat, "anna", "internal")
    assert no_case(await chat("kent").say(f"/arende {internal.ref}"))
    assert "Checklista –" in await chat("pia").say(f"/arende {internal.ref}")


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_her_own_comment_on_an_item_is_shown_as_hers_not_as_an_internal_note(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    case, anna = await her_taken_case(chat, clock)
    await anna.say(f"/arende {case.ref}")
    await anna.press("case:check")
    await anna.press("check:yes")
    await anna.say("Jag ringde henne i går")
    view = await chat("pia").say(f"/arende {case.ref}")
    assert "    Kommentar från Anna Berg: Jag ringde henne i går" in view, view
    assert "Intern anteckning: Jag ringde" not in view


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_the_contact_is_told_in_the_chat_that_the_unit_has_the_case(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    """Pia answered 3.1.1 "Ja" in the chat and read only "Sparat: Ja", not that Sara now
    had the case (the web console said so)."""
    clock.now = MONDAY_10
    case = await submit_report(chat)
    await take(chat, "pia", case)
    pia = chat("pia")
    await pia.say(f"/arende {case.ref}")
    assert (await pia.press("case:check")).startswith("3.1.1:")
    said = await pia.press("check:yes")
    assert "Sara Strand på kommunens säkerhetsenhet har nu ärendet" in said, said


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_her_question_at_the_comment_goes_to_those_handling_it(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    """Bo typed "What do I do now?" at "Add a comment, or skip": it was saved, silently, as
    the comment on his answer, where nobody would answer it."""
    case, anna = await her_taken_case(chat, clock)
    await anna.say(f"/arende {case.ref}")
    await anna.press("case:check")
    await anna.press("check:yes")
    said = await anna.say("Vad gör jag nu?")
    assert "Jag har sparat det du skrev i ditt ärende" in said, said
    async with demo_app.db.unit_of_work() as session:
        row = (await session.scalars(select(ChecklistAnswer))).one()
        notes = list(await session.scalars(select(CaseNote)))
    assert row.comment is None and len(notes) == 1
