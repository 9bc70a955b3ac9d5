"""Issue 18, items 3, 4 and 8: the checklist says honestly what was answered, by whom and when,
and its role can change it; notes are internal unless sent to the targeted person; closing
asks about open items, tells everyone who follows the case, and a case can be reopened.

Each role tries what it may not, in the conversation and in storage (a forged button never
reaches a handler; storage refuses a call made anyway).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select

from bot.app import App
from conversations.events import Reply, action_of
from conversations.followups import (
    CHECKIN,
    FOLLOWUP_CALL,
    FOLLOWUP_FIRST,
    PURGE,
    PURGE_WARNING,
)
from conversations.notices import NOTICE_TOKEN
from storage.access import Access
from storage.calls import CallRepo
from storage.cases import CaseRepo
from storage.directory import DirectoryRepo
from storage.errors import NotAllowed, NotFound
from storage.models import (
    AuditEntry,
    CaseNote,
    ChecklistAnswer,
    Report,
    ReportStatus,
    Timer,
    TimerState,
)
from storage.viewer import Viewer
from tests.conftest import Chat, FakeClock
from tests.test_case import (
    MONDAY_10,
    Submitted,
    about,
    last_outbox_id,
    no_case,
    outbox,
    pending_timers,
    submit_report,
    take,
)

PARTY = ["party_security"]
DIRECTOR = ["municipal_director"]
UNIT = ["municipal_security"]
NOTE = "Ska prata med Anna imorgon om det"


async def viewers(app: App, *handles: str) -> dict[str, Viewer]:
    async with app.db.unit_of_work() as session:
        found = {h: await DirectoryRepo(session).person_by_handle(h) for h in handles}
    return {h: Viewer.of(p) for h, p in found.items() if p is not None}


async def actions(app: App, action: str) -> list[tuple[str, str]]:
    """(actor, subject) of the audit entries of one action."""
    async with app.db.unit_of_work() as session:
        rows = await session.execute(
            select(AuditEntry.actor, AuditEntry.subject)
            .where(AuditEntry.action == action)
            .order_by(AuditEntry.id)
        )
        return [(actor, subject) for actor, subject in rows]


class _Keep:
    """A console transport that keeps what the outbox sends."""

    channel = "console"

    def __init__(self) -> None:
        self.sent: list[Reply] = []

    async def send(self, address: str, replies: Any, priority: int = 3) -> None:
        self.sent += list(replies)


async def delivered(app: App) -> list[Reply]:
    """Send what is due in the outbox; return the messages."""
    keep = _Keep()
    sender = app.outbox_sender(keep)
    while await sender.deliver_due():
        pass
    return keep.sent


async def in_storage(app: App, case: Submitted, act: Any) -> Any:
    """Run ``act(repo, report)`` in a unit of work; return its result or the exception."""
    async with app.db.unit_of_work() as session:
        report = await session.get(Report, case.id)
        assert report is not None
        try:
            return await act(CaseRepo(session, app.keyring), report)
        except NotFound as refused:
            return refused


async def the_unit_case(chat: Any, clock: FakeClock, category: str = "assignment") -> Submitted:
    """Anna reports (municipal assignment: Pia and Sara are alerted); Pia takes it.
    ``category`` "party": only Pia is alerted, 3.1.1 is hers to answer."""
    clock.now = MONDAY_10
    for handle in ("pia", "sara", "kent"):
        await chat(handle).say("/hjalp")  # their chats exist, so pushes reach them
    case = await submit_report(chat, "anna", category)
    await take(chat, "pia", case)
    return case


# --- item 3: the checklist ---------------------------------------------------------------------


async def test_a_no_reads_as_no_and_its_role_can_change_it(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    case = await the_unit_case(chat, clock, "party")  # 3.1.1 is not done by the sending
    pia = chat("pia")
    await pia.say(f"/arende {case.ref}")
    clock.advance(minutes=12)
    offered = await pia.press("case:check")
    assert "Har kommunens säkerhetsstrateg kontaktats?" in offered
    saved = await pia.press("check:no")
    assert "Kommentaren är intern: Anna Berg ser den inte." in saved
    view = await pia.press("check:skip")
    view = await pia.press("case:view")
    line = "✗ 3.1.1 Har kommunens säkerhetsstrateg kontaktats? – Nej, Pia Lind i dag kl. 10.12"
    assert line in view
    assert "✓ 3.1.1" not in view
    assert "· 3.1.2 Har polisen kontaktats för en bedömning av händelsen?" in view

    # Pia changes her answer: the same question, showing the answer it has now.
    clock.advance(hours=1)
    listed = await pia.press("case:change")
    assert listed.startswith("Vilket svar vill du ändra?")
    assert "chg:3.1.1" in [i for i, _, _ in pia.buttons]
    asked = await pia.press("chg:3.1.1")
    assert (
        "Har kommunens säkerhetsstrateg kontaktats?\nNu: Nej, Pia Lind i dag kl. 10.12\n" in asked
    )
    await pia.press("check:yes")
    done = await pia.say("Sara nådd på mobilen")
    assert done == (  # what was done and her next item: not the whole case again
        "Ändrat. Det tidigare svaret finns kvar i ärendets historik.\n"
        "Nästa punkt för dig: 3.2.1 Har den utsatta fått initialt stöd i den utsatta situationen?\n"
        "[1] Svara på nästa punkt  [2] Visa ärendet"
    ), done
    done = await pia.press("case:view")  # the case when she asks for it
    assert (
        "✓ 3.1.1 Har kommunens säkerhetsstrateg kontaktats? – Ja, Pia Lind i dag kl. 11.12 "
        "(ändrat, förut: Nej)\n    Intern anteckning: Sara nådd på mobilen"
    ) in done

    # Both answers are kept; the change is audited (subject: the reference, never text).
    async with demo_app.db.unit_of_work() as session:
        rows = (
            await session.execute(
                select(ChecklistAnswer.item_id, ChecklistAnswer.answer)
                .where(ChecklistAnswer.report_id == case.id)
                .order_by(ChecklistAnswer.id)
            )
        ).all()
    assert [tuple(r) for r in rows] == [("3.1.1", "no"), ("3.1.1", "yes")]
    assert await actions(demo_app, "checklist_changed") == [("pia", case.ref)]


async def test_only_the_role_responsible_may_answer_or_change_an_item(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    clock.now = MONDAY_10
    case = await submit_report(chat, "anna", "party")  # Pia is alerted; Per is next in line
    await take(chat, "pia", case)
    pia, per, kent, anna = chat("pia"), chat("per"), chat("kent"), chat("anna")
    await pia.say(f"/arende {case.ref}")
    await pia.press("case:check")
    await pia.press("check:no")  # 3.1.1
    await pia.press("check:skip")

    # In the conversation: Kent's change list holds only his item; a forged button is stale.
    await kent.say(f"/arende {case.ref}")
    assert [action_of(i) for i, _, _ in kent.buttons] == ["case:check", "case:pdf"]
    for chat_, button in ((kent, "chg:3.1.1"), (per, "chg:3.1.1"), (anna, "chg:3.1.2")):
        await chat_.say(f"/arende {case.ref}")
        await chat_.press(button, token=NOTICE_TOKEN)
        await chat_.press("check:yes", token=NOTICE_TOKEN)
    await kent.press("case:check")
    await kent.press("check:no")  # 3.1.3 is his
    await kent.press("check:skip")
    await kent.press("case:view")
    await kent.press("case:change")
    assert [action_of(i) for i, _, _ in kent.buttons] == ["chg:3.1.3", "case:view"]

    # In storage: the call is refused whatever the flow was made to do.
    who = await viewers(demo_app, "pia", "per", "kent", "anna", "sara", "britt")
    refused = {
        "kent changes 3.1.1 (the party's)": ("kent", "3.1.1", PARTY),
        "per, not alerted, answers 3.2.1": ("per", "3.2.1-relatives", PARTY),
        "per answers the director's 3.1.3": ("per", "3.1.3", DIRECTOR),
        "anna answers the unit's 3.1.2": ("anna", "3.1.2", UNIT),
        "pia answers the unit's 3.1.2": ("pia", "3.1.2", UNIT),
        "pia changes the director's 3.1.3": ("pia", "3.1.3", DIRECTOR),
        "britt (another party)": ("britt", "3.1.1", PARTY),
        "sara, not alerted": ("sara", "3.1.2", UNIT),
    }
    for what, (handle, item, responsible) in refused.items():

        async def answer(
            repo: CaseRepo,
            report: Report,
            h: str = handle,
            i: str = item,
            r: list[str] = responsible,
        ) -> Any:
            return await repo.answer_item(who[h], report, i, "yes", None, clock.now, responsible=r)

        assert isinstance(await in_storage(demo_app, case, answer), NotFound), what

    async def kent_comments_on_pias(repo: CaseRepo, report: Report) -> Any:
        return await repo.comment_item(who["kent"], report, "3.1.1", "Kent var här", clock.now)

    assert isinstance(await in_storage(demo_app, case, kent_comments_on_pias), NotAllowed)

    async def forged_answer(repo: CaseRepo, report: Report) -> Any:
        return await repo.answer_item(
            who["pia"], report, "3.1.1", "maybe", None, clock.now, responsible=PARTY
        )

    assert isinstance(await in_storage(demo_app, case, forged_answer), NotAllowed)
    async with demo_app.db.unit_of_work() as session:
        rows = (
            await session.execute(
                select(ChecklistAnswer.item_id, ChecklistAnswer.answer).order_by(ChecklistAnswer.id)
            )
        ).all()
    assert [tuple(r) for r in rows] == [("3.1.1", "no"), ("3.1.3", "no")]

    # Anna shares 3.1.1 with Pia (the routine says so): she may change it.
    async def anna_changes(repo: CaseRepo, report: Report) -> Any:
        return await repo.answer_item(
            who["anna"], report, "3.1.1", "yes", None, clock.now, responsible=["targeted", *PARTY]
        )

    before = await in_storage(demo_app, case, anna_changes)
    assert before.answer == "no"


async def test_the_director_is_told_once_per_case_that_needs_him(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    """Kent owns 3.1.3: he is told when the case is submitted, even on a party case where
    nobody ever answers 3.1.2; once per case; never for an internal case (no access)."""
    clock.now = MONDAY_10
    for handle in ("pia", "sara", "kent", "per", "britt"):
        await chat(handle).say("/hjalp")  # their chats exist, so pushes reach them
    mark = await last_outbox_id(demo_app)
    party = await submit_report(chat, "anna", "party", police=True)
    rows = await outbox(demo_app, mark)
    owned = [(h, k, p) for _i, h, k, p in rows if k == "item_owned"]
    assert owned == [("kent", "item_owned", {"report": party.id, "items": ["3.1.3"]})]
    push = next(r for r in await delivered(demo_app) if "Din del av checklistan" in r.text)
    assert push.text == (  # what to do, and whom to ask: he never reads the report itself
        f"Ärende {party.ref} behöver dig. Din del av checklistan:\n"
        "• 3.1.3 Har händelsen polisanmälts?\n"
        "Polisanmälan görs om den utsatta beslutar så. Anmälaren begär att polisanmälan blir "
        "åtkomstskyddad. Anmälaren uppger att händelsen har koppling till den utsattas "
        "politiska uppdrag.\n"
        "Rapporterat av Anna Berg.\n"
        "Pia Lind (+46 70 174 06 11) har rapporten och kan berätta vad som har hänt."
    )
    assert "grannen" not in push.text  # never the report's words
    [[button]] = push.buttons
    assert (button.id, button.label) == (f"cmd:arende {party.ref}", f"Öppna ärende {party.ref}")
    view = await chat("kent").press(button.id, token=NOTICE_TOKEN)
    assert "Checklista – 1 öppen för dig, 15 i ärendet:" in view, view

    # A unit case: told at once; Sara's answer to 3.1.2, just before his, tells him nothing more.
    await chat("bo").say("/hjalp")
    mark = await last_outbox_id(demo_app)
    unit = await submit_report(chat, "bo", "assignment", police=True)
    await take(chat, "sara", unit)
    sara = chat("sara")
    await sara.say(f"/arende {unit.ref}")
    assert (await sara.press("case:check")).startswith("3.1.2:")
    await sara.press("check:yes")
    await sara.press("check:skip")
    rows = await outbox(demo_app, mark)
    owned = [(h, p["report"]) for _i, h, k, p in rows if k == "item_owned"]
    assert owned == [("kent", unit.id)]  # one push per case, not one per item

    # An internal case: Kent has no access, so nobody is told about items.
    clock.advance(minutes=5)  # (her cases are told apart by when they were sent)
    mark = await last_outbox_id(demo_app)
    internal = await submit_report(chat, "anna", "internal", police=True)
    rows = await outbox(demo_app, mark)
    assert rows and [k for _i, _h, k, _p in rows if k == "item_owned"] == []
    assert "kent" not in [h for _i, h, _k, _p in rows]
    assert no_case(await chat("kent").say(f"/arende {internal.ref}"))


async def test_the_director_is_not_told_before_she_decides_on_a_police_report(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    """Kent was told of every case at 08:00, "Ärende … behöver dig: 3.1.3 Har händelsen
    polisanmälts?", before Anna had decided anything: he files one only if she decides so."""
    clock.now = MONDAY_10
    for handle in ("pia", "kent"):
        await chat(handle).say("/hjalp")
    mark = await last_outbox_id(demo_app)
    case = await submit_report(chat, "anna", "party")  # nothing decided yet
    assert "kent" not in [h for _i, h, _k, _p in await outbox(demo_app, mark)]
    view = await chat("kent").say(f"/arende {case.ref}")  # his item is still his, if asked
    assert "3.1.3" in view, view


