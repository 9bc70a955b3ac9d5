"""What a handler does to a case from the web console: each form is one unit of work through
the chat's own case operations (conversations/desk), refused without its form token, for a
case the person may not handle, or with input the chat would refuse too (issue 21)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy import select

from bot.app import App
from conversations.case_notices import CASE_MESSAGE
from conversations.i18n import DISPLAY_TZ
from storage.models import (
    Alert,
    AuditEntry,
    ChecklistAnswer,
    FollowUp,
    OutboxMessage,
    Person,
    Report,
    ReportStatus,
)
from tests.conftest import FakeClock
from tests.test_case import Submitted, submit_report, take
from tests.web_support import browser, csrf_in, signed_in_as, switch_on


async def _ready(chat, app: App, handle: str = "pia") -> Submitted:  # type: ignore[no-untyped-def]
    switch_on(app)
    case = await submit_report(chat, "anna", "party")
    await take(chat, handle, case)
    return case


async def _post(client: httpx.AsyncClient, token: str, path: str, **fields: str) -> httpx.Response:
    return await client.post(path, data={"csrf": token, **fields})


async def _rows(app: App, model: Any, **where: Any) -> list[Any]:
    async with app.db.unit_of_work() as session:
        stmt = select(model).filter_by(**where)
        return list((await session.scalars(stmt)).all())


async def _outbox_kinds(app: App, handle: str) -> list[str]:
    async with app.db.unit_of_work() as session:
        person = (await session.scalars(select(Person).where(Person.handle == handle))).one()
        rows = await session.scalars(
            select(OutboxMessage.kind).where(OutboxMessage.recipient_id == person.id)
        )
        return list(rows)


async def test_a_checklist_answer_from_the_web_is_the_chats_answer(chat, demo_app: App) -> None:  # type: ignore[no-untyped-def]
    case = await _ready(chat, demo_app)
    async with browser(demo_app) as client:
        token = csrf_in((await signed_in_as(chat, "pia", client)).text)
        done = await _post(
            client, token, f"/cases/{case.ref}/checklist", item="3.1.1", answer="no", comment="x"
        )
        assert done.status_code == 303 and done.headers["location"].endswith("#checklist")
        answers = await _rows(demo_app, ChecklistAnswer, report_id=case.id)
        assert [(a.item_id, a.answer) for a in answers] == [("3.1.1", "no")]
        # the chat shows the same answer
        assert "3.1.1" in await chat("pia").say(f"/arende {case.ref}")
        # another role's item, an unknown answer, no form token: nothing is saved
        await _post(client, token, f"/cases/{case.ref}/checklist", item="3.1.3", answer="yes")
        await _post(client, token, f"/cases/{case.ref}/checklist", item="3.1.1", answer="kanske")
        forged = await client.post(
            f"/cases/{case.ref}/checklist", data={"item": "3.1.1", "answer": "yes"}
        )
        assert forged.status_code == 403
        answers = await _rows(demo_app, ChecklistAnswer, report_id=case.id)
        assert len(answers) == 1


async def test_another_partys_contact_can_do_nothing_to_the_case(chat, demo_app: App) -> None:  # type: ignore[no-untyped-def]
    case = await _ready(chat, demo_app)
    async with browser(demo_app) as client:
        token = csrf_in((await signed_in_as(chat, "britt", client)).text)
        for path, fields in (
            ("checklist", {"item": "3.1.1", "answer": "yes"}),
            ("notes", {"kind": "internal", "text": "Britt var här"}),
            ("close", {"applied": "yes"}),
            ("handover", {"person": "1"}),
        ):
            refused = await _post(client, token, f"/cases/{case.ref}/{path}", **fields)
            assert refused.status_code == 404, path
            assert "Anna" not in refused.text
    assert not await _rows(demo_app, ChecklistAnswer, report_id=case.id)
    async with demo_app.db.unit_of_work() as session:
        report = await session.get(Report, case.id)
        assert report is not None and report.status is ReportStatus.SUBMITTED


async def test_a_message_to_the_reporter_reaches_her_chat(chat, demo_app: App) -> None:  # type: ignore[no-untyped-def]
    case = await _ready(chat, demo_app)
    async with browser(demo_app) as client:
        token = csrf_in((await signed_in_as(chat, "pia", client)).text)
        before = await _outbox_kinds(demo_app, "anna")
        await _post(client, token, f"/cases/{case.ref}/notes", kind="message", text="Vi hörs.")
        await _post(client, token, f"/cases/{case.ref}/notes", kind="internal", text="Intern.")
    after = await _outbox_kinds(demo_app, "anna")
    assert after[len(before) :] == [CASE_MESSAGE]  # the internal note goes to nobody


async def test_booking_documenting_handing_over_and_closing(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    case = await _ready(chat, demo_app)
    tomorrow = (clock() + timedelta(days=1)).astimezone(DISPLAY_TZ).date()
    today = clock().astimezone(DISPLAY_TZ).date()
    async with browser(demo_app) as client:
        token = csrf_in((await signed_in_as(chat, "pia", client)).text)
        path = f"/cases/{case.ref}"
        await _post(client, token, f"{path}/calls", day="2020-01-01", time="10:00")  # past
        assert not await _rows(demo_app, FollowUp, report_id=case.id)
        await _post(client, token, f"{path}/calls", day=tomorrow.isoformat(), time="10:00")
        booked = await _rows(demo_app, FollowUp, report_id=case.id)
        assert [(f.number, f.status) for f in booked] == [(1, "planned")]
        await _post(
            client,
            token,
            f"{path}/followups",
            held_on=today.isoformat(),
            present="Anna Berg, Pia Lind",
            notes="Mår bättre.",
            support="yes",
            professional="not_needed",
        )
        held = await _rows(demo_app, FollowUp, report_id=case.id, number=1)
        assert held[0].status == "documented"
        per = (await _rows(demo_app, Person, handle="per"))[0]
        await _post(client, token, f"{path}/handover", person=str(per.id))
        alert = (await _rows(demo_app, Alert, id=case.alert_id))[0]
        assert alert.acknowledged_by == per.id
        await _post(client, token, f"{path}/close", applied="")  # the evaluation's first answer
        report = (await _rows(demo_app, Report, id=case.id))[0]
        assert report.status is ReportStatus.SUBMITTED
    async with browser(demo_app) as client:
        token = csrf_in((await signed_in_as(chat, "per", client)).text)
        await _post(client, token, f"/cases/{case.ref}/close", applied="yes", routine="Bra.")
        report = (await _rows(demo_app, Report, id=case.id))[0]
        assert report.status is ReportStatus.CLOSED
        closed = await client.get(f"/cases/{case.ref}")  # the page of a closed case
        assert closed.status_code == 200 and "Öppna ärendet igen" in closed.text
        assert "Lämna över ärendet" not in closed.text and "Skriv en anteckning" not in closed.text
        await _post(client, token, f"/cases/{case.ref}/reopen")
        report = (await _rows(demo_app, Report, id=case.id))[0]
        assert report.status is ReportStatus.SUBMITTED
    actions = {a.action for a in await _rows(demo_app, AuditEntry)}
    assert {"call_booked", "case_handed_over", "case_closed", "case_reopened"} <= actions


async def test_311_done_by_the_sending_shows_done_on_the_web(chat, demo_app: App) -> None:  # type: ignore[no-untyped-def]
    """Anna's case about her assignment reached Sara at the unit with Pia's alert: Pia's case
    page shows 3.1.1 done, as Anna's chat does, with no form to answer it and nothing stored;
    an answer Pia gives anyway (a form kept open) stands."""
    switch_on(demo_app)
    await chat("sara").say("/hjalp")  # her chat exists: the alert reaches her
    case = await submit_report(chat, "anna", "assignment")
    await take(chat, "pia", case)
    done = "Kommunens säkerhetsenhet är kontaktad (Sara Strand)."
    async with browser(demo_app) as client:
        token = csrf_in((await signed_in_as(chat, "pia", client)).text)
        page = (await client.get(f"/cases/{case.ref}")).text
        assert done in page
        assert 'name="item" value="3.1.1"' not in page  # nothing to answer
        assert 'name="item" value="3.2.1-initial-support"' in page  # her next, as in the chat
        assert not await _rows(demo_app, ChecklistAnswer, report_id=case.id)
        await _post(client, token, f"/cases/{case.ref}/checklist", item="3.1.1", answer="no")
        page = (await client.get(f"/cases/{case.ref}")).text
        assert done not in page
    card = await chat("pia").say(f"/arende {case.ref}")
    assert "✗ 3.1.1 Har kommunens säkerhetsstrateg kontaktats? – Nej, Pia Lind" in card