async def test_the_director_is_told_once_the_police_have_assessed_it(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    """Nothing decided at the send, Kent was never told, even after the police's assessment
    (3.1.2 "Ja"), after which she may decide to report."""
    clock.now = MONDAY_10
    for handle in ("sara", "kent"):
        await chat(handle).say("/hjalp")
    case = await submit_report(chat, "bo", "assignment")
    await take(chat, "sara", case)
    sara = chat("sara")
    await sara.say(f"/arende {case.ref}")
    assert (await sara.press("case:check")).startswith("3.1.2:")
    mark = await last_outbox_id(demo_app)
    await sara.press("check:yes")
    owned = [(h, p) for _i, h, k, p in await outbox(demo_app, mark) if k == "item_owned"]
    assert owned == [("kent", {"report": case.id, "items": ["3.1.3"]})], owned


# --- item 4: notes -----------------------------------------------------------------------------


async def test_a_checklist_comment_never_reaches_the_targeted_person(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    case = await the_unit_case(chat, clock, "party")  # 3.1.1 is Pia's to answer
    pia, anna = chat("pia"), chat("anna")
    await pia.say(f"/arende {case.ref}")
    await pia.press("case:check")
    await pia.press("check:yes")
    view = await pia.say(NOTE)  # the comment on 3.1.1
    view = await pia.press("case:view")
    assert f"    Intern anteckning: {NOTE}" in view
    seen = await anna.say(f"/arende {case.ref}")
    assert "✓ Har du eller Pia Lind kontaktat kommunens" in seen, seen
    assert NOTE not in seen and "Intern" not in seen
    who = await viewers(demo_app, "anna", "kent")

    async def annas_checklist(repo: CaseRepo, report: Report) -> Any:
        return await repo.checklist(report, who["anna"])

    assert (await in_storage(demo_app, case, annas_checklist))["3.1.1"].comment is None

    # nor the municipal director, who reads the checklist to file the police report: in
    # storage, in his chat and in his case file
    async def kents_checklist(repo: CaseRepo, report: Report) -> Any:
        return await repo.checklist(report, who["kent"])

    assert (await in_storage(demo_app, case, kents_checklist))["3.1.1"].comment is None
    kent = chat("kent")
    assert NOTE not in await kent.say(f"/arende {case.ref}")
    await kent.press("case:check")  # his own item, 3.1.3, with his own comment
    await kent.press("check:yes")
    await kent.say("Anmäld, åtkomstskyddad")
    assert "Intern anteckning: Anmäld, åtkomstskyddad" in await kent.press("case:view")
    assert "Anmäld, åtkomstskyddad" in await pia.say(f"/arende {case.ref}")  # those handling it


async def test_a_note_written_in_two_messages_is_sent_whole_by_words(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    """Pia wrote a second line and then "ja skicka till henne": each typed line had become a
    note of its own, and Anna was sent "ja skicka till henne" instead of what Pia wrote."""
    case = await the_unit_case(chat, clock)
    pia, anna = chat("pia"), chat("anna")
    await pia.say(f"/arende {case.ref}")
    await pia.press("case:note")
    await pia.say("Anna, ring mig om något händer i natt.")
    added = await pia.say("Når du inte mig, ring Per.")
    whole = "Anna, ring mig om något händer i natt.\nNår du inte mig, ring Per."
    assert added.startswith(f"Jag lade till det i anteckningen. Så här lyder den nu:\n{whole}")
    sent = await pia.say("ja skicka till henne")
    assert sent.startswith("Skickat till Anna Berg.")
    seen = await anna.say(f"/arende {case.ref}")
    assert "Meddelande från Pia Lind (i dag kl. 10.00): Anna, ring mig om något" in seen
    assert "om något händer i natt.\n  Når du inte mig, ring Per." in seen  # one item
    assert "skicka" not in seen
    assert "skicka till henne" not in await pia.say(f"/arende {case.ref}")


async def test_a_note_is_internal_unless_sent_to_the_person(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    case = await the_unit_case(chat, clock)
    pia, anna = chat("pia"), chat("anna")
    await pia.say(f"/arende {case.ref}")
    asked = await pia.press("case:note")
    assert "Intern anteckning – syns bara för dem som hanterar ärendet." in asked
    chosen = await pia.say(NOTE)
    assert chosen.startswith("Sparad som intern anteckning: Anna Berg ser den inte.")
    assert [i for i, _, _ in pia.buttons] == ["note:internal", "note:send"]
    mark = await last_outbox_id(demo_app)
    said = await pia.press("note:internal")
    assert "Anteckningar:" not in said and said.startswith("Anteckningen är intern:")
    view = await pia.press("case:view")
    assert f"• Intern anteckning (Pia Lind, i dag kl. 10.00): {NOTE}" in view
    assert about(await outbox(demo_app, mark), case) == []

    # A note typed and left without choosing stays internal (and is kept).
    await pia.press("case:note")
    await pia.say("Anna verkar rädd för grannen")
    await pia.say("/arende " + case.ref)
    # A message to Anna: she is told, and reads it in her case.
    await pia.press("case:note")
    await pia.say("Jag ringer dig i morgon kl. 10.")
    sent = await pia.press("note:send")
    assert sent.startswith("Skickat till Anna Berg.")
    message = "Jag ringer dig i morgon kl. 10."
    sent = await pia.press("case:view")
    assert f"• Meddelande till Anna Berg (Pia Lind, i dag kl. 10.00): {message}" in sent
    assert about(await outbox(demo_app, mark), case) == [("anna", "case_message")]
    seen = await anna.say(f"/arende {case.ref}")
    assert "Meddelanden till dig:" in seen
    assert "• Meddelande från Pia Lind (i dag kl. 10.00): Jag ringer dig i morgon kl. 10." in seen
    assert NOTE not in seen and "grannen" not in seen

    # In storage: the reporter's reads never return an internal note; the director and
    # someone not alerted read none; only those who handle the case write notes.
    who = await viewers(demo_app, "anna", "kent", "per", "sara", "pia")

    async def read(handle: str) -> list[str]:
        async def notes(repo: CaseRepo, report: Report) -> Any:
            return [(row.kind, text) for row, text in await repo.notes(who[handle], report)]

        return list(await in_storage(demo_app, case, notes))

    assert await read("anna") == [("message", "Jag ringer dig i morgon kl. 10.")]
    assert await read("kent") == [] and await read("per") == []
    assert [kind for kind, _ in await read("sara")] == ["internal", "internal", "message"]
    for handle, kind in (("anna", "internal"), ("kent", "internal"), ("per", "message")):

        async def write(repo: CaseRepo, report: Report, h: str = handle, k: str = kind) -> Any:
            return await repo.add_note(who[h], report, k, "forged", clock.now)

        assert isinstance(await in_storage(demo_app, case, write), NotFound), handle
    async with demo_app.db.unit_of_work() as session:
        first = (await session.scalars(select(CaseNote).order_by(CaseNote.id))).first()
        assert first is not None and NOTE.encode() not in first.text  # sealed at rest

    async def sara_sends_pias(repo: CaseRepo, report: Report) -> Any:
        return await repo.send_note(who["sara"], report, first.id, clock.now)

    assert isinstance(await in_storage(demo_app, case, sara_sends_pias), NotAllowed)
    assert NOTE not in str(await read("anna"))


# --- item 8: closing and reopening --------------------------------------------------------------


async def test_closing_with_open_items_asks_tells_and_can_be_undone(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    case = await the_unit_case(chat, clock)
    pia, anna = chat("pia"), chat("anna")
    await pia.say(f"/arende {case.ref}")
    asked = await pia.press("case:close")
    assert asked.startswith(
        "Kvar i checklistan: 11 öppna för dig, 14 i ärendet.\n"  # 3.1.1: sent to Sara
        "• För dig: 3.2.1, 3.2.2, 3.2.3, 3.2.4\n"
        "• För andra: 3.1.2, 3.1.3, 3.2.4\n"
    ), asked
    assert "Avsluta ändå?" in asked
    view = await pia.press("case:view")  # she goes back: nothing is closed
    assert view.startswith(f"Ärende {case.ref} – öppet")
    await pia.press("case:close")
    await pia.press("close:confirm")
    await pia.press("applied:no")
    await pia.say("Strategen nåddes inte")
    mark = await last_outbox_id(demo_app)
    clock.advance(hours=1)
    closed = await pia.press("close:skip")
    assert closed.startswith(
        f"Ärende {case.ref} är avslutat. Tack.\n"
        "Jag har meddelat Anna Berg, Sara Strand och Kent Dahl."
    )
    assert about(await outbox(demo_app, mark), case) == [
        ("anna", "case_closed"),
        ("sara", "case_closed"),
        ("kent", "case_closed"),
    ]
    texts = [r.text for r in await delivered(demo_app)]
    assert (
        "I fara nu: ring 112. Inte akut: polisen på 114 14.\n"
        f"Ditt ärende {case.ref} är avslutat av Pia Lind.\nDu kan alltid skriva till mig."
    ) in texts
    assert f"Ärende {case.ref} är avslutat av Pia Lind." in texts
    async with demo_app.db.unit_of_work() as session:
        report = await session.get(Report, case.id)
        assert report is not None
        evaluation = CaseRepo(session, demo_app.keyring).evaluation_of(report)
    assert evaluation == {"routine_applied": "no", "routine": "Strategen nåddes inte", "plan": ""}
    assert await pending_timers(demo_app, case.id) == []

    # Pia opens it again: audited, the person and the others told, reminders planned again.
    clock.advance(days=3)
    mark = await last_outbox_id(demo_app)
    await pia.say(f"/arende {case.ref}")
    assert pia.last_buttons == ["case:pdf", "case:reopen", f"show:{case.id}", "case:file"]
    reopened = await pia.press("case:reopen")
    assert reopened.startswith(f"Ärende {case.ref} är öppet igen.\nJag har meddelat Anna Berg")
    assert pia.last_buttons == ["case:check", "case:view"]  # her next item, or the case
    await pia.press("case:view")
    assert "case:close" in pia.last_buttons
    assert await actions(demo_app, "case_reopened") == [("pia", case.ref)]
    assert about(await outbox(demo_app, mark), case) == [
        ("anna", "case_reopened"),
        ("sara", "case_reopened"),
        ("kent", "case_reopened"),
    ]
    kinds = [kind for kind, _due in await pending_timers(demo_app, case.id)]
    assert kinds.count(FOLLOWUP_FIRST) == 3  # follow-up 1 was never documented
    assert kinds.count(CHECKIN) == 2  # days 7 and 30 of the plan are still ahead
    async with demo_app.db.unit_of_work() as session:
        purges = (
            await session.scalars(
                select(Timer.kind).where(
                    Timer.subject == case.id,
                    Timer.kind.in_((PURGE, PURGE_WARNING)),
                    Timer.state == TimerState.PENDING,
                )
            )
        ).all()
        report = await session.get(Report, case.id)
        assert report is not None and report.status is ReportStatus.SUBMITTED
    assert purges == []
    assert (await anna.say(f"/arende {case.ref}")).startswith(f"Ärende {case.ref} – öppet")


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_who_may_close_and_reopen(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    case = await the_unit_case(chat, clock)
    who = await viewers(demo_app, "anna", "per", "kent", "britt", "sara", "pia")
    # In the conversation: nobody but those who handle it is offered closing.
    for handle in ("anna", "kent"):
        person: Chat = chat(handle)
        await person.say(f"/arende {case.ref}")
        assert "case:close" not in person.last_buttons
        await person.press("case:close", token=NOTICE_TOKEN)  # forged: stale
    for handle in ("anna", "per", "kent", "britt"):

        async def close(repo: CaseRepo, report: Report, h: str = handle) -> Any:
            return await repo.close(who[h], report, {}, clock.now)

        assert isinstance(await in_storage(demo_app, case, close), NotFound), handle
    async with demo_app.db.unit_of_work() as session:
        report = await session.get(Report, case.id)
        assert report is not None and report.status is ReportStatus.SUBMITTED
        await CaseRepo(session, demo_app.keyring).close(who["sara"], report, {}, clock.now)
    for handle in ("anna", "per", "kent", "britt"):

        async def reopen(repo: CaseRepo, report: Report, h: str = handle) -> Any:
            return await repo.reopen(who[h], report, clock.now)

        assert isinstance(await in_storage(demo_app, case, reopen), NotFound), handle
        person = chat(handle)
        await person.say(f"/arende {case.ref}")
        assert "case:reopen" not in person.last_buttons
    async with demo_app.db.unit_of_work() as session:
        report = await session.get(Report, case.id)
        assert report is not None and report.status is ReportStatus.CLOSED
        repo = CaseRepo(session, demo_app.keyring)
        assert await repo.access(who["kent"], report) is Access.CHECKLIST
        await repo.reopen(who["pia"], report, clock.now)
        assert report.status is ReportStatus.SUBMITTED


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_closing_calls_off_a_booked_call_and_reopening_asks_to_book_again(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    case = await the_unit_case(chat, clock)
    who = await viewers(demo_app, "pia")
    call = datetime(2026, 12, 10, 13, 0, tzinfo=UTC)  # 14:00 in Stockholm
    async with demo_app.db.unit_of_work() as session:
        report = await session.get(Report, case.id)
        assert report is not None
        await CallRepo(session, demo_app.keyring).book(who["pia"], report, 1, call, clock.now)
    pia = chat("pia")
    await pia.say(f"/arende {case.ref}")
    for button in ("case:close", "close:confirm", "applied:yes", "close:skip", "close:skip"):
        await pia.press(button)
    clock.advance(days=2)
    await pia.say(f"/arende {case.ref}")
    await pia.press("case:reopen")
    async with demo_app.db.unit_of_work() as session:
        rows = await session.execute(
            select(Timer.kind, Timer.subject, Timer.payload).where(
                Timer.state == TimerState.PENDING, Timer.subject.startswith(case.id)
            )
        )
        pending = sorted(
            (kind, subject, str(payload.get("stage", ""))) for kind, subject, payload in rows
        )
    # closing called the call off (Anna was told): no reminder of it comes back, and the
    # contact is asked to book call 1 again, as for a new case
    assert (FOLLOWUP_CALL, f"{case.id}:1", "") not in pending
    assert (FOLLOWUP_FIRST, case.id, "nudge") in pending
    assert (FOLLOWUP_FIRST, case.id, "escalate") in pending
    async with demo_app.db.unit_of_work() as session:
        report = await session.get(Report, case.id)
        assert report is not None
        log = await CallRepo(session, demo_app.keyring).log(who["pia"], report)
        assert [e.planned_for for e in log] == [None]


async def test_a_changed_answer_keeps_the_comment_it_replaced(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock, tmp_path: Any
) -> None:
    """'Det tidigare svaret finns kvar i ärendets historik' must be true where people read
    the case: the old answer's comment is shown with it, in the view and in the archive."""
    import argparse
    import json

    from bot import cli_case

    case = await the_unit_case(chat, clock, "party")  # 3.1.1 is not done by the sending
    pia = chat("pia")
    await pia.say(f"/arende {case.ref}")
    clock.advance(minutes=12)
    await pia.press("case:check")
    await pia.press("check:no")
    await pia.say("Bedöms på uppföljningssamtalet, Anna vill vänta")  # on to the next item
    await pia.press("case:view")
    clock.advance(hours=1)
    await pia.press("case:change")
    await pia.press("chg:3.1.1")
    await pia.press("check:yes")
    await pia.say("Sara nådd på mobilen")
    done = await pia.press("case:view")
    assert (
        "    Intern anteckning: Sara nådd på mobilen\n"
        "    Förut (Nej, Pia Lind i dag kl. 10.12): Bedöms på uppföljningssamtalet, Anna vill vänta"
    ) in done
    out = tmp_path / "case.json"
    args = argparse.Namespace(ref=case.ref, pdf=None, json=out, locale="sv")
    assert await cli_case.export(demo_app, args) == 0
    [item] = [c for c in json.loads(out.read_text())["checklist"] if c["item"] == "3.1.1"]
    assert item["comment"] == "Sara nådd på mobilen"
    assert item["earlier"] == [
        {
            "answer": "no",
            "comment": "Bedöms på uppföljningssamtalet, Anna vill vänta",
            "answered_by": "Pia Lind",
            "answered_at": item["earlier"][0]["answered_at"],
        }
    ]


async def test_the_director_reads_no_written_checklist_answer_but_his_own(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    """Item 3.2.2 is answered by writing what support was set up ("Anna bor hos sin syster på
    Lönngatan 7"): the director read it, in his case view and in his police PDF."""
    case = await the_unit_case(chat, clock)
    who = await viewers(demo_app, "pia", "kent", "anna")
    written = "Anna bor hos sin syster Eva på Lönngatan 7 (hemlig adress)"

    async def pia_answers(repo: CaseRepo, report: Report) -> Any:
        return await repo.answer_item(
            who["pia"],
            report,
            "3.2.2-support-measures",
            "text",
            written,
            clock.now,
            responsible=("party_security",),
        )

    async def checklist_of(handle: str) -> Any:
        async def read(repo: CaseRepo, report: Report) -> Any:
            return await repo.checklist(report, who[handle])

        return (await in_storage(demo_app, case, read))["3.2.2-support-measures"]

    await in_storage(demo_app, case, pia_answers)
    assert (await checklist_of("kent")).comment is None
    seen = await chat("kent").say(f"/arende {case.ref}")
    assert "Lönngatan" not in seen
    assert "besvarad (svaret är internt), Pia Lind" in seen, seen
    assert (await checklist_of("anna")).comment == written  # hers: what was set up for her


async def test_the_director_is_told_after_the_quiet_hours(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    """A report sent at 23:10 woke Kent at once for his routine item (3.1.3), though the
    quiet hours hold back every other routine message; and the push named Pia as the one
    with the report after Per had taken it."""
    clock.now = datetime(2026, 11, 23, 22, 10, tzinfo=UTC)  # 23:10 in Stockholm
    for handle in ("pia", "kent", "per"):
        await chat(handle).say("/hjalp")
    mark = await last_outbox_id(demo_app)
    party = await submit_report(chat, "anna", "party", police=True)
    assert [k for _i, _h, k, _p in await outbox(demo_app, mark) if k == "item_owned"] == []
    clock.now = datetime(2026, 11, 24, 0, 11, tzinfo=UTC)  # Pia did not answer: Per is paged
    await demo_app.timer_runner().run_due()
    assert [k for _i, _h, k, _p in await outbox(demo_app, mark) if k == "item_owned"] == []
    await take(chat, "per", party)
    clock.now = datetime(2026, 11, 24, 7, 0, tzinfo=UTC)  # 08:00
    await demo_app.timer_runner().run_due()
    owned = [(h, p) for _i, h, k, p in await outbox(demo_app, mark) if k == "item_owned"]
    assert owned == [("kent", {"report": party.id, "items": ["3.1.3"]})]
    push = next(r for r in await delivered(demo_app) if "Din del av checklistan" in r.text)
    assert push.text.endswith(
        "Per Ek (+46 70 174 06 12) har rapporten och kan berätta vad som har hänt."
    ), push.text


async def test_staff_who_must_act_are_given_the_number_of_the_one_handling_it(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    """Sara read "Hanteras av: Pia Lind" and Kent "Pia Lind har rapporten och kan berätta vad
    som har hänt." with no number: both must reach her. Pia is not given her own number;
    Anna reads who has her case too (which of her contacts, and how to reach her)."""
    clock.now = MONDAY_10
    for handle in ("pia", "sara", "kent"):
        await chat(handle).say("/hjalp")  # their chats exist, so pushes reach them
    case = await submit_report(chat, "anna", "assignment", police=True)
    push = next(r for r in await delivered(demo_app) if "Din del av checklistan" in r.text)
    assert push.text.endswith(
        "Pia Lind (+46 70 174 06 11) och Sara Strand (+46 8 465 004 11) har rapporten och kan "
        "berätta vad som har hänt."
    ), push.text
    await take(chat, "pia", case)
    for handle in ("sara", "kent"):
        view = await chat(handle).say(f"/arende {case.ref}")
        assert "\nHanteras av: Pia Lind, +46 70 174 06 11\n" in view, view
    assert "\nHanteras av: dig\n" in await chat("pia").say(f"/arende {case.ref}")  # her own
    own = await chat("anna").say(f"/arende {case.ref}")
    assert "\nHanteras av: Pia Lind, +46 70 174 06 11\n" in own, own
